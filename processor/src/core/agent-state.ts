// Agent state per (site, agent, queue) (kpi-definitions §5): logged in / available / on call /
// paused with reason / logged out, with the session and pause intervals it closes.
// Pure: plain data mutated in place; time is the events' epochs.
//
// Choices where the definitions are silent (documented here, settings where it matters):
// - Agents are named by membername. ADDMEMBER/REMOVEMEMBER/PAUSEALL may carry the interface;
//   `aliases` (interface -> membername, from settings or `setMemberAlias`) folds them.
// - A member's states are exclusive for the counts: on call > paused > available. A member on a
//   call from any queue is on call in all its queues (Asterisk does not ring a busy member).
// - QUEUESTART closes every open pause, call and session (`end_reason = 'restart'`); members
//   come back with their next event.
// - AGENTLOGIN (no queue) logs the agent in for every queue it is or becomes a member of.
import type { QueueEvent } from '@tablero/ingest/contract';
import type { AgentCounts, AgentLiveState, SupervisorAgent } from '../contract.ts';
import { eventFingerprint } from './stint-machine.ts';

export type SessionEndReason = 'logoff' | 'removed' | 'restart';

export interface AgentSessionRow {
  site: string;
  agent: string;
  queue: string;
  start_ts: number;
  end_ts: number;
  end_reason: SessionEndReason;
}

export interface AgentPauseRow {
  site: string;
  agent: string;
  queue: string;
  reason: string;
  start_ts: number;
  end_ts: number;
  end_reason: 'unpause' | 'reason_change' | SessionEndReason;
}

export interface AgentEventResult {
  sessions: AgentSessionRow[];
  pauses: AgentPauseRow[];
}

interface MemberQueue {
  loggedIn: boolean;
  sessionStart: number;
  paused: boolean;
  pauseReason: string;
  pauseStart: number;
}

interface Member {
  /** AGENTLOGIN seen without AGENTLOGOFF. */
  globalLogin: boolean;
  queues: Map<string, MemberQueue>;
  /** callid\0queue of calls in progress -> the call and its CONNECT epoch. */
  calls: Map<string, { queue: string; callid: string; since: number }>;
  /** The member's state from its events (stale calls included) and the epoch it began. */
  state: AgentLiveState;
  since: number;
}

interface SiteAgents {
  members: Map<string, Member>;
  aliases: Map<string, string>;
}

export interface AgentState {
  sites: Map<string, SiteAgents>;
  applied: Map<string, number>;
}

export type AgentStatus = AgentLiveState;

export function createAgentState(aliases: Record<string, Record<string, string>> = {}): AgentState {
  const state: AgentState = { sites: new Map(), applied: new Map() };
  for (const [site, map] of Object.entries(aliases)) {
    for (const [iface, name] of Object.entries(map)) setMemberAlias(state, site, iface, name);
  }
  return state;
}

function siteAgents(state: AgentState, site: string): SiteAgents {
  let s = state.sites.get(site);
  if (!s) {
    s = { members: new Map(), aliases: new Map() };
    state.sites.set(site, s);
  }
  return s;
}

/** Maps an interface (as in ADDMEMBER) to the membername used in call events. */
export function setMemberAlias(state: AgentState, site: string, iface: string, membername: string): void {
  siteAgents(state, site).aliases.set(iface, membername);
}

function member(s: SiteAgents, agent: string, ts: number): Member {
  const name = s.aliases.get(agent) ?? agent;
  let m = s.members.get(name);
  if (!m) {
    m = { globalLogin: false, queues: new Map(), calls: new Map(), state: 'logged_out', since: ts };
    s.members.set(name, m);
  }
  return m;
}

/**
 * One member's state over its queues (on call > paused > available > logged out): on call in
 * any queue (calls not in `staleKeys`), else paused in any queue it is logged in to (PAUSEALL
 * pauses every queue, and a supervisor wants to see a pause at once), else available when
 * logged in anywhere.
 */
