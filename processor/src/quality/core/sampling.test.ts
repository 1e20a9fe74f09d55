import { describe, expect, it } from 'vitest';
import { localToEpoch } from '../../core/calendar.ts';
import { allocate, daypartOf, drawSample, seededRandom, type SampleCandidate } from './sampling.ts';

const TZ = 'America/Bogota';

describe('allocate (largest remainder)', () => {
  it.each([
    [[50, 30, 20], 10, [5, 3, 2]],
    // 3 x (4, 2, 1) / 7 = 1.71, 0.86, 0.43 -> floors 1, 0, 0; the two seats left go to 0.86 then 0.71.
    [[4, 2, 1], 3, [2, 1, 0]],
    [[1, 1, 1], 2, [1, 1, 0]],
    [[5], 10, [5]],
    [[3, 0, 2], 5, [3, 0, 2]],
    [[10, 10], 0, [0, 0]],
    [[], 4, []],
  ])('%j with %i seats -> %j', (sizes, target, seats) => {
    expect(allocate(sizes, target)).toEqual(seats);
  });
});

describe('daypartOf', () => {
  it.each([
    [0, 0, 'morning'],
    [11, 59, 'morning'],
    [12, 0, 'afternoon'],
    [17, 59, 'afternoon'],
    [18, 0, 'evening'],
    [23, 59, 'evening'],
  ])('%i:%i local -> %s', (h, m, part) => {
    expect(daypartOf(localToEpoch(2026, 3, 2, h, m, TZ), TZ)).toBe(part);
  });
});

function calls(agent: string, queue: string, transferred: boolean, hour: number, n: number, prefix: string): SampleCandidate[] {
  return Array.from({ length: n }, (_, i) => ({
    site: 'bog',
    callid: `${prefix}.${i}`,
    queue,
    agent,
    enter_ts: localToEpoch(2026, 3, 1 + (i % 28), hour, i % 60, TZ),
    transferred,
  }));
}

const POPULATION: SampleCandidate[] = [
  ...calls('Ana', '101', false, 9, 50, 'a-am'),
  ...calls('Ana', '101', false, 15, 30, 'a-pm'),
  ...calls('Ana', '102', true, 19, 20, 'a-ev'),
  ...calls('Beto', '101', false, 10, 4, 'b-am'),
  ...calls('Beto', '102', false, 10, 2, 'b-q2'),
  ...calls('Beto', '101', true, 13, 1, 'b-tr'),
  ...calls('', '101', false, 10, 5, 'nobody'),
];

function strataCount(sample: ReturnType<typeof drawSample>, agent: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of sample.calls.filter((x) => x.agent === agent)) out[c.stratum] = (out[c.stratum] ?? 0) + 1;
  return out;
}

describe('drawSample', () => {
  const sample = drawSample(POPULATION, { seed: 20260301, tz: TZ, targetPerAgent: 10, targets: { Beto: 3 } });

  it('splits each agent target over queue x outcome x part of day in proportion', () => {
    expect(strataCount(sample, 'Ana')).toEqual({ '101|completed|morning': 5, '101|completed|afternoon': 3, '102|transferred|evening': 2 });
    // Beto: strata of 4, 2 and 1 calls, target 3 -> 2, 1, 0.
    expect(strataCount(sample, 'Beto')).toEqual({ '101|completed|morning': 2, '102|completed|morning': 1 });
    expect(sample.agents).toEqual([
      { agent: 'Ana', population: 100, target: 10, drawn: 10 },
      { agent: 'Beto', population: 7, target: 3, drawn: 3 },
    ]);
  });

  it('never draws a call twice and never a call without an agent', () => {
    const ids = sample.calls.map((c) => c.callid);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.some((id) => id.startsWith('nobody'))).toBe(false);
  });

  it('draws the same sample from the same seed, in whatever order the calls come', () => {
    const shuffled = [...POPULATION];
    const rnd = seededRandom(7);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j] as SampleCandidate, shuffled[i] as SampleCandidate];
    }
    const again = drawSample(shuffled, { seed: 20260301, tz: TZ, targetPerAgent: 10, targets: { Beto: 3 } });
    expect(again).toEqual(sample);
  });

  it('draws other calls from another seed, with the same proportions', () => {
    const other = drawSample(POPULATION, { seed: 99, tz: TZ, targetPerAgent: 10, targets: { Beto: 3 } });
    const ana = (s: typeof sample): string[] => s.calls.filter((c) => c.agent === 'Ana').map((c) => c.callid);
    expect(ana(other)).not.toEqual(ana(sample));
    expect(strataCount(other, 'Ana')).toEqual(strataCount(sample, 'Ana'));
  });

  it('takes every call of an agent with fewer calls than the target', () => {
    const s = drawSample(calls('Cami', '103', false, 8, 4, 'c'), { seed: 1, tz: TZ, targetPerAgent: 10 });
    expect(s.calls.map((c) => c.callid).sort()).toEqual(['c.0', 'c.1', 'c.2', 'c.3']);
    expect(s.agents).toEqual([{ agent: 'Cami', population: 4, target: 10, drawn: 4 }]);
  });

  it('draws each call of a stratum with about the same frequency', () => {
    // 20 calls, 5 drawn: over 500 seeds each call should be drawn about 125 times (σ ≈ 9.7).
    const pop = calls('Dani', '101', false, 9, 20, 'd');
    const hits = new Map<string, number>();
    for (let seed = 0; seed < 500; seed++) {
      for (const c of drawSample(pop, { seed, tz: TZ, targetPerAgent: 5 }).calls) hits.set(c.callid, (hits.get(c.callid) ?? 0) + 1);
    }
    expect(hits.size).toBe(20);
    for (const n of hits.values()) expect(Math.abs(n - 125)).toBeLessThan(40);
  });
});
