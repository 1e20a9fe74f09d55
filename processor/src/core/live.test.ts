import { describe, expect, it } from 'vitest';
import { createCalendar, defaultCalendar } from './calendar.ts';
import { addLiveStint, alertInputs, answersNeeded, buildSnapshots, callsAtRisk, createLiveAggregates, lastWindowSums, pruneLive, type LiveContext } from './live.ts';
import { addStint, emptySums } from './kpi-math.ts';
import { DEFAULT_QUEUE_SETTINGS } from './settings.ts';
import type { SiteCalendar } from './calendar.ts';
import type { SlFormula } from '../contract.ts';

/** One definition for every stint and instant: the built-in settings and `cal`. */
function fixedContext(cal: SiteCalendar): LiveContext {
  return {
    definition: () => ({ settings: DEFAULT_QUEUE_SETTINGS, settings_version: 0, site_defaults_version: 0, calendar: { spec: { tz: cal.tz }, version: 0 } }),
    calendar: () => cal,
    stintDefinition: () => ({ settings: DEFAULT_QUEUE_SETTINGS, calendar: cal }),
  };
}
import type { StintOutcome, StintRow } from './stint-machine.ts';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number => Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
let n = 0;
function stint(enter: number, outcome: StintOutcome, wait: number | null, queue = 'q1'): StintRow {
  n += 1;
  return {
    stint_id: `s${n}`, site: 'default', queue, callid: `c${n}`, enter_ts: enter, end_ts: enter + (wait ?? 0),
    outcome, wait_s: wait, talk_s: outcome === 'answered' ? 60 : null, agent: '', caller: '', transferred: false,
    enter_seen: true, end_event_id: `e${n}`,
  };
}

describe('snapshots of some queues, and the alerts\' figures of all', () => {
  const tz = 'America/La_Paz';
  const ctx = fixedContext(defaultCalendar(tz));
  const now = utc(2026, 11, 9, 14, 20, 0);
  it('a picked queue\'s snapshot equals its snapshot among all; the alerts read the same figures as the snapshots', () => {
    const live = createLiveAggregates();
    for (const s of [
      stint(utc(2026, 11, 9, 4, 0, 0), 'answered', 5, 'q1'), stint(utc(2026, 11, 9, 13, 0, 0), 'abandoned', 40, 'q1'),
      stint(utc(2026, 11, 9, 10, 0, 0), 'answered', 50, 'q2'), stint(utc(2026, 11, 9, 14, 0, 0), 'answered', 3, 'q3'),
    ]) addLiveStint(live, s, ctx, now);
    const open = [{ site: 'default', queue: 'q4', waiting_now: 3, longest_current_wait_s: 31, talking_now: 0, waiting_enter_s: [now - 31, now - 9, now - 2] }];
    const inputs = { live, ctx, open, agents: new Map(), dataTs: new Map([['default', now]]), nowMs: now * 1000 };
    const all = buildSnapshots(inputs);
    expect(all.map((q) => q.queue)).toEqual(['q1', 'q2', 'q3', 'q4']);
    expect(buildSnapshots(inputs, (_site, queue) => queue === 'q2' || queue === 'q4')).toEqual([all[1], all[3]]);
    expect(alertInputs(inputs)).toEqual([
      { site: 'default', queue: 'q1', sl_pct: 50, waiting_now: 0, longest_current_wait_s: null },
      { site: 'default', queue: 'q2', sl_pct: 0, waiting_now: 0, longest_current_wait_s: null },
      { site: 'default', queue: 'q3', sl_pct: 100, waiting_now: 0, longest_current_wait_s: null },
      { site: 'default', queue: 'q4', sl_pct: null, waiting_now: 3, longest_current_wait_s: 31 },
    ]);
    expect(alertInputs(inputs)).toEqual(all.map((q) => ({ site: q.site, queue: q.queue, sl_pct: q.windows.today.sl_pct, waiting_now: q.waiting_now, longest_current_wait_s: q.longest_current_wait_s })));
  });
});

