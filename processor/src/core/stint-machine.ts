// The stint reducer (kpi-definitions §1, §2, §11): queue_log events in, ended stints out.
// Pure: state is plain data mutated in place, time is the events' own epochs.
//
// Invariants:
// - A stint is keyed by (site, callid, queue). ENTERQUEUE always opens a new stint; an older
//   open stint of the same key stays open (live figures only) until a QUEUESTART of its site.
// - Events of one source fingerprint are applied in increasing byte offset (ingest publishes in
//   file order and the consumer handles one message at a time). So "already applied" is exactly
//   `offset <= highest offset applied for that fingerprint`: a redelivered event is skipped
//   without keeping a set of every event id.
// - Replaying the same events from an empty state gives the same stints (ids included).
import { createHash } from 'node:crypto';
import { REFUSED_VERBS, type QueueEvent } from '@tablero/ingest/contract';
import type { Outcome, StaleReason } from '../contract.ts';
import { lineKey } from './line-key.ts';

export type StintOutcome = Outcome | 'cut_by_restart';

/** One ended stint: exactly the columns of sql/migrations/002_stints.sql (times in epoch seconds). */
export interface StintRow {
  stint_id: string;
  site: string;
  queue: string;
  callid: string;
  enter_ts: number;
  end_ts: number;
  outcome: StintOutcome;
  /** Seconds waited; null = unknown (never within T, out of every average and of longest wait). */
  wait_s: number | null;
  talk_s: number | null;
  agent: string;
  caller: string;
  transferred: boolean;
  enter_seen: boolean;
  end_event_id: string;
}

interface OpenStint {
  stint_id: string;
  queue: string;
  callid: string;
  /** ENTERQUEUE epoch when seen; else the epoch of the event that opened it (live display only). */
  enter_ts: number;
  enter_seen: boolean;
  caller: string;
  connected: boolean;
  /** data1 of the last CONNECT (the answered wait). */
  connect_wait: number | null;
  agent: string;
  /** Epoch of the newest event applied to it (stale after the horizon without one, §5). */
  last_ts: number;
}

interface SiteState {
  /** key `callid\0queue` -> open stints, oldest first; the last one receives the key's events. */
  open: Map<string, OpenStint[]>;
  /** key -> end epoch of its last ended stint (rings/AGENTDUMP after it are ignored). */
  ended: Map<string, number>;
  /**
   * The ends in the order they happened: keys at even indexes, end epochs at odd ones, from
   * `endedHead` on. A key ended again has a newer record; its older one is passed over when
   * released. (Deleting the oldest entries of `ended` and iterating it from the front instead
   * walks V8's deleted-entry holes each time: it was a fifth of the processor's CPU.)
   */
  endedLog: Array<string | number>;
  endedHead: number;
  /** Queues seen since the last restart, so live state lists idle queues with zeros. */
  queues: Set<string>;
  maxTs: number;
  /** Epoch of the site's newest QUEUESTART (0 = none): an open stint that entered before it is stale. */
  restartTs: number;
}

export interface StintMachineOptions {
  /**
   * How long (seconds of data time) an ended key is remembered to ignore late rings and
   * AGENTDUMP (§11). Bounded so the state of ended calls is released. Default 3600.
   */
  endedKeyMemoryS: number;
}

export interface StintState {
  sites: Map<string, SiteState>;
  /** Source fingerprint (event_id without its `:offset`) -> highest offset applied. */
  applied: Map<string, number>;
  opts: StintMachineOptions;
  /** Events skipped because they were already applied (redeliveries). */
  skippedDuplicates: number;
}

export const DEFAULT_STINT_MACHINE_OPTIONS: StintMachineOptions = { endedKeyMemoryS: 3600 };

export function createStintState(opts: Partial<StintMachineOptions> = {}): StintState {
  return { sites: new Map(), applied: new Map(), opts: { ...DEFAULT_STINT_MACHINE_OPTIONS, ...opts }, skippedDuplicates: 0 };
}

/** `event_id` is `<fingerprint>:<offset>`; the fingerprint names one byte stream. */
export function eventFingerprint(eventId: string): string {
  const i = eventId.lastIndexOf(':');
  return i < 0 ? eventId : eventId.slice(0, i);
}

/** True when `ev` was applied already (a redelivered event): `applyEvent` would skip it. */
export function isApplied(state: Pick<StintState, 'applied'>, ev: QueueEvent): boolean {
  const last = state.applied.get(eventFingerprint(ev.event_id));
  return last !== undefined && ev.offset <= last;
}

/**
 * Deterministic stint id from (site, callid, queue, the opening line's natural key): the same
 * whichever way that line came (core/line-key.ts), so a stint has one id in any run of the
 * same lines. (Ids stored before this rule used the opening event's id instead.)
 */
