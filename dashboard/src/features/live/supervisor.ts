// The supervisor view's data from GET /api/live/supervisor, checked field by field (the server
// may be newer or older than this page), and the durations the tables show. Pure.

import type { AbandonedCaller, AgentLiveState, SupervisorAgent, WaitingCaller } from '@tablero/processor/contract';
import { isNum, isObj } from '../../lib/guards.ts';

export type AgentState = AgentLiveState;
const AGENT_STATES: readonly string[] = ['available', 'on_call', 'paused', 'logged_out'];

export type AgentRow = SupervisorAgent;
export type WaitingRow = WaitingCaller;
export type AbandonedRow = AbandonedCaller;

/** GET /api/live/supervisor: every site's view, as the processor published it (callers masked by the server). */
export interface SupervisorView {
  at_ms: number;
  agents: AgentRow[];
  waiting: WaitingRow[];
  abandoned: AbandonedRow[];
}

const str = (v: unknown): v is string => typeof v === 'string';

function agent(v: unknown): AgentRow | null {
  if (!isObj(v) || !str(v.site) || !str(v.agent) || !Array.isArray(v.queues) || !v.queues.every(str)) return null;
  if (!str(v.state) || !AGENT_STATES.includes(v.state) || !isNum(v.since_s) || !str(v.pause_reason) || !isNum(v.answered_today)) return null;
  let call: AgentRow['call'] = null;
  if (v.call !== null) {
    const c = v.call;
    if (!isObj(c) || !str(c.queue) || !str(c.callid) || !isNum(c.since_s)) return null;
    call = { queue: c.queue, callid: c.callid, since_s: c.since_s };
  }
  return { site: v.site, agent: v.agent, queues: v.queues, state: v.state as AgentState, since_s: v.since_s, pause_reason: v.pause_reason, call, answered_today: v.answered_today };
}

function waiting(v: unknown): WaitingRow | null {
  if (!isObj(v) || !str(v.site) || !str(v.queue) || !str(v.callid) || !str(v.caller) || !isNum(v.enter_s)) return null;
  return { site: v.site, queue: v.queue, callid: v.callid, caller: v.caller, enter_s: v.enter_s };
}

function abandoned(v: unknown): AbandonedRow | null {
  if (!isObj(v) || !str(v.site) || !str(v.queue) || !str(v.callid) || !str(v.caller) || !isNum(v.enter_s) || !isNum(v.end_s)) return null;
  if (!(v.wait_s === null || isNum(v.wait_s)) || typeof v.answered_after !== 'boolean') return null;
  return { site: v.site, queue: v.queue, callid: v.callid, caller: v.caller, enter_s: v.enter_s, end_s: v.end_s, wait_s: v.wait_s, answered_after: v.answered_after };
}

function list<T>(v: unknown, one: (x: unknown) => T | null): T[] | null {
  if (!Array.isArray(v)) return null;
  const out: T[] = [];
  for (const x of v) {
    const r = one(x);
    if (r) out.push(r);
  }
  return out;
}

/** The view, or null when the answer is not one. Malformed rows are left out. */
export function parseSupervisorView(v: unknown): SupervisorView | null {
  if (!isObj(v) || !isNum(v.at_ms)) return null;
  const agents = list(v.agents, agent);
  const w = list(v.waiting, waiting);
  const a = list(v.abandoned, abandoned);
  if (!agents || !w || !a) return null;
  return { at_ms: v.at_ms, agents, waiting: w, abandoned: a };
}

/** Whole seconds from `sinceS` to `nowMs`, never negative (clocks differ by a little). */
export function secondsSince(nowMs: number, sinceS: number): number {
  return Math.max(0, Math.floor(nowMs / 1000 - sinceS));
}
