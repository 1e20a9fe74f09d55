// Live KPI aggregates per (site, queue) and the snapshots built from them (kpi-definitions §5).
// Windows: today (since the site's local midnight), the current 15-minute interval and the
// last 60 minutes (stints whose time, the ENTERQUEUE epoch, is in (now - 3600, now]).
// Pure: `nowS` is passed in. Each stint is judged by the definition in force at its enter time
// (the resolver's answer, through LiveContext), exactly as the stored reads judge it.
import { RISK_HORIZON_S, type AgentCounts, type KpiFigures, type QueueSnapshot } from '../contract.ts';
import { periodKey, startOfLocalDay, type SiteCalendar } from './calendar.ts';
import { addStint, emptySums, figures, mergeSums, withinT, type KpiSums } from './kpi-math.ts';
import { stateDefinition, type ResolvedDefinition } from './definitions.ts';
import type { QueueSettings } from './settings.ts';
import type { LiveQueueState, StintRow } from './stint-machine.ts';

export const INTERVAL_S = 900;
export const LAST_WINDOW_S = 3600;

interface QueueLive {
  site: string;
  queue: string;
  /** 15-minute interval start (epoch s, 900-aligned) -> sums of stints that entered in it. */
  intervals: Map<number, KpiSums>;
  /** Enter second -> sums, for the exact sliding 60-minute window. */
  seconds: Map<number, KpiSums>;
  /** Enter minute (60-aligned) -> sums of the same stints: the window's whole minutes in 60 merges, not 3,600. */
  minutes: Map<number, KpiSums>;
}

export interface LiveAggregates {
  queues: Map<string, QueueLive>;
}

export interface LiveContext {
  /** The definition in force now (the snapshot's statement, target and alert thresholds). */
  definition(site: string, queue: string): ResolvedDefinition;
  /** The site calendar in force now (its zone decides "today"). */
  calendar(site: string): SiteCalendar;
  /** What judges a stint that entered at `atS`. */
  stintDefinition(site: string, queue: string, atS: number): { settings: QueueSettings; calendar: SiteCalendar };
}

export function createLiveAggregates(): LiveAggregates {
  return { queues: new Map() };
}

const liveKey = (site: string, queue: string): string => `${site}\0${queue}`;

// The last horizon per time zone: every stint of a batch asks with the same `nowS`, and the
// local-midnight computation (Intl formatting) was the largest cost of adding a stint.
const lastHorizon = new Map<string, { nowS: number; horizonS: number }>();

/** Oldest stint time any live window can still need at `nowS`. */
export function liveHorizonS(nowS: number, tz: string): number {
  const c = lastHorizon.get(tz);
  if (c && c.nowS === nowS) return c.horizonS;
  const horizonS = Math.min(startOfLocalDay(nowS, tz), nowS - LAST_WINDOW_S);
  lastHorizon.set(tz, { nowS, horizonS });
  return horizonS;
}

function queueLive(live: LiveAggregates, site: string, queue: string): QueueLive {
  const k = liveKey(site, queue);
  let q = live.queues.get(k);
  if (!q) {
    q = { site, queue, intervals: new Map(), seconds: new Map(), minutes: new Map() };
    live.queues.set(k, q);
  }
  return q;
}

function bucket(map: Map<number, KpiSums>, k: number): KpiSums {
  let s = map.get(k);
  if (!s) {
    s = emptySums();
    map.set(k, s);
  }
  return s;
}

/** Adds an ended stint to the live windows; returns false when it is too old for any of them. */
export function addLiveStint(live: LiveAggregates, stint: StintRow, ctx: LiveContext, nowS: number): boolean {
  if (stint.enter_ts < liveHorizonS(nowS, ctx.calendar(stint.site).tz)) return false;
  const { settings: def, calendar: cal } = ctx.stintDefinition(stint.site, stint.queue, stint.enter_ts);
  const opts = { outOfHours: !cal.isInHours(stint.enter_ts) };
  const q = queueLive(live, stint.site, stint.queue);
  addStint(bucket(q.intervals, stint.enter_ts - (stint.enter_ts % INTERVAL_S)), stint, def, opts);
  if (stint.enter_ts > nowS - LAST_WINDOW_S) {
    addStint(bucket(q.seconds, stint.enter_ts), stint, def, opts);
    addStint(bucket(q.minutes, stint.enter_ts - (stint.enter_ts % 60)), stint, def, opts);
  }
  return true;
}

