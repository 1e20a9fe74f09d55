import { describe, expect, it } from 'vitest';
import { markQuarters, oneDefinition, rollableBefore } from './funnel-buckets.ts';
import { funnelMarks } from './funnel-marks.ts';
import type { CdrRecord, QueueEvent } from '@tablero/ingest/contract';
import type { StintRow } from '../core/stint-machine.ts';

const H = 3600;
const T = Date.UTC(2026, 10, 9, 14, 7, 30) / 1000; // 14:07:30, in the 14:00 quarter
const Q = Date.UTC(2026, 10, 9, 14, 0, 0) / 1000;
const LONG_AGO = T + 30 * 86_400; // a clock a month later: every quarter around T may be rolled

describe('funnel rollup quarters', () => {
  it.each([
    ['a month later: 6 h either side of the quarter, both ends included', [T], LONG_AGO, Q - 6 * H, Q + 6 * H, 49],
    ['two times in one quarter mark it once', [T, T + 60], LONG_AGO, Q - 6 * H, Q + 6 * H, 49],
    ['two quarters 15 minutes apart', [T, T + 900], LONG_AGO, Q - 6 * H, Q + 6 * H + 900, 50],
    // The writer's clock 6 h after T: only quarters ending 5 h (6 h - the 1 h slack) before it.
    ['a live row: quarters ending more than 5 h before the clock only', [T], T + 6 * H, Q - 6 * H, Q + 45 * 60, 28],
    ['a row of now: the quarters 6 h to 5 h before it (its call may have started there)', [T], T, Q - 6 * H, Q - 6 * H + 2700, 4],
  ])('%s', (_what, times, now, first, last, n) => {
    const q = markQuarters(times, now);
    expect([q[0] ?? 0, q[q.length - 1] ?? 0, q.length]).toEqual([first, last, n]);
  });

  it('the job rolls quarters that ended 6 h before its clock', () => {
    expect(rollableBefore(Q + 6 * H + 899)).toBe(Q);
    expect(rollableBefore(Q + 6 * H + 900)).toBe(Q + 900);
  });

  it.each([
    ['no change of T', [], true],
    ['a change 6 h before the quarter: every stint of its calls is after it', [Q - 6 * H], true],
    ['a change 6 h before, plus one second', [Q - 6 * H + 1], false],
    ['a change inside the quarter', [Q + 300], false],
    ['a change 6 h after the quarter ends, minus one second', [Q + 900 + 6 * H - 1], false],
    ['a change 6 h after the quarter ends', [Q + 900 + 6 * H], true],
  ])('one T for the quarter: %s', (_what, changes, one) => {
    expect(oneDefinition(Q, changes)).toBe(one);
  });

  it('a commit marks the quarters of its CDR legs, stints and custom events per site; stock events mark nothing', () => {
    const marks = funnelMarks(
      {
        cdr: [{ site: 'a', start: T } as CdrRecord],
        stints: [{ site: 'b', enter_ts: T } as StintRow],
        events: [
          { site: 'c', ts: T, custom: true, verb: 'IVROPTION' } as QueueEvent,
          { site: 'd', ts: T, custom: false, verb: 'INFO' } as QueueEvent,
          { site: 'e', ts: T, custom: false, verb: 'CONNECT' } as QueueEvent,
        ],
      },
      LONG_AGO,
    );
    expect([...marks.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(marks.get('a')).toEqual(markQuarters([T], LONG_AGO));
  });
});