export function stintId(site: string, callid: string, queue: string, openingLine: string): string {
  return createHash('sha256').update(`${site}\0${callid}\0${queue}\0${openingLine}`).digest('hex').slice(0, 32);
}

const ANSWERED_END = new Set(['COMPLETECALLER', 'COMPLETEAGENT', 'TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER']);
const TRANSFER_END = new Set(['TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER']);
const UNANSWERED_END: Record<string, Outcome> = {
  ABANDON: 'abandoned',
  EXITWITHTIMEOUT: 'timeout',
  EXITWITHKEY: 'exit_key',
  EXITEMPTY: 'exit_empty',
  WITHDRAW: 'withdrawn',
  SYSCOMPAT: 'failed',
};
const REFUSED = new Set<string>(REFUSED_VERBS);

function siteState(state: StintState, site: string): SiteState {
  let s = state.sites.get(site);
  if (!s) {
    s = { open: new Map(), ended: new Map(), endedLog: [], endedHead: 0, queues: new Set(), maxTs: 0, restartTs: 0 };
    state.sites.set(site, s);
  }
  return s;
}

function openStint(s: SiteState, key: string, ev: QueueEvent, enterSeen: boolean): OpenStint {
  const st: OpenStint = {
    stint_id: stintId(ev.site, ev.callid, ev.queue, lineKey(ev)),
    queue: ev.queue,
    callid: ev.callid,
    enter_ts: ev.ts,
    enter_seen: enterSeen,
    caller: enterSeen ? ev.caller : '',
    connected: false,
    connect_wait: null,
    agent: '',
    last_ts: ev.ts,
  };
  const list = s.open.get(key);
  if (list) list.push(st);
  else s.open.set(key, [st]);
  return st;
}

function currentStint(s: SiteState, key: string): OpenStint | undefined {
  const list = s.open.get(key);
  return list ? list[list.length - 1] : undefined;
}

function closeCurrent(s: SiteState, key: string, endTs: number, memoryS: number): void {
  const list = s.open.get(key);
  if (list) {
    list.pop();
    if (list.length === 0) s.open.delete(key);
  }
  rememberEnd(s, key, endTs, memoryS);
}

/** Remembers that `key` ended at `endTs`, and forgets ends older than the memory horizon. */
function rememberEnd(s: SiteState, key: string, endTs: number, memoryS: number): void {
  s.ended.set(key, endTs);
  s.endedLog.push(key, endTs);
  // Release ended keys older than the horizon (records are in end order, roughly by time).
  const horizon = s.maxTs - memoryS;
  const log = s.endedLog;
  let head = s.endedHead;
  while (head < log.length && (log[head + 1] as number) < horizon) {
    const k = log[head] as string;
    // Only the key's newest end releases it; an older record of a key ended again is stale.
    if (s.ended.get(k) === log[head + 1]) s.ended.delete(k);
    head += 2;
  }
  if (head > 4096 && head * 2 > log.length) {
    log.splice(0, head);
    head = 0;
  }
  s.endedHead = head;
}

const isMember = (agent: string): boolean => agent !== '' && agent !== 'NONE';

