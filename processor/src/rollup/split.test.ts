import { describe, expect, it } from 'vitest';
import { DAY_S, QUARTER_S, bucketRuns, dayClean, quarterClean, quartersOf, splitRange, type Eligibility, type RollupState } from './split.ts';

const D = Date.UTC(2026, 0, 10) / 1000;
const all: Eligibility = { quarter: () => true, day: () => true };
const state = (o: { marks?: Array<[number, number]>; quarters?: Array<[number, number]>; days?: Array<[number, number]> }): RollupState => ({
  marks: new Map(o.marks ?? []),
  quarters: new Map(o.quarters ?? []),
  days: new Map(o.days ?? []),
});
/** Every quarter of [a, b) rolled at gen. */
const rolled = (a: number, b: number, gen: number): Array<[number, number]> => {
  const out: Array<[number, number]> = [];
  for (let q = a; q < b; q += QUARTER_S) out.push([q, gen]);
  return out;
};

describe('clean buckets', () => {
  it.each<[string, RollupState, boolean]>([
    ['never rolled, never marked', state({}), false],
    ['never rolled, marked', state({ marks: [[D, 5]] }), false],
    ['rolled, no mark', state({ quarters: [[D, 5]] }), true],
    ['rolled at the mark', state({ marks: [[D, 5]], quarters: [[D, 5]] }), true],
    ['marked after it was rolled', state({ marks: [[D, 6]], quarters: [[D, 5]] }), false],
  ])('quarter: %s', (_name, s, clean) => {
    expect(quarterClean(s, D)).toBe(clean);
  });
  it.each<[string, RollupState, boolean]>([
    ['never rolled', state({ marks: [[D, 1]] }), false],
    ['rolled after every mark', state({ marks: [[D, 1], [D + 95 * QUARTER_S, 4]], days: [[D, 4]] }), true],
    ['one quarter marked after', state({ marks: [[D, 1], [D + 95 * QUARTER_S, 9]], days: [[D, 4]] }), false],
  ])('day: %s', (_name, s, clean) => {
    expect(dayClean(s, D)).toBe(clean);
  });
});

describe('splitRange', () => {
  it('reads clean whole days from days, clean quarters from quarters, the rest from a scan', () => {
    const s = state({ quarters: [...rolled(D - DAY_S, D + 2 * DAY_S, 10)], days: [[D, 10]], marks: [[D + DAY_S + 3 * QUARTER_S, 11]] });
    const from = D - 2 * QUARTER_S + 7; // cuts a quarter
    const to = D + DAY_S + 5 * QUARTER_S;
    const r = splitRange(s, from, to, all);
    expect(r.days).toEqual({ from: [D], to: [D + DAY_S] });
    expect(r.quarters).toEqual({ from: [D - QUARTER_S, D + DAY_S, D + DAY_S + 4 * QUARTER_S], to: [D, D + DAY_S + 3 * QUARTER_S, to] });
    expect(r.scan).toEqual({ from: [from, D + DAY_S + 3 * QUARTER_S], to: [D - QUARTER_S, D + DAY_S + 4 * QUARTER_S] });
  });
  it('falls back to quarters where a day is not eligible, and to the scan where a quarter is not', () => {
    const s = state({ quarters: rolled(D, D + DAY_S, 3), days: [[D, 3]] });
    const r = splitRange(s, D, D + DAY_S, { day: () => false, quarter: (q) => q !== D + QUARTER_S });
    expect(r.days).toEqual({ from: [], to: [] });
    expect(r.quarters).toEqual({ from: [D, D + 2 * QUARTER_S], to: [D + QUARTER_S, D + DAY_S] });
    expect(r.scan).toEqual({ from: [D + QUARTER_S], to: [D + 2 * QUARTER_S] });
  });
  it('scans a range inside one quarter', () => {
    expect(splitRange(state({ quarters: [[D, 1]] }), D + 1, D + 899, all)).toEqual({
      quarters: { from: [], to: [] }, days: { from: [], to: [] }, scan: { from: [D + 1], to: [D + 899] },
    });
  });
});

describe('bucket helpers', () => {
  it('quartersOf gives distinct quarter starts, ascending', () => {
    expect(quartersOf([D + 901, D + 5, D + 899, D - 1])).toEqual([D - QUARTER_S, D, D + QUARTER_S]);
  });
  it('bucketRuns joins contiguous buckets and splits where asked', () => {
    expect(bucketRuns([D - QUARTER_S, D, D + 2 * QUARTER_S], QUARTER_S, (s) => (s < D ? D : Infinity))).toEqual({
      from: [D - QUARTER_S, D, D + 2 * QUARTER_S], to: [D, D + QUARTER_S, D + 3 * QUARTER_S],
    });
    expect(bucketRuns([D, D + QUARTER_S], QUARTER_S)).toEqual({ from: [D], to: [D + 2 * QUARTER_S] });
  });
});