/** Drops buckets no window needs any more (call before building snapshots). */
export function pruneLive(live: LiveAggregates, ctx: LiveContext, nowS: number): void {
  for (const q of live.queues.values()) {
    const horizon = liveHorizonS(nowS, ctx.calendar(q.site).tz);
    for (const k of q.intervals.keys()) if (k + INTERVAL_S <= horizon) q.intervals.delete(k);
    for (const k of q.seconds.keys()) if (k <= nowS - LAST_WINDOW_S) q.seconds.delete(k);
    for (const k of q.minutes.keys()) if (k + 59 <= nowS - LAST_WINDOW_S) q.minutes.delete(k);
  }
}

/**
 * Sums of the stints that entered in (nowS - 60 min, nowS]: the minutes wholly inside from the
 * minute buckets, the two edge minutes second by second.
 */
export function lastWindowSums(q: Pick<QueueLive, 'seconds' | 'minutes'>, nowS: number): KpiSums {
  const sums = emptySums();
  const from = nowS - LAST_WINDOW_S + 1; // first second inside
  for (const [m, s] of q.minutes) if (m >= from && m + 59 <= nowS) mergeSums(sums, s);
  const edges = new Set([from - (from % 60), nowS - (nowS % 60)]);
  for (const m of edges) {
    if (m >= from && m + 59 <= nowS) continue; // a whole minute: counted above
    for (let sec = Math.max(m, from); sec <= Math.min(m + 59, nowS); sec++) {
      const s = q.seconds.get(sec);
      if (s) mergeSums(sums, s);
    }
  }
  return sums;
}

export interface SnapshotInputs {
  live: LiveAggregates;
  ctx: LiveContext;
  /** From the stint machine's liveQueueState. */
  open: LiveQueueState[];
  /** site -> queue -> agent counts. */
  agents: Map<string, Map<string, AgentCounts>>;
  /** site -> newest event epoch applied. */
  dataTs: Map<string, number>;
  nowMs: number;
}

/** The holidays of today (in the calendar's zone) that the live "today" applies. */
function dayHolidays(r: ResolvedDefinition, todayIn: (tz: string) => string): string[] {
  const holidays = r.calendar.spec.holidays ?? [];
  if (holidays.length === 0) return [];
  const today = todayIn(r.calendar.spec.tz);
  return holidays.filter((h) => h === today);
}

/**
 * Answers needed within T to reach the target by the end of the day: the fewest further calls k,
 * all answered within T, with (num + k) / (den + k) >= target / 100. Each such call adds 1 to the
 * numerator and 1 to the denominator of every formula (A_T and A are in all of them, §4), so for
 * every formula k = ceil((target x den - 100 x num) / (100 - target)), computed in integer
 * hundredths of a percent (exact). 0 when met; null without data (den 0) or when the target is
 * 100 % and not met (no number of calls reaches it).
 */
export function answersNeeded(s: Pick<KpiSums, 'sl_num' | 'sl_den'>, targetPct: number): number | null {
  if (s.sl_den === 0) return null;
  const t = BigInt(Math.round(targetPct * 100));
  const gap = t * BigInt(s.sl_den) - 10_000n * BigInt(s.sl_num);
  if (gap <= 0n) return 0;
  const room = 10_000n - t;
  if (room <= 0n) return null;
  return Number((gap + room - 1n) / room);
}

/**
 * Calls at risk: callers waiting now (known enter time) who are still within T and will not be
 * within T in RISK_HORIZON_S seconds, each judged by the T and strictness in force at its enter.
 */
export function callsAtRisk(enters: readonly number[], nowS: number, defAt: (enterS: number) => { threshold_s: number; strict: boolean }): number {
  let n = 0;
  for (const e of enters) {
    const w = Math.max(0, nowS - e);
    const def = defAt(e);
    if (withinT(w, def) && !withinT(w + RISK_HORIZON_S, def)) n += 1;
  }
  return n;
}

const NO_AGENTS: AgentCounts = { logged_in: 0, available: 0, on_call: 0, paused: 0 };