/** Applies one event; returns the stints it ended (none, one, or all open ones at a restart). */
export function applyEvent(state: StintState, ev: QueueEvent): StintRow[] {
  const fp = eventFingerprint(ev.event_id);
  const last = state.applied.get(fp);
  if (last !== undefined && ev.offset <= last) {
    state.skippedDuplicates += 1;
    return [];
  }
  state.applied.set(fp, ev.offset);

  const s = siteState(state, ev.site);
  if (ev.ts > s.maxTs) s.maxTs = ev.ts;
  const verb = ev.verb;

  if (!ev.custom && verb === 'QUEUESTART') return cutAll(s, ev);

  if (ev.custom) {
    if (!REFUSED.has(verb)) return [];
    // A refused caller never queued: a stint of its own, at its epoch, wait 0 (§11).
    s.queues.add(ev.queue);
    return [
      {
        stint_id: stintId(ev.site, ev.callid, ev.queue, lineKey(ev)),
        site: ev.site, queue: ev.queue, callid: ev.callid,
        enter_ts: ev.ts, end_ts: ev.ts, outcome: 'refused', wait_s: 0, talk_s: null,
        agent: '', caller: ev.caller, transferred: false, enter_seen: true, end_event_id: ev.event_id,
      },
    ];
  }

  const key = `${ev.callid}\0${ev.queue}`;
  switch (verb) {
    case 'ENTERQUEUE':
      s.queues.add(ev.queue);
      openStint(s, key, ev, true);
      return [];
    case 'CONNECT': {
      s.queues.add(ev.queue);
      const st = currentStint(s, key) ?? openStint(s, key, ev, false);
      if (ev.ts > st.last_ts) st.last_ts = ev.ts;
      st.connected = true;
      st.connect_wait = ev.wait_s;
      if (isMember(ev.agent)) st.agent = ev.agent;
      return [];
    }
    case 'RINGNOANSWER':
    case 'RINGCANCELED':
    case 'AGENTDUMP': {
      let st = currentStint(s, key);
      if (!st) {
        if (s.ended.has(key)) return []; // after the key's stint ended: ignored (§11)
        s.queues.add(ev.queue);
        st = openStint(s, key, ev, false);
      }
      if (ev.ts > st.last_ts) st.last_ts = ev.ts;
      // AGENTDUMP returns the caller to the queue: waiting again until the next CONNECT.
      if (verb === 'AGENTDUMP') st.connected = false;
      return [];
    }
    default:
      break;
  }

  const answered = ANSWERED_END.has(verb);
  const outcome: Outcome | undefined = answered ? 'answered' : UNANSWERED_END[verb];
  if (outcome === undefined) return []; // member, system and other stock events: not stint events

  s.queues.add(ev.queue);
  const existing = currentStint(s, key);
  const st = existing ?? {
    // An end event with no open stint: the stint started before the data and ends here.
    stint_id: stintId(ev.site, ev.callid, ev.queue, lineKey(ev)),
    queue: ev.queue, callid: ev.callid, enter_ts: ev.ts, enter_seen: false, caller: '',
    connected: false, connect_wait: null, agent: '', last_ts: ev.ts,
  };
  // exit - enter, only when the ENTERQUEUE was seen; clamped at 0 against clock steps.
  const measured = st.enter_seen ? Math.max(0, ev.ts - st.enter_ts) : null;
  let wait: number | null;
  let talk: number | null = null;
  if (answered) {
    wait = st.connect_wait ?? ev.wait_s;
    talk = ev.talk_s;
  } else if (outcome === 'failed') {
    wait = measured;
  } else {
    wait = ev.wait_s ?? measured;
  }
  const enterTs = st.enter_seen ? st.enter_ts : wait === null ? ev.ts : ev.ts - wait - (talk ?? 0);
  const row: StintRow = {
    stint_id: st.stint_id,
    site: ev.site,
    queue: ev.queue,
    callid: ev.callid,
    enter_ts: enterTs,
    end_ts: ev.ts,
    outcome,
    wait_s: wait,
    talk_s: talk,
    agent: answered || outcome === 'failed' ? (isMember(ev.agent) ? ev.agent : st.agent) : st.agent,
    caller: st.caller,
    transferred: TRANSFER_END.has(verb),
    enter_seen: st.enter_seen,
    end_event_id: ev.event_id,
  };
  if (existing) closeCurrent(s, key, ev.ts, state.opts.endedKeyMemoryS);
  else rememberEnd(s, key, ev.ts, state.opts.endedKeyMemoryS);
  return [row];
}

/** QUEUESTART: every open stint of the site ends with no outcome (`cut_by_restart`, §11). */
function cutAll(s: SiteState, ev: QueueEvent): StintRow[] {
  if (ev.ts > s.restartTs) s.restartTs = ev.ts;
  const rows: StintRow[] = [];
  for (const list of s.open.values()) {
    for (const st of list) {
      rows.push({
        stint_id: st.stint_id, site: ev.site, queue: st.queue, callid: st.callid,
        enter_ts: st.enter_ts, end_ts: ev.ts, outcome: 'cut_by_restart', wait_s: null, talk_s: null,
        agent: st.agent, caller: st.caller, transferred: false, enter_seen: st.enter_seen, end_event_id: ev.event_id,
      });
    }
  }
  s.open.clear();
  // Uniqueids restart with the PBX: nothing before the restart can be continued.
  s.ended.clear();
  s.endedLog = [];
  s.endedHead = 0;
  return rows;
}

export interface LiveQueueState {
  site: string;
  queue: string;
  waiting_now: number;
  longest_current_wait_s: number | null;
  talking_now: number;
  /** Enter epochs of the waiting stints whose ENTERQUEUE was seen (calls at risk, kpi-definitions §5). */
  waiting_enter_s?: number[];
}

/** Live options (not stored figures: stored stints follow §11 whatever these say). */
export interface LiveOpenOptions {
  /** An open stint with no event for longer than this (seconds, against `nowS`) is stale (§5). */
  staleAfterS: number;
}

/** Default stale horizon: 4 h without any event. */
export const DEFAULT_STALE_AFTER_S = 4 * 3600;

