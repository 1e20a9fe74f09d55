// The supervisor's live picture, folded from stored queue events: each agent's state and since
// when (time in state), its current call, and the callers waiting right now (kpi-definitions §5).
// Pure: events come in as data, in log order; `nowS` comes in as data too.
//
// Choices where the definitions leave room (one row per agent, not per agent and queue):
// - on call > paused > available > logged out. A member on a call in any queue is on call.
// - Paused when paused in any queue it is logged in to (PAUSEALL pauses every queue, and a
//   supervisor wants to see a pause at once); the reason shown is the newest pause's.
// - Time in state starts at the event that changed the agent's state (not at every event).
// - QUEUESTART (PBX restart) forgets the site's members and waiting callers, as the PBX did.

export interface SupervisorEvent {
  event_id: string;
  site: string;
  /** Epoch seconds (the PBX clock). */
  ts: number;
  callid: string;
  queue: string;
  agent: string;
  verb: string;
  custom: boolean;
  wait_s: number | null;
  caller: string;
  info: string;
  data: string[];
}

export type AgentLiveState = 'available' | 'on_call' | 'paused' | 'logged_out';

export interface AgentLive {
  site: string;
  agent: string;
  /** Queues the agent is logged in to, sorted. */
  queues: string[];
  state: AgentLiveState;
  /** Epoch seconds when the current state began. */
  since_s: number;
  /** Reason of the current pause ('' when not paused or given none). */
  pause_reason: string;
  /** The call in progress (the oldest one when several). */
  call: { queue: string; callid: string; since_s: number } | null;
}

export interface WaitingCaller {
  site: string;
  queue: string;
  callid: string;
  /** Caller id number as logged by ENTERQUEUE ('' when unknown). Personal data. */
  caller: string;
  /** Epoch seconds of the entry in the queue. */
  enter_s: number;
}

interface MemberQueue {
  loggedIn: boolean;
  paused: boolean;
  reason: string;
  pauseSince: number;
}

interface Member {
  queues: Map<string, MemberQueue>;
  /** callid\0queue -> the call's CONNECT. */
  calls: Map<string, { queue: string; callid: string; since: number }>;
  globalLogin: boolean;
  state: AgentLiveState;
  since: number;
}

interface OpenStint {
  queue: string;
  callid: string;
  caller: string;
  enter: number;
  connected: boolean;
}

interface SiteState {
  members: Map<string, Member>;
  stints: Map<string, OpenStint>;
}

export interface SupervisorState {
  sites: Map<string, SiteState>;
  /** Per site: interface -> membername (ADDMEMBER/REMOVEMEMBER log the interface). */
  aliases: Record<string, Record<string, string>>;
  /** Ids of applied events -> their ts, so overlapping reads apply each event once. */
  seen: Map<string, number>;
  /** Newest event ts applied. */
  watermark: number;
}

export function createSupervisorState(aliases: Record<string, Record<string, string>> = {}): SupervisorState {
  return { sites: new Map(), aliases, seen: new Map(), watermark: 0 };
}

const CALLER_END = new Set([
  'ABANDON', 'EXITWITHTIMEOUT', 'EXITWITHKEY', 'EXITEMPTY', 'WITHDRAW',
  'COMPLETECALLER', 'COMPLETEAGENT', 'TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER', 'SYSCOMPAT',
]);
const RING = new Set(['RINGNOANSWER', 'RINGCANCELED']);

function siteState(state: SupervisorState, site: string): SiteState {
  let s = state.sites.get(site);
  if (!s) {
    s = { members: new Map(), stints: new Map() };
    state.sites.set(site, s);
  }
  return s;
}

function hasAgent(agent: string): boolean {
  return agent !== '' && agent !== 'NONE';
}

function statusOf(m: Member): AgentLiveState {
  if (m.calls.size > 0) return 'on_call';
  let loggedIn = m.globalLogin;
  for (const q of m.queues.values()) {
    if (!q.loggedIn) continue;
    loggedIn = true;
    if (q.paused) return 'paused';
  }
  return loggedIn ? 'available' : 'logged_out';
}

function queueOf(m: Member, queue: string, ts: number): MemberQueue {
  let q = m.queues.get(queue);
  if (!q) {
    q = { loggedIn: false, paused: false, reason: '', pauseSince: ts };
    m.queues.set(queue, q);
  }
  return q;
}

