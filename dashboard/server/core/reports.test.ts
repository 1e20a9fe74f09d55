import { describe, expect, it } from 'vitest';
import { agentPerformance, parseRangeQuery, ratio2, waitHistogram } from './reports.ts';

describe('ratio2', () => {
  it.each([
    [201, 200, 1.01], // 1.005 rounds half up, unlike Math.round(1.005 * 100) / 100
    [1, 3, 0.33],
    [2, 3, 0.67],
    [301, 2, 150.5],
    [0, 5, 0],
    [5, 0, null],
  ])('%i / %i -> %s', (n, d, out) => {
    expect(ratio2(n, d)).toBe(out);
  });
});

describe('waitHistogram', () => {
  it('places 1-based SQL buckets on their edges and keeps empty ones', () => {
    expect(
      waitHistogram(
        [
          { outcome: 'answered', bucket: 1, calls: 4 },
          { outcome: 'abandoned', bucket: 3, calls: 2 },
          { outcome: 'timeout', bucket: 2, calls: 9 },
          { outcome: 'answered', bucket: 0, calls: 9 },
        ],
        [0, 10, 20],
      ),
    ).toEqual([
      { from_s: 0, to_s: 10, answered: 4, abandoned: 0 },
      { from_s: 10, to_s: 20, answered: 0, abandoned: 0 },
      { from_s: 20, to_s: null, answered: 0, abandoned: 2 },
    ]);
  });
});

describe('agentPerformance', () => {
  it('joins calls and pauses per agent, sums pauses per reason', () => {
    expect(
      agentPerformance(
        [{ agent: 'b10', answered: 3, talk_sum: 100, talk_n: 3 }],
        [
          { agent: 'b9', reason: 'Almuerzo', pause_s: 60 },
          { agent: 'b10', reason: '', pause_s: 5 },
          { agent: 'b9', reason: '', pause_s: 1 },
        ],
      ),
    ).toEqual({
      reasons: ['', 'Almuerzo'],
      agents: [
        { agent: 'b9', answered: 0, aht_s: null, talk_s: 0, pause_s: 61, pause_by_reason: { Almuerzo: 60, '': 1 } },
        { agent: 'b10', answered: 3, aht_s: 33.33, talk_s: 100, pause_s: 5, pause_by_reason: { '': 5 } },
      ],
    });
  });
});

describe('parseRangeQuery', () => {
  it.each([
    [{ from: '2026-10-01', to: '2026-10-02' }, { ok: true, value: { from: '2026-10-01', to: '2026-10-02', queues: [], tz: 'UTC' } }],
    [{ from: '2026-10-01', to: '2026-10-02', queue: ['1', '2'], tz: 'America/Bogota' }, { ok: true, value: { from: '2026-10-01', to: '2026-10-02', queues: ['1', '2'], tz: 'America/Bogota' } }],
    [{ from: '2026-10-01', to: '2026-10-02', by: 'day' }, { ok: false, param: 'by', reason: 'unknown parameter' }],
    [{ from: '2026-10-02', to: '2026-10-01' }, { ok: false, param: 'to', reason: 'must be after from' }],
    [{ from: '2026-10-01', to: '2026-10-02', tz: 'Mars/Base' }, { ok: false, param: 'tz', reason: 'must be an IANA time zone' }],
  ])('%j', (raw, out) => {
    expect(parseRangeQuery(raw, 'UTC')).toEqual(out);
  });
});