/**
 * Why an open stint no longer counts as waiting or talking now (§5), or null when it counts:
 * it entered before its site's newest QUEUESTART (a late event of a call the restart cut), or
 * no event reached it for more than the horizon (the PBX lost its end).
 */
function staleReason(s: SiteState, st: OpenStint, nowS: number, opts: LiveOpenOptions): StaleReason | null {
  if (st.enter_ts < s.restartTs) return 'before_restart';
  if (nowS - st.last_ts > opts.staleAfterS) return 'no_event_for_horizon';
  return null;
}

/**
 * Open stints per queue (§5): waiting = not connected, talking = connected, stale ones left out.
 * The longest current wait covers waiting stints whose ENTERQUEUE was seen (others have no known
 * start). Every queue seen since the site's last restart is listed, idle ones with zeros.
 */
export function liveQueueState(state: StintState, nowS: number, opts: LiveOpenOptions = { staleAfterS: DEFAULT_STALE_AFTER_S }): LiveQueueState[] {
  const out: LiveQueueState[] = [];
  for (const [site, s] of state.sites) {
    const byQueue = new Map<string, LiveQueueState>();
    for (const q of s.queues) byQueue.set(q, { site, queue: q, waiting_now: 0, longest_current_wait_s: null, talking_now: 0, waiting_enter_s: [] });
    for (const list of s.open.values()) {
      for (const st of list) {
        if (staleReason(s, st, nowS, opts) !== null) continue;
        let q = byQueue.get(st.queue);
        if (!q) {
          q = { site, queue: st.queue, waiting_now: 0, longest_current_wait_s: null, talking_now: 0, waiting_enter_s: [] };
          byQueue.set(st.queue, q);
        }
        if (st.connected) q.talking_now += 1;
        else {
          q.waiting_now += 1;
          if (st.enter_seen) {
            q.waiting_enter_s?.push(st.enter_ts);
            const w = Math.max(0, nowS - st.enter_ts);
            if (q.longest_current_wait_s === null || w > q.longest_current_wait_s) q.longest_current_wait_s = w;
          }
        }
      }
    }
    out.push(...[...byQueue.values()].sort((a, b) => (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : 0)));
  }
  return out;
}

export interface OpenCall {
  queue: string;
  callid: string;
  caller: string;
  enter_ts: number;
  last_ts: number;
  connected: boolean;
}

export interface SiteOpenCalls {
  /** Not connected and not stale, longest wait first (then callid). */
  waiting: OpenCall[];
  /** Stale open stints with their reason, oldest first (then callid). */
  stale: Array<OpenCall & { reason: StaleReason }>;
  /** `callid\0queue` of the stale ones: an agent on one of these calls is not on call. */
  staleKeys: Set<string>;
}

/** `callid\0queue` of the site's stale open calls (the key's newest stint): agents on them are not on call. */
export function siteStaleKeys(state: StintState, site: string, nowS: number, opts: LiveOpenOptions): Set<string> {
  const out = new Set<string>();
  const s = state.sites.get(site);
  if (!s) return out;
  for (const [key, list] of s.open) {
    const st = list[list.length - 1];
    if (st && staleReason(s, st, nowS, opts) !== null) out.add(key);
  }
  return out;
}

/** The open calls of one site for the supervisor view, with the same stale rule as liveQueueState. */
export function siteOpenCalls(state: StintState, site: string, nowS: number, opts: LiveOpenOptions): SiteOpenCalls {
  const out: SiteOpenCalls = { waiting: [], stale: [], staleKeys: new Set() };
  const s = state.sites.get(site);
  if (!s) return out;
  for (const [key, list] of s.open) {
    for (let i = 0; i < list.length; i++) {
      const st = list[i] as OpenStint;
      const call: OpenCall = { queue: st.queue, callid: st.callid, caller: st.caller, enter_ts: st.enter_ts, last_ts: st.last_ts, connected: st.connected };
      const reason = staleReason(s, st, nowS, opts);
      if (reason !== null) {
        out.stale.push({ ...call, reason });
        // Agents' calls are the key's newest stint (the one that receives its events).
        if (i === list.length - 1) out.staleKeys.add(key);
      } else if (!st.connected) out.waiting.push(call);
    }
  }
  const byEnter = (a: OpenCall, b: OpenCall): number => a.enter_ts - b.enter_ts || (a.callid < b.callid ? -1 : a.callid > b.callid ? 1 : 0);
  out.waiting.sort(byEnter);
  out.stale.sort(byEnter);
  return out;
}

/** Open stints count (for metrics and tests). */
export function openStintCount(state: StintState): number {
  let n = 0;
  for (const s of state.sites.values()) for (const list of s.open.values()) n += list.length;
  return n;
}