describe('live windows (kpi-definitions §5)', () => {
  // La Paz is UTC-4: local midnight of 2026-11-09 is 04:00 UTC. Now = 10:20 local (14:20 UTC).
  const tz = 'America/La_Paz';
  const ctx = fixedContext(defaultCalendar(tz));
  const now = utc(2026, 11, 9, 14, 20, 0);

  it('today, current interval, last 60 minutes and the 15-minute SL series', () => {
    const live = createLiveAggregates();
    const added = [
      stint(utc(2026, 11, 9, 3, 59, 0), 'answered', 5), // yesterday local, but inside the last 60 min? no: 10:20 - 60 min = 09:20 local
      stint(utc(2026, 11, 9, 4, 0, 0), 'answered', 5), // today 00:00 local
      stint(utc(2026, 11, 9, 13, 20, 0), 'answered', 30), // exactly now - 3600: outside (window is (now-3600, now])
      stint(utc(2026, 11, 9, 13, 20, 1), 'abandoned', 40),
      stint(utc(2026, 11, 9, 14, 15, 0), 'answered', 10), // current interval 10:15 local
      stint(utc(2026, 11, 9, 14, 19, 59), 'abandoned', 3),
    ].map((s) => addLiveStint(live, s, ctx, now));
    expect(added).toEqual([false, true, true, true, true, true]);
    pruneLive(live, ctx, now);
    // Two waiting callers: 17 s (within T = 20, 27 s in ten seconds: at risk) and 5 s (not yet).
    const open = [{ site: 'default', queue: 'q1', waiting_now: 2, longest_current_wait_s: 17, talking_now: 1, waiting_enter_s: [now - 17, now - 5] }];
    const [snap] = buildSnapshots({ live, ctx, open, agents: new Map(), dataTs: new Map([['default', now - 1]]), nowMs: now * 1000 + 250 });
    expect(snap?.windows.today).toMatchObject({ offered: 5, answered: 3, answered_within: 2, abandoned: 2, sl_pct: 40, longest_wait_s: 40 });
    expect(snap?.windows.interval).toMatchObject({ offered: 2, answered: 1, answered_within: 1, sl_pct: 50, asa_s: 10 });
    expect(snap?.windows.last_60m).toMatchObject({ offered: 3, answered: 1, abandoned: 2, sl_pct: 33.33 });
    expect(snap).toMatchObject({
      type: 'kpi', site: 'default', queue: 'q1', at_ms: now * 1000 + 250, data_ts: now - 1, target_pct: 80,
      definition: { formula: 'offered', threshold_s: 20, strict: false, short_abandon_s: 0, tz },
      waiting_now: 2, longest_current_wait_s: 17, talking_now: 1,
      agents: { logged_in: 0, available: 0, on_call: 0, paused: 0 },
    });
    // 00:00 .. 10:15 local = 42 intervals.
    expect(snap?.sl_series).toHaveLength(42);
    expect(snap?.sl_series[0]).toEqual({ start_s: utc(2026, 11, 9, 4), sl_pct: 100, offered: 1 });
    expect(snap?.sl_series[1]).toEqual({ start_s: utc(2026, 11, 9, 4, 15), sl_pct: null, offered: 0 });
    expect(snap?.sl_series[37]).toEqual({ start_s: utc(2026, 11, 9, 13, 15), sl_pct: 0, offered: 2 });
    expect(snap?.sl_series[41]).toEqual({ start_s: utc(2026, 11, 9, 14, 15), sl_pct: 50, offered: 2 });
    // The day so far at the end of each interval: the night's one call stays 100 %, never 0.
    expect(snap?.sl_cumulative).toHaveLength(42);
    expect(snap?.sl_cumulative?.[0]).toEqual({ start_s: utc(2026, 11, 9, 4), sl_pct: 100, offered: 1 });
    expect(snap?.sl_cumulative?.[1]).toEqual({ start_s: utc(2026, 11, 9, 4, 15), sl_pct: 100, offered: 1 });
    expect(snap?.sl_cumulative?.[37]).toEqual({ start_s: utc(2026, 11, 9, 13, 15), sl_pct: 33.33, offered: 3 });
    expect(snap?.sl_cumulative?.[41]).toEqual({ start_s: utc(2026, 11, 9, 14, 15), sl_pct: 40, offered: 5 });
    // Its last point is today's SL exactly (the same sums).
    expect(snap?.sl_cumulative?.at(-1)?.sl_pct).toBe(snap?.windows.today.sl_pct);
    expect(snap?.sl_cumulative?.at(-1)?.offered).toBe(snap?.windows.today.offered);
    // 2 of 5 within T, target 80: (2 + k) / (5 + k) >= 0.8 first at k = 10.
    expect(snap?.answers_needed).toBe(10);
    expect(snap?.calls_at_risk).toBe(1);
  });

  it('a new local day empties "today"; buckets no window needs are released', () => {
    const live = createLiveAggregates();
    addLiveStint(live, stint(utc(2026, 11, 9, 14, 0), 'answered', 5), ctx, now);
    const tomorrow = utc(2026, 11, 10, 4, 30); // 00:30 local next day
    pruneLive(live, ctx, tomorrow);
    const [snap] = buildSnapshots({ live, ctx, open: [], agents: new Map(), dataTs: new Map(), nowMs: tomorrow * 1000 });
    expect(snap?.windows.today.offered).toBe(0);
    expect(snap?.sl_series).toHaveLength(3);
    expect(live.queues.get('default\0q1')?.intervals.size).toBe(0);
    expect(live.queues.get('default\0q1')?.seconds.size).toBe(0);
  });

  it('out-of-hours stints follow the site calendar', () => {
    const closedAt10: LiveContext = {
      ...fixedContext(createCalendar({ tz, weekly: Array.from({ length: 7 }, () => [{ from: '00:00', to: '10:00' }]) })),
    };
    const live = createLiveAggregates();
    addLiveStint(live, stint(utc(2026, 11, 9, 13, 59), 'answered', 5), closedAt10, now); // 09:59 local
    addLiveStint(live, stint(utc(2026, 11, 9, 14, 1), 'answered', 5), closedAt10, now); // 10:01 local
    const [snap] = buildSnapshots({ live, ctx: closedAt10, open: [], agents: new Map(), dataTs: new Map(), nowMs: now * 1000 });
    expect(snap?.windows.today).toMatchObject({ offered: 1, answered: 1, out_of_hours: 1 });
  });
});