/** Every known queue (live windows, open calls, agents), keyed and sorted by site then queue. */
function knownQueues(inp: SnapshotInputs): Array<[string, { site: string; queue: string }]> {
  const keys = new Map<string, { site: string; queue: string }>();
  for (const q of inp.live.queues.values()) keys.set(liveKey(q.site, q.queue), { site: q.site, queue: q.queue });
  for (const o of inp.open) keys.set(liveKey(o.site, o.queue), { site: o.site, queue: o.queue });
  for (const [site, m] of inp.agents) for (const queue of m.keys()) keys.set(liveKey(site, queue), { site, queue });
  return [...keys.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * `f(nowS, tz)` per time zone at one instant, computed once per zone (a zone's local parts are the
 * costly part of a snapshot: with 200 queues they were a quarter of the publisher's CPU).
 */
function perZone<T>(nowS: number, f: (nowS: number, tz: string) => T): (tz: string) => T {
  const memo = new Map<string, T>();
  return (tz) => {
    if (!memo.has(tz)) memo.set(tz, f(nowS, tz));
    return memo.get(tz) as T;
  };
}

/** The figures the alerts watch, for every known queue: today's SL (the same sums as the snapshot's `windows.today`), waiting now, longest current wait. */
export function alertInputs(inp: SnapshotInputs): Array<{ site: string; queue: string; sl_pct: number | null; waiting_now: number; longest_current_wait_s: number | null }> {
  const nowS = Math.floor(inp.nowMs / 1000);
  const dayStart = perZone(nowS, startOfLocalDay);
  const openBy = new Map(inp.open.map((o) => [liveKey(o.site, o.queue), o]));
  return knownQueues(inp).map(([k, { site, queue }]) => {
    const open = openBy.get(k);
    const today = todaySums(inp.live.queues.get(k), dayStart(inp.ctx.calendar(site).tz), nowS, null);
    return { site, queue, sl_pct: figures(today).sl_pct, waiting_now: open?.waiting_now ?? 0, longest_current_wait_s: open?.longest_current_wait_s ?? null };
  });
}

type SeriesPoint = QueueSnapshot['sl_series'][number];

/**
 * "today" is the running sum of the day's intervals: its last step is the cumulative series' last
 * point, so the chart's end and the SL tile are the same sums (kpi-definitions §5). With `series`,
 * each interval's own SL and the day's SL so far at its end are pushed too.
 */
function todaySums(q: QueueLive | undefined, dayStart: number, nowS: number, series: { own: SeriesPoint[]; cumulative: SeriesPoint[] } | null): KpiSums {
  const today = emptySums();
  const currentInterval = nowS - (nowS % INTERVAL_S);
  for (let start = dayStart - (dayStart % INTERVAL_S); start <= currentInterval; start += INTERVAL_S) {
    const sums = q?.intervals.get(start);
    if (sums) mergeSums(today, sums);
    if (!series) continue;
    const f = figures(sums ?? emptySums());
    series.own.push({ start_s: start, sl_pct: f.sl_pct, offered: f.offered });
    const c = figures(today);
    series.cumulative.push({ start_s: start, sl_pct: c.sl_pct, offered: c.offered });
  }
  return today;
}

/** One snapshot per known queue (or per queue `want` picks), sorted by site then queue. */
export function buildSnapshots(inp: SnapshotInputs, want?: (site: string, queue: string) => boolean): QueueSnapshot[] {
  const nowS = Math.floor(inp.nowMs / 1000);
  const dayStart = perZone(nowS, startOfLocalDay);
  const todayIn = perZone(nowS, (s, tz) => periodKey(s, 'day', tz));
  const openBy = new Map(inp.open.map((o) => [liveKey(o.site, o.queue), o]));
  const picked = knownQueues(inp).filter(([, { site, queue }]) => !want || want(site, queue));
  return picked.map(([k, { site, queue }]) => {
    const resolved = inp.ctx.definition(site, queue);
    const settings = resolved.settings;
    const tz = inp.ctx.calendar(site).tz;
    const q = inp.live.queues.get(k);
    const currentInterval = nowS - (nowS % INTERVAL_S);
    const last60 = q ? lastWindowSums(q, nowS) : emptySums();
    const series = { own: [] as SeriesPoint[], cumulative: [] as SeriesPoint[] };
    const today = todaySums(q, dayStart(tz), nowS, series);
    const open = openBy.get(k);
    const enters = open?.waiting_enter_s ?? [];
    return {
      type: 'kpi' as const,
      site,
      queue,
      at_ms: inp.nowMs,
      data_ts: inp.dataTs.get(site) ?? 0,
      definition: stateDefinition(resolved.settings, resolved, { site, tz, holidays: dayHolidays(resolved, todayIn) }),
      target_pct: settings.target_pct,
      windows: {
        today: figures(today),
        interval: figures(q?.intervals.get(currentInterval) ?? emptySums()),
        last_60m: figures(last60),
      },
      waiting_now: open?.waiting_now ?? 0,
      longest_current_wait_s: open?.longest_current_wait_s ?? null,
      talking_now: open?.talking_now ?? 0,
      agents: inp.agents.get(site)?.get(queue) ?? { ...NO_AGENTS },
      sl_series: series.own,
      sl_cumulative: series.cumulative,
      answers_needed: answersNeeded(today, settings.target_pct),
      calls_at_risk: callsAtRisk(enters, nowS, (e) => inp.ctx.stintDefinition(site, queue, e).settings),
    };
  });
}
