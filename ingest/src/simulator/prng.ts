// Seeded pseudo-random numbers for the simulator. Pure: the whole simulated day depends only on
// the seed, so the same seed gives byte-identical queue_log and Master.csv output.

/** A uniform generator in [0, 1) plus the distributions the simulator draws from. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Integer uniform in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Exponential with the given mean (> 0). */
  exponential(mean: number): number;
  /** Standard normal (Box-Muller; one value per call, the pair's second half is discarded for simplicity). */
  normal(): number;
  /** Lognormal given its median and the sigma of the underlying normal. */
  lognormal(median: number, sigma: number): number;
  /** Poisson-distributed count with the given mean (Knuth; means here are small). */
  poisson(mean: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
}

/** splitmix32: spreads a small integer seed over the 128 bits of sfc32 state. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128-bit state, passes PractRand,
 * and needs only 32-bit integer arithmetic, which JavaScript does exactly.
 */
export function createRng(seed: number): Rng {
  const init = splitmix32(Math.trunc(seed));
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  // Discard the first outputs: sfc32's authors recommend a short warm-up after seeding.
  for (let i = 0; i < 12; i++) next();

  const rng: Rng = {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor((max - min + 1) * next()),
    chance: (p) => next() < p,
    exponential: (mean) => -mean * Math.log(1 - next()),
    normal: () => {
      const u = 1 - next(); // (0, 1]: log(u) is finite
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    lognormal: (median, sigma) => median * Math.exp(sigma * rng.normal()),
    poisson: (mean) => {
      const limit = Math.exp(-mean);
      let k = 0;
      let p = next();
      while (p > limit) {
        k++;
        p *= next();
      }
      return k;
    },
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick from an empty array');
      return items[Math.floor(next() * items.length)] as T;
    },
  };
  return rng;
}