describe('last 60 minutes from minute buckets', () => {
  const ctx = fixedContext(defaultCalendar('UTC'));

  it('equals the sum over every second of the window, at every second of a minute', () => {
    // Stints in every second of 70 minutes; the window is checked at 61 consecutive "now"s so
    // both edges fall on every offset of a minute (and exactly on minute boundaries).
    const base = utc(2026, 11, 9, 12, 0, 0);
    const live = createLiveAggregates();
    const all: StintRow[] = [];
    for (let t = base; t < base + 70 * 60; t++) {
      const st = stint(t, t % 7 === 0 ? 'abandoned' : 'answered', t % 45);
      all.push(st);
      addLiveStint(live, st, ctx, t); // as it ends (stints after the checked "now"s must not count)
    }
    for (let nowS = base + 65 * 60; nowS <= base + 66 * 60; nowS++) {
      const q = live.queues.get('default\0q1');
      if (!q) throw new Error('no live queue');
      const expected = emptySums();
      for (const st of all) if (st.enter_ts > nowS - 3600 && st.enter_ts <= nowS) addStint(expected, st, DEFAULT_QUEUE_SETTINGS, { outOfHours: false });
      expect(lastWindowSums(q, nowS)).toEqual(expected);
    }
  });
});

describe('answers needed within T to reach the target (kpi-definitions §5)', () => {
  // T = 20 s inclusive. Answered 10 s (within) and 30 s; abandoned 5 s (within) and 40 s; timeout 60 s.
  // A = 2, A_T = 1, abandoned = 2 (1 within T), U = 3, U_T = 1, O = 5.
  const stints: Array<[StintOutcome, number]> = [['answered', 10], ['answered', 30], ['abandoned', 5], ['abandoned', 40], ['timeout', 60]];
  it.each<[SlFormula, number, number, number, number | null]>([
    // formula, num, den, target, needed
    ['offered', 1, 5, 80, 15], // (1 + 15) / (5 + 15) = 80 %; 14 gives 15/19 = 78.9 %
    ['answered', 1, 2, 80, 3], // 4/5
    ['answered_abandoned', 1, 4, 80, 11], // 12/15
    ['abandon_after_threshold', 1, 3, 80, 7], // A + abandoned after T = 3; 8/10
    ['in_threshold_outcomes', 2, 5, 80, 10], // (A_T + U_T) = 2; 12/15
    ['offered', 1, 5, 85, 22], // 325/15 = 21.67 -> 22: 23/27 = 85.19 %, 22/26 = 84.6 %
    ['answered', 1, 2, 80.5, 4], // 6100/1950 = 3.13 -> 4: 5/6 = 83.3 %, 4/5 = 80 % < 80.5 %
    ['answered', 1, 2, 50, 0], // already met: nothing needed
    ['answered', 1, 2, 100, null], // 100 % cannot be reached once a call was late
  ])('%s: %i/%i, target %d -> %s', (formula, num, den, target, needed) => {
    const sums = emptySums();
    for (const [outcome, wait] of stints) addStint(sums, { outcome, wait_s: wait, talk_s: null }, { ...DEFAULT_QUEUE_SETTINGS, formula });
    expect([sums.sl_num, sums.sl_den]).toEqual([num, den]);
    expect(answersNeeded(sums, target)).toBe(needed);
  });

  it('no data yet (denominator 0) is null; all within T at a 100 % target is 0', () => {
    expect(answersNeeded({ sl_num: 0, sl_den: 0 }, 80)).toBeNull();
    expect(answersNeeded({ sl_num: 3, sl_den: 3 }, 100)).toBe(0);
  });
});

