import { describe, expect, it } from 'vitest';
import { createRng } from './prng.ts';

describe('createRng', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = createRng(123);
    const b = createRng(123);
    const c = createRng(124);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it('stays in range', () => {
    const r = createRng(1);
    let outside = 0;
    const ints = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const u = r.next();
      if (!(u >= 0 && u < 1)) outside++;
      ints.add(r.int(3, 5));
    }
    expect(outside).toBe(0);
    expect([...ints].sort()).toEqual([3, 4, 5]);
  });

  // Sample statistics over 200k draws; tolerances are several standard errors wide.
  it('draws distributions with the requested mean or median', () => {
    const r = createRng(99);
    const n = 200_000;
    let exp = 0;
    let pois = 0;
    const logn: number[] = [];
    let ints = 0;
    for (let i = 0; i < n; i++) {
      exp += r.exponential(90);
      pois += r.poisson(1.5);
      logn.push(r.lognormal(65, 0.65));
      ints += r.int(0, 9);
    }
    expect(Math.abs(exp / n - 90)).toBeLessThan(1);
    expect(Math.abs(pois / n - 1.5)).toBeLessThan(0.02);
    expect(Math.abs(ints / n - 4.5)).toBeLessThan(0.03);
    logn.sort((x, y) => x - y);
    expect(Math.abs((logn[n / 2] as number) - 65)).toBeLessThan(1);
  });

  it('refuses to pick from an empty array', () => {
    expect(() => createRng(1).pick([])).toThrow(RangeError);
  });
});