/** Applies one event; returns false when it was already applied (same event id). */
export function applySupervisorEvent(state: SupervisorState, ev: SupervisorEvent): boolean {
  if (state.seen.has(ev.event_id)) return false;
  state.seen.set(ev.event_id, ev.ts);
  if (ev.ts > state.watermark) state.watermark = ev.ts;
  if (ev.custom) return true;
  const s = siteState(state, ev.site);
  const alias = state.aliases[ev.site];
  const name = alias?.[ev.agent] ?? ev.agent;
  const key = `${ev.callid}\0${ev.queue}`;

  if (ev.verb === 'QUEUESTART') {
    s.members.clear();
    s.stints.clear();
    return true;
  }
  if (ev.verb === 'ENTERQUEUE') {
    s.stints.set(key, { queue: ev.queue, callid: ev.callid, caller: ev.caller, enter: ev.ts, connected: false });
    return true;
  }

  let m: Member | undefined;
  if (hasAgent(ev.agent)) {
    m = s.members.get(name);
    if (!m) {
      m = { queues: new Map(), calls: new Map(), globalLogin: false, state: 'logged_out', since: ev.ts };
      s.members.set(name, m);
    }
  }

  if (ev.verb === 'CONNECT') {
    const st = s.stints.get(key);
    if (st) st.connected = true;
    if (m) {
      queueOf(m, ev.queue, ev.ts).loggedIn = true;
      m.calls.set(key, { queue: ev.queue, callid: ev.callid, since: ev.ts });
    }
  } else if (ev.verb === 'AGENTDUMP') {
    // The member hung up during the announcement: the caller is back in the queue.
    const st = s.stints.get(key);
    if (st) st.connected = false;
    m?.calls.delete(key);
  } else if (CALLER_END.has(ev.verb)) {
    s.stints.delete(key);
    m?.calls.delete(key);
  } else if (RING.has(ev.verb)) {
    if (m) queueOf(m, ev.queue, ev.ts).loggedIn = true; // first seen in a call event = logged in
  } else if (m) {
    switch (ev.verb) {
      case 'ADDMEMBER': {
        const q = queueOf(m, ev.queue, ev.ts);
        q.loggedIn = true;
        if (ev.data[0] === 'PAUSED') Object.assign(q, { paused: true, reason: '', pauseSince: ev.ts });
        break;
      }
      case 'REMOVEMEMBER':
        m.queues.delete(ev.queue);
        break;
      case 'AGENTLOGIN':
      case 'AGENTCALLBACKLOGIN':
        m.globalLogin = true;
        break;
      case 'AGENTLOGOFF':
      case 'AGENTCALLBACKLOGOFF':
        m.globalLogin = false;
        m.queues.clear();
        m.calls.clear();
        break;
      case 'PAUSE':
      case 'UNPAUSE': {
        const q = queueOf(m, ev.queue, ev.ts);
        q.loggedIn = true;
        pauseOrNot(q, ev.verb === 'PAUSE', ev.info, ev.ts);
        break;
      }
      case 'PAUSEALL':
      case 'UNPAUSEALL':
        for (const q of m.queues.values()) if (q.loggedIn) pauseOrNot(q, ev.verb === 'PAUSEALL', ev.info, ev.ts);
        break;
      default:
        break;
    }
  }
  if (m) {
    const next = statusOf(m);
    if (next !== m.state) {
      m.state = next;
      m.since = ev.ts;
    }
  }
  return true;
}

function pauseOrNot(q: MemberQueue, pause: boolean, reason: string, ts: number): void {
  if (!pause) {
    q.paused = false;
    q.reason = '';
    return;
  }
  // A repeated PAUSE line (PAUSEALL, then PAUSE per queue) keeps the pause's start.
  if (q.paused && q.reason === reason) return;
  q.paused = true;
  q.reason = reason;
  q.pauseSince = ts;
}

/** Forgets applied event ids older than `beforeTs` (they cannot be read again). */
export function pruneSeen(state: SupervisorState, beforeTs: number): void {
  for (const [id, ts] of state.seen) if (ts < beforeTs) state.seen.delete(id);
}

const collator = new Intl.Collator('en', { numeric: true });

export function agentRows(state: SupervisorState): AgentLive[] {
  const rows: AgentLive[] = [];
  for (const [site, s] of state.sites) {
    for (const [agent, m] of s.members) {
      const queues = [...m.queues].filter(([, q]) => q.loggedIn).map(([name]) => name).sort(collator.compare);
      let pause: MemberQueue | null = null;
      if (m.state === 'paused') {
        for (const q of m.queues.values()) if (q.loggedIn && q.paused && (!pause || q.pauseSince > pause.pauseSince)) pause = q;
      }
      let call: AgentLive['call'] = null;
      for (const c of m.calls.values()) if (!call || c.since < call.since_s) call = { queue: c.queue, callid: c.callid, since_s: c.since };
      rows.push({ site, agent, queues, state: m.state, since_s: m.since, pause_reason: pause?.reason ?? '', call });
    }
  }
  return rows.sort((a, b) => collator.compare(a.site, b.site) || collator.compare(a.agent, b.agent));
}

/** Callers in a queue and not connected, longest wait first. */
export function waitingCallers(state: SupervisorState): WaitingCaller[] {
  const out: WaitingCaller[] = [];
  for (const [site, s] of state.sites) {
    for (const st of s.stints.values()) {
      if (!st.connected) out.push({ site, queue: st.queue, callid: st.callid, caller: st.caller, enter_s: st.enter });
    }
  }
  return out.sort((a, b) => a.enter_s - b.enter_s || collator.compare(a.callid, b.callid));
}

/**
 * A caller number for a role that must not see it: all but the last two digits hidden, so a
 * QA analyst can still tell two callers apart on one screen.
 */
export function maskCaller(caller: string): string {
  if (caller === '') return '';
  const keep = caller.length > 4 ? 2 : 0;
  return '•'.repeat(caller.length - keep) + caller.slice(caller.length - keep);
}