function memberState(m: Member, staleKeys?: ReadonlySet<string>): AgentLiveState {
  for (const k of m.calls.keys()) if (!staleKeys?.has(k)) return 'on_call';
  let loggedIn = m.globalLogin;
  for (const q of m.queues.values()) {
    if (!(q.loggedIn || m.globalLogin)) continue;
    loggedIn = true;
    if (q.paused) return 'paused';
  }
  return loggedIn ? 'available' : 'logged_out';
}

/** Time in state starts at the event that changed the member's state (not at every event). */
function track(m: Member, ts: number): void {
  const next = memberState(m);
  if (next !== m.state) {
    m.state = next;
    m.since = ts;
  }
}

function memberQueue(m: Member, queue: string, ts: number): MemberQueue {
  let q = m.queues.get(queue);
  if (!q) {
    q = { loggedIn: false, sessionStart: ts, paused: false, pauseReason: '', pauseStart: ts };
    m.queues.set(queue, q);
  }
  return q;
}

function login(q: MemberQueue, ts: number): void {
  if (!q.loggedIn) {
    q.loggedIn = true;
    q.sessionStart = ts;
  }
}

const CALL_EVENTS = new Set(['CONNECT', 'RINGNOANSWER', 'RINGCANCELED', 'AGENTDUMP', 'COMPLETECALLER', 'COMPLETEAGENT', 'TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER', 'SYSCOMPAT']);
const CALL_END = new Set(['COMPLETECALLER', 'COMPLETEAGENT', 'TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER', 'SYSCOMPAT', 'AGENTDUMP']);

/** Shared result of the (hot) paths that close nothing; callers only read results. */
const NOTHING: AgentEventResult = Object.freeze({ sessions: Object.freeze([]) as unknown as AgentSessionRow[], pauses: Object.freeze([]) as unknown as AgentPauseRow[] });
/** Verbs that open or close agent sessions and pauses (the restart replays them further back: service/rebuild.ts). */
export const MEMBER_VERBS = ['QUEUESTART', 'ADDMEMBER', 'REMOVEMEMBER', 'AGENTLOGIN', 'AGENTCALLBACKLOGIN', 'AGENTLOGOFF', 'AGENTCALLBACKLOGOFF', 'PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL'] as const;
const MEMBER_EVENTS = new Set<string>(MEMBER_VERBS);