describe('calls at risk (waiting callers who cross T within the next 10 s)', () => {
  const now = 1000;
  const enters = (waits: number[]): number[] => waits.map((w) => now - w);
  it.each<[string, boolean, number[], number]>([
    // inclusive: within while wait <= 20; at risk when 20 - 10 < wait <= 20
    ['inclusive', false, [0, 10, 11, 20, 21, 45], 2],
    // strict: within while wait < 20; at risk when 10 <= wait < 20
    ['strict', true, [0, 9, 10, 19, 20, 45], 2],
    ['inclusive, edges', false, [10, 20, 20], 2],
    ['strict, edges', true, [10, 20, 20], 1],
  ])('%s', (_name, strict, waits, n) => {
    expect(callsAtRisk(enters(waits), now, () => ({ threshold_s: 20, strict }))).toBe(n);
  });

  it('each caller is judged by the T in force at its enter time', () => {
    // Entered before 960: T = 60; from 960: T = 20. Waits 55 (T 60: at risk) and 15 (T 20: at risk), 25 (T 20: crossed).
    const defAt = (e: number): { threshold_s: number; strict: boolean } => ({ threshold_s: e < 960 ? 60 : 20, strict: false });
    expect(callsAtRisk([now - 55, now - 15, now - 25], now, defAt)).toBe(2);
    expect(callsAtRisk([], now, defAt)).toBe(0);
  });
});
