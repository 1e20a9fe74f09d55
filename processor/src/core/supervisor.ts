// The supervisor view of a site (kpi-definitions §5) from the processor's own state machines:
// agents from agent-state, waiting and stale calls from the stint machine, and today's answered
// counts and abandoned callers from the stints as they end. Pure: time comes in as data.
//
// Per-stint work is O(1) (a counter, a map entry, an array push); the lists are sorted when a
// message is built (at most every 250 ms per site), and the abandoned list is cut back to the
// newest SUPERVISOR_LIST_LIMIT whenever it doubles: a stint older than the newest 500 can never
// come back into them, whatever arrives later.
import { SUPERVISOR_LIST_LIMIT, type AbandonedCaller, type SupervisorMessage } from '../contract.ts';
import { supervisorAgents, type AgentState } from './agent-state.ts';
import { startOfLocalDay } from './calendar.ts';
import { siteOpenCalls, type LiveOpenOptions, type StintRow, type StintState } from './stint-machine.ts';

interface DayLists {
  /** agent -> answered stints that entered this day. */
  answered: Map<string, number>;
  /** caller -> newest enter epoch of its answered stints this day. */
  lastAnswered: Map<string, number>;
  /** Abandoned stints that entered this day; sorted newest first when `sorted`. */
  abandoned: StintRow[];
  sorted: boolean;
}

export interface SupervisorDays {
  /** site -> local day start (epoch s) -> lists of the stints that entered that day. */
  sites: Map<string, Map<number, DayLists>>;
  /** tz -> the local day found last ([start, end)), so most stints need no Intl call. */
  dayCache: Map<string, { start: number; end: number }>;
}

export function createSupervisorDays(): SupervisorDays {
  return { sites: new Map(), dayCache: new Map() };
}

/** Start of the local day containing `epochS` (days are 23 to 25 h, so start + 30 h is in the next one). */
function dayStart(days: SupervisorDays, epochS: number, tz: string): number {
  const c = days.dayCache.get(tz);
  if (c && epochS >= c.start && epochS < c.end) return c.start;
  const start = startOfLocalDay(epochS, tz);
  days.dayCache.set(tz, { start, end: startOfLocalDay(start + 30 * 3600, tz) });
  return start;
}

const newest = (a: StintRow, b: StintRow): number => b.enter_ts - a.enter_ts || (a.callid < b.callid ? -1 : a.callid > b.callid ? 1 : 0);

/** Adds an ended stint; one that entered before today (at `nowS`) is not kept. */
export function addSupervisorStint(days: SupervisorDays, stint: StintRow, tz: string, nowS: number): void {
  if (stint.outcome !== 'answered' && stint.outcome !== 'abandoned') return;
  // Today first: a stint that entered before it is not kept, and asking for its own (older) day
  // would make the one-day cache alternate between two days: with stints of past days (an
  // import, a replay) four Intl calls per stint, a third of the processor's CPU.
  if (stint.enter_ts < dayStart(days, nowS, tz)) return;
  const day = dayStart(days, stint.enter_ts, tz);
  let site = days.sites.get(stint.site);
  if (!site) days.sites.set(stint.site, (site = new Map()));
  let lists = site.get(day);
  if (!lists) site.set(day, (lists = { answered: new Map(), lastAnswered: new Map(), abandoned: [], sorted: true }));
  if (stint.outcome === 'answered') {
    if (stint.agent !== '') lists.answered.set(stint.agent, (lists.answered.get(stint.agent) ?? 0) + 1);
    if (stint.caller !== '' && stint.enter_ts > (lists.lastAnswered.get(stint.caller) ?? Number.NEGATIVE_INFINITY)) {
      lists.lastAnswered.set(stint.caller, stint.enter_ts);
    }
    return;
  }
  lists.abandoned.push(stint);
  lists.sorted = false;
  if (lists.abandoned.length >= 2 * SUPERVISOR_LIST_LIMIT) keepNewest(lists);
}

function keepNewest(lists: DayLists): void {
  if (!lists.sorted) lists.abandoned.sort(newest);
  lists.sorted = true;
  if (lists.abandoned.length > SUPERVISOR_LIST_LIMIT) lists.abandoned.length = SUPERVISOR_LIST_LIMIT;
}

/** Today's lists of a site at `nowS`; earlier days are dropped. */
function today(days: SupervisorDays, site: string, tz: string, nowS: number): DayLists | undefined {
  const lists = days.sites.get(site);
  if (!lists) return undefined;
  const start = dayStart(days, nowS, tz);
  for (const d of lists.keys()) if (d < start) lists.delete(d);
  return lists.get(start);
}

export interface SupervisorInputs {
  site: string;
  tz: string;
  stints: StintState;
  agents: AgentState;
  days: SupervisorDays;
  live: LiveOpenOptions;
  nowMs: number;
}

/** The supervisor message of one site at `nowMs`. */
export function buildSupervisorMessage(inp: SupervisorInputs): SupervisorMessage {
  const { site } = inp;
  const nowS = Math.floor(inp.nowMs / 1000);
  const open = siteOpenCalls(inp.stints, site, nowS, inp.live);
  const day = today(inp.days, site, inp.tz, nowS);
  const agents = supervisorAgents(inp.agents, site, open.staleKeys).map((a) => ({ ...a, answered_today: day?.answered.get(a.agent) ?? 0 }));
  let abandoned: AbandonedCaller[] = [];
  if (day) {
    keepNewest(day);
    abandoned = day.abandoned.map((a) => ({
      site, queue: a.queue, callid: a.callid, caller: a.caller, enter_s: a.enter_ts, end_s: a.end_ts, wait_s: a.wait_s,
      answered_after: a.caller !== '' && (day.lastAnswered.get(a.caller) ?? Number.NEGATIVE_INFINITY) > a.end_ts,
    }));
  }
  return {
    type: 'supervisor',
    site,
    at_ms: inp.nowMs,
    data_ts: inp.stints.sites.get(site)?.maxTs ?? 0,
    agents,
    waiting: open.waiting.map((w) => ({ site, queue: w.queue, callid: w.callid, caller: w.caller, enter_s: w.enter_ts })),
    abandoned,
    stale_calls: open.stale.slice(0, SUPERVISOR_LIST_LIMIT).map((c) => ({
      site, queue: c.queue, callid: c.callid, enter_s: c.enter_ts, last_event_s: c.last_ts, reason: c.reason,
    })),
  };
}