export function applyAgentEvent(state: AgentState, ev: QueueEvent): AgentEventResult {
  const fp = eventFingerprint(ev.event_id);
  const last = state.applied.get(fp);
  if (last !== undefined && ev.offset <= last) return NOTHING;
  state.applied.set(fp, ev.offset);
  if (ev.custom) return NOTHING;
  const s = siteAgents(state, ev.site);
  // Hot path: call events only move the member between available and on call.
  if (CALL_EVENTS.has(ev.verb)) {
    if (ev.agent !== 'NONE' && ev.agent !== '') {
      const m = member(s, ev.agent, ev.ts);
      login(memberQueue(m, ev.queue, ev.ts), ev.ts); // first seen in a call event = logged in
      const call = `${ev.callid}\0${ev.queue}`;
      if (ev.verb === 'CONNECT') m.calls.set(call, { queue: ev.queue, callid: ev.callid, since: ev.ts });
      else if (CALL_END.has(ev.verb)) m.calls.delete(call);
      track(m, ev.ts);
    }
    return NOTHING;
  }
  if (!MEMBER_EVENTS.has(ev.verb)) return NOTHING;
  const out: AgentEventResult = { sessions: [], pauses: [] };
  const name = (agent: string): string => s.aliases.get(agent) ?? agent;

  const closePause = (agent: string, queue: string, q: MemberQueue, ts: number, why: AgentPauseRow['end_reason']): void => {
    if (!q.paused) return;
    out.pauses.push({ site: ev.site, agent, queue, reason: q.pauseReason, start_ts: q.pauseStart, end_ts: ts, end_reason: why });
    q.paused = false;
    q.pauseReason = '';
  };
  const logout = (agent: string, queue: string, q: MemberQueue, ts: number, why: SessionEndReason): void => {
    closePause(agent, queue, q, ts, why);
    if (q.loggedIn) out.sessions.push({ site: ev.site, agent, queue, start_ts: q.sessionStart, end_ts: ts, end_reason: why });
    q.loggedIn = false;
  };
  const pause = (agent: string, queue: string, q: MemberQueue, reason: string, ts: number): void => {
    if (q.paused && q.pauseReason === reason) return; // a repeated PAUSE line (PAUSEALL then PAUSE per queue)
    if (q.paused) closePause(agent, queue, q, ts, 'reason_change');
    q.paused = true;
    q.pauseReason = reason;
    q.pauseStart = ts;
  };

  switch (ev.verb) {
    case 'QUEUESTART': {
      for (const [agent, m] of s.members) {
        for (const [queue, q] of m.queues) logout(agent, queue, q, ev.ts, 'restart');
        m.calls.clear();
        m.globalLogin = false;
      }
      s.members.clear();
      return out;
    }
    case 'ADDMEMBER': {
      const m = member(s, ev.agent, ev.ts);
      const q = memberQueue(m, ev.queue, ev.ts);
      login(q, ev.ts);
      if (ev.data[0] === 'PAUSED') pause(name(ev.agent), ev.queue, q, '', ev.ts);
      track(m, ev.ts);
      return out;
    }
    case 'REMOVEMEMBER': {
      const m = member(s, ev.agent, ev.ts);
      const q = m.queues.get(ev.queue);
      if (q) {
        logout(name(ev.agent), ev.queue, q, ev.ts, 'removed');
        m.queues.delete(ev.queue);
      }
      track(m, ev.ts);
      return out;
    }
    case 'AGENTLOGIN':
    case 'AGENTCALLBACKLOGIN': {
      const m = member(s, ev.agent, ev.ts);
      m.globalLogin = true;
      for (const q of m.queues.values()) login(q, ev.ts);
      track(m, ev.ts);
      return out;
    }
    case 'AGENTLOGOFF':
    case 'AGENTCALLBACKLOGOFF': {
      const m = member(s, ev.agent, ev.ts);
      m.globalLogin = false;
      for (const [queue, q] of m.queues) logout(name(ev.agent), queue, q, ev.ts, 'logoff');
      m.calls.clear();
      track(m, ev.ts);
      return out;
    }
    case 'PAUSE':
    case 'UNPAUSE': {
      const m = member(s, ev.agent, ev.ts);
      const q = memberQueue(m, ev.queue, ev.ts);
      login(q, ev.ts);
      if (ev.verb === 'PAUSE') pause(name(ev.agent), ev.queue, q, ev.info, ev.ts);
      else closePause(name(ev.agent), ev.queue, q, ev.ts, 'unpause');
      track(m, ev.ts);
      return out;
    }
    case 'PAUSEALL':
    case 'UNPAUSEALL': {
      const m = member(s, ev.agent, ev.ts);
      for (const [queue, q] of m.queues) {
        if (!q.loggedIn) continue;
        if (ev.verb === 'PAUSEALL') pause(name(ev.agent), queue, q, ev.info, ev.ts);
        else closePause(name(ev.agent), queue, q, ev.ts, 'unpause');
      }
      track(m, ev.ts);
      return out;
    }
    default:
      return out;
  }
}

/** True when the member has a call in progress that is not stale (`staleKeys`: `callid\0queue`). */
function onCall(m: Member, staleKeys?: ReadonlySet<string>): boolean {
  if (!staleKeys || staleKeys.size === 0) return m.calls.size > 0;
  for (const k of m.calls.keys()) if (!staleKeys.has(k)) return true;
  return false;
}

