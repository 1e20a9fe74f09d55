// Stratified random sample of each agent's answered calls for a month. Pure and reproducible:
// the same calls and the same seed always draw the same sample, whatever order the calls came
// in (the store returns rows in no guaranteed order), so a recorded seed makes a draw auditable.
//   strata = queue x outcome (completed / transferred) x part of the day (site local time);
//   each agent's target is split over its strata in proportion to their sizes (largest
//   remainder), and each stratum is drawn without replacement with its own seeded generator.
import { localParts } from '../../core/calendar.ts';
import type { CallOutcome, Daypart, SampleAgentProgress, SampledCall } from '../contract.ts';

export interface SampleCandidate {
  site: string;
  callid: string;
  queue: string;
  agent: string;
  /** Epoch seconds. */
  enter_ts: number;
  transferred: boolean;
}

export interface SampleOptions {
  seed: number;
  tz: string;
  targetPerAgent: number;
  /** Per-agent targets that override targetPerAgent. */
  targets?: Record<string, number>;
}

export interface DrawnSample {
  calls: SampledCall[];
  agents: Array<Omit<SampleAgentProgress, 'done'>>;
}

export function daypartOf(epochS: number, tz: string): Daypart {
  const h = localParts(epochS, tz).hour;
  return h < 12 ? 'morning' : h < 18 ? 'afternoon' : 'evening';
}

/** sfc32 seeded through splitmix32: small, fast, exact in 32-bit integer arithmetic. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  const mix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}

/** FNV-1a 32-bit of the text mixed with the seed: one independent stream per agent and stratum. */
export function subSeed(seed: number, text: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Splits `target` seats over strata sizes in proportion (Hamilton's largest remainder).
 * Ties in the remainder go to the stratum listed first. Never gives a stratum more than its size.
 */
export function allocate(sizes: readonly number[], target: number): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const t = Math.min(target, total);
  if (t <= 0) return sizes.map(() => 0);
  const seats = sizes.map((n) => Math.floor((t * n) / total));
  // Remainders compared as exact integers: (t * n) mod total.
  const order = sizes.map((n, i) => ({ i, rem: (t * n) % total })).sort((x, y) => y.rem - x.rem || x.i - y.i);
  let left = t - seats.reduce((a, b) => a + b, 0);
  for (const { i } of order) {
    if (left === 0) break;
    if ((seats[i] as number) < (sizes[i] as number)) {
      seats[i] = (seats[i] as number) + 1;
      left--;
    }
  }
  return seats;
}

const byCall = (a: SampleCandidate, b: SampleCandidate): number =>
  a.enter_ts - b.enter_ts || (a.callid < b.callid ? -1 : a.callid > b.callid ? 1 : 0) || (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : 0) || (a.site < b.site ? -1 : a.site > b.site ? 1 : 0);

export function drawSample(candidates: readonly SampleCandidate[], opts: SampleOptions): DrawnSample {
  const byAgent = new Map<string, SampleCandidate[]>();
  for (const c of candidates) {
    if (c.agent === '') continue;
    let list = byAgent.get(c.agent);
    if (!list) byAgent.set(c.agent, (list = []));
    list.push(c);
  }
  const calls: SampledCall[] = [];
  const agents: DrawnSample['agents'] = [];
  for (const agent of [...byAgent.keys()].sort()) {
    const list = (byAgent.get(agent) as SampleCandidate[]).sort(byCall);
    const strata = new Map<string, SampledCall[]>();
    for (const c of list) {
      const outcome: CallOutcome = c.transferred ? 'transferred' : 'completed';
      const daypart = daypartOf(c.enter_ts, opts.tz);
      const stratum = `${c.queue}|${outcome}|${daypart}`;
      let s = strata.get(stratum);
      if (!s) strata.set(stratum, (s = []));
      s.push({ site: c.site, callid: c.callid, queue: c.queue, agent, enter_ts: c.enter_ts, outcome, daypart, stratum });
    }
    const keys = [...strata.keys()].sort();
    const target = opts.targets?.[agent] ?? opts.targetPerAgent;
    const seats = allocate(keys.map((k) => (strata.get(k) as SampledCall[]).length), target);
    const picked: SampledCall[] = [];
    keys.forEach((k, i) => {
      const pool = [...(strata.get(k) as SampledCall[])];
      const rnd = seededRandom(subSeed(opts.seed, `${agent}\0${k}`));
      const want = seats[i] as number;
      // Partial Fisher-Yates: the first `want` positions become a uniform draw without replacement.
      for (let j = 0; j < want; j++) {
        const r = j + Math.floor(rnd() * (pool.length - j));
        [pool[j], pool[r]] = [pool[r] as SampledCall, pool[j] as SampledCall];
      }
      picked.push(...pool.slice(0, want));
    });
    picked.sort((a, b) => a.enter_ts - b.enter_ts || (a.callid < b.callid ? -1 : 1));
    calls.push(...picked);
    agents.push({ agent, population: list.length, target, drawn: picked.length });
  }
  return { calls, agents };
}
