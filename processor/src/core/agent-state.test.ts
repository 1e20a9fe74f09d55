import { describe, expect, it } from 'vitest';
import { agentCountsByQueue, agentStatus, applyAgentEvent, createAgentState, type AgentEventResult } from './agent-state.ts';
import { eventMaker } from '../testing/events.ts';

function feed(text: string, aliases: Record<string, Record<string, string>> = {}) {
  const state = createAgentState(aliases);
  const make = eventMaker();
  const out: AgentEventResult = { sessions: [], pauses: [] };
  for (const ev of make.lines(text)) {
    const r = applyAgentEvent(state, ev);
    out.sessions.push(...r.sessions);
    out.pauses.push(...r.pauses);
  }
  return { state, out };
}

describe('agent state (kpi-definitions §5)', () => {
  it('ADDMEMBER logs in, PAUSE with reason, CONNECT on call, REMOVEMEMBER logs out', () => {
    const { state, out } = feed(`
      1000|MANAGER|q1|SIP/100|ADDMEMBER|
      1000|MANAGER|q2|SIP/100|ADDMEMBER|
      1010|NONE|q1|Ann|PAUSE|lunch
      1050|c1|q2|Ann|CONNECT|3|c1.2|1`, { default: { 'SIP/100': 'Ann' } });
    expect(agentStatus(state, 'default', 'Ann', 'q1')).toBe('on_call');
    expect(agentStatus(state, 'default', 'SIP/100', 'q2')).toBe('on_call');
    expect(out).toEqual({ sessions: [], pauses: [] });
    const make = eventMaker({ fingerprint: 'fp2' });
    applyAgentEvent(state, make('1090|c1|q2|Ann|COMPLETEAGENT|3|40|1'));
    expect(agentStatus(state, 'default', 'Ann', 'q1')).toBe('paused');
    expect(agentStatus(state, 'default', 'Ann', 'q2')).toBe('available');
    expect(Object.fromEntries(agentCountsByQueue(state, 'default'))).toEqual({
      q1: { logged_in: 1, available: 0, on_call: 0, paused: 1 },
      q2: { logged_in: 1, available: 1, on_call: 0, paused: 0 },
    });
    const r = applyAgentEvent(state, make('1100|MANAGER|q1|SIP/100|REMOVEMEMBER|'));
    expect(r).toEqual({
      sessions: [{ site: 'default', agent: 'Ann', queue: 'q1', start_ts: 1000, end_ts: 1100, end_reason: 'removed' }],
      pauses: [{ site: 'default', agent: 'Ann', queue: 'q1', reason: 'lunch', start_ts: 1010, end_ts: 1100, end_reason: 'removed' }],
    });
    expect(agentStatus(state, 'default', 'Ann', 'q1')).toBe('logged_out');
  });

  it('PAUSEALL / UNPAUSEALL cover every queue of the member; repeated PAUSE lines are one pause', () => {
    const { state, out } = feed(`
      1000|c1|q1|Ann|RINGNOANSWER|1000
      1001|c2|q2|Ann|RINGNOANSWER|0
      1100|NONE|NONE|Ann|PAUSEALL|break
      1100|NONE|q1|Ann|PAUSE|break
      1100|NONE|q2|Ann|PAUSE|break
      1200|NONE|q1|Ann|PAUSE|training
      1300|NONE|NONE|Ann|UNPAUSEALL|`);
    expect(out.sessions).toEqual([]);
    expect(out.pauses).toEqual([
      { site: 'default', agent: 'Ann', queue: 'q1', reason: 'break', start_ts: 1100, end_ts: 1200, end_reason: 'reason_change' },
      { site: 'default', agent: 'Ann', queue: 'q1', reason: 'training', start_ts: 1200, end_ts: 1300, end_reason: 'unpause' },
      { site: 'default', agent: 'Ann', queue: 'q2', reason: 'break', start_ts: 1100, end_ts: 1300, end_reason: 'unpause' },
    ]);
    expect(agentStatus(state, 'default', 'Ann', 'q2')).toBe('available');
  });

  it('AGENTLOGIN / AGENTLOGOFF over the agent queues', () => {
    const { state, out } = feed(`
      1000|1000.1|NONE|Agent/1001|AGENTLOGIN|SIP/1001-0001
      1010|c1|q1|Agent/1001|RINGNOANSWER|15000
      1500|1000.1|NONE|Agent/1001|AGENTLOGOFF|SIP/1001-0001|500`);
    expect(out.sessions).toEqual([{ site: 'default', agent: 'Agent/1001', queue: 'q1', start_ts: 1010, end_ts: 1500, end_reason: 'logoff' }]);
    expect(agentStatus(state, 'default', 'Agent/1001', 'q1')).toBe('logged_out');
  });

  it('QUEUESTART closes every open pause, call and session', () => {
    const { state, out } = feed(`
      1000|MANAGER|q1|Ann|ADDMEMBER|PAUSED
      1005|c1|q1|Bob|CONNECT|1|c1.2|1
      1100|NONE|NONE|NONE|QUEUESTART|`);
    expect(out.pauses).toEqual([{ site: 'default', agent: 'Ann', queue: 'q1', reason: '', start_ts: 1000, end_ts: 1100, end_reason: 'restart' }]);
    expect(out.sessions).toEqual([
      { site: 'default', agent: 'Ann', queue: 'q1', start_ts: 1000, end_ts: 1100, end_reason: 'restart' },
      { site: 'default', agent: 'Bob', queue: 'q1', start_ts: 1005, end_ts: 1100, end_reason: 'restart' },
    ]);
    expect(agentStatus(state, 'default', 'Bob', 'q1')).toBe('logged_out');
    expect(agentCountsByQueue(state, 'default').size).toBe(0);
  });

  it('AGENTDUMP ends the member call', () => {
    const { state } = feed(`
      1005|c1|q1|Bob|CONNECT|1|c1.2|1
      1006|c1|q1|Bob|AGENTDUMP|`);
    expect(agentStatus(state, 'default', 'Bob', 'q1')).toBe('available');
  });
});