/** The state of an agent in one queue; a call in `staleKeys` (stale open stints, §5) is not a call in progress. */
export function agentStatus(state: AgentState, site: string, agent: string, queue: string, staleKeys?: ReadonlySet<string>): AgentStatus {
  const s = state.sites.get(site);
  const m = s?.members.get(s.aliases.get(agent) ?? agent);
  const q = m?.queues.get(queue);
  if (!m || !q || !(q.loggedIn || m.globalLogin)) return 'logged_out';
  if (onCall(m, staleKeys)) return 'on_call';
  if (q.paused) return 'paused';
  return 'available';
}

export interface AgentStatusRow {
  site: string;
  agent: string;
  queue: string;
  status: AgentStatus;
  pause_reason: string;
}

/** Every known (agent, queue) with its status, for agent views. */
export function agentStatuses(state: AgentState, site: string, staleKeys?: ReadonlySet<string>): AgentStatusRow[] {
  const s = state.sites.get(site);
  if (!s) return [];
  const rows: AgentStatusRow[] = [];
  for (const [agent, m] of s.members) {
    for (const [queue, q] of m.queues) {
      const status = agentStatus(state, site, agent, queue, staleKeys);
      rows.push({ site, agent, queue, status, pause_reason: status === 'paused' ? q.pauseReason : '' });
    }
  }
  return rows;
}

/** Counts per queue of one site; exclusive states, so logged_in = available + on_call + paused. */
export function agentCountsByQueue(state: AgentState, site: string, staleKeys?: ReadonlySet<string>): Map<string, AgentCounts> {
  const out = new Map<string, AgentCounts>();
  for (const r of agentStatuses(state, site, staleKeys)) {
    let c = out.get(r.queue);
    if (!c) {
      c = { logged_in: 0, available: 0, on_call: 0, paused: 0 };
      out.set(r.queue, c);
    }
    if (r.status === 'logged_out') continue;
    c.logged_in += 1;
    c[r.status] += 1;
  }
  return out;
}

const collator = new Intl.Collator('en', { numeric: true });

/**
 * One row per agent of a site for the supervisor view, sorted by name (answered_today comes from
 * the stints, see core/supervisor.ts). Calls in `staleKeys` do not count as in progress; an agent
 * whose only calls are stale shows the state it has without them (since its newest pause when
 * paused, else since its last state change).
 */
export function supervisorAgents(state: AgentState, site: string, staleKeys: ReadonlySet<string>): Array<Omit<SupervisorAgent, 'answered_today'>> {
  const s = state.sites.get(site);
  if (!s) return [];
  const rows: Array<Omit<SupervisorAgent, 'answered_today'>> = [];
  for (const [agent, m] of s.members) {
    const st = memberState(m, staleKeys);
    const queues = [...m.queues].filter(([, q]) => q.loggedIn || m.globalLogin).map(([name]) => name).sort(collator.compare);
    let pause: MemberQueue | null = null;
    if (st === 'paused') {
      for (const q of m.queues.values()) if ((q.loggedIn || m.globalLogin) && q.paused && (!pause || q.pauseStart > pause.pauseStart)) pause = q;
    }
    let call: SupervisorAgent['call'] = null;
    for (const [k, c] of m.calls) {
      if (!staleKeys.has(k) && (!call || c.since < call.since_s)) call = { queue: c.queue, callid: c.callid, since_s: c.since };
    }
    // A paused agent's time in state counts from its newest pause (a new reason is a new pause).
    const since = pause ? (m.state === 'paused' ? Math.max(m.since, pause.pauseStart) : pause.pauseStart) : m.since;
    rows.push({ site, agent, queues, state: st, since_s: since, pause_reason: pause?.pauseReason ?? '', call });
  }
  return rows.sort((a, b) => collator.compare(a.agent, b.agent));
}
