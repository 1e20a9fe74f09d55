import { describe, expect, it } from 'vitest';
import {
  agentRows,
  applySupervisorEvent,
  createSupervisorState,
  maskCaller,
  pruneSeen,
  waitingCallers,
  type SupervisorEvent,
} from './supervisor.ts';

let n = 0;
/** A queue_log line as stored: `ts|callid|queue|agent|verb|data...`. */
function ev(line: string, site = 'lpz'): SupervisorEvent {
  const [ts, callid, queue, agent, verb, ...data] = line.split('|') as [string, string, string, string, string, ...string[]];
  n += 1;
  return {
    event_id: `f:${n}`,
    site,
    ts: Number(ts),
    callid,
    queue,
    agent,
    verb,
    custom: verb !== verb.toUpperCase(),
    wait_s: verb === 'CONNECT' ? Number(data[0]) : null,
    caller: verb === 'ENTERQUEUE' ? (data[1] ?? '') : '',
    info: verb === 'PAUSE' || verb === 'PAUSEALL' ? (data[0] ?? '') : '',
    data,
  };
}

function run(lines: string[], aliases: Record<string, Record<string, string>> = {}) {
  const state = createSupervisorState(aliases);
  for (const l of lines) applySupervisorEvent(state, ev(l));
  return state;
}

describe('agent rows', () => {
  it.each([
    ['logged in by ADDMEMBER (interface folded to the member name)', ['100|X|101|SIP/201|ADDMEMBER|'], { state: 'available', since_s: 100, queues: ['101'], pause_reason: '', call: null }],
    ['added paused', ['100|X|101|SIP/201|ADDMEMBER|PAUSED'], { state: 'paused', since_s: 100, queues: ['101'], pause_reason: '', call: null }],
    ['paused with a reason', ['100|X|101|SIP/201|ADDMEMBER|', '160|NONE|101|Ana|PAUSE|Almuerzo'], { state: 'paused', since_s: 160, queues: ['101'], pause_reason: 'Almuerzo', call: null }],
    ['a repeated PAUSE keeps the start', ['100|X|101|SIP/201|ADDMEMBER|', '160|NONE|101|Ana|PAUSE|Almuerzo', '170|NONE|101|Ana|PAUSE|Almuerzo'], { state: 'paused', since_s: 160, queues: ['101'], pause_reason: 'Almuerzo', call: null }],
    ['unpaused', ['100|X|101|SIP/201|ADDMEMBER|', '160|NONE|101|Ana|PAUSE|Almuerzo', '200|NONE|101|Ana|UNPAUSE|'], { state: 'available', since_s: 200, queues: ['101'], pause_reason: '', call: null }],
    ['PAUSEALL pauses every logged-in queue', ['100|X|101|SIP/201|ADDMEMBER|', '100|X|102|SIP/201|ADDMEMBER|', '150|NONE|NONE|Ana|PAUSEALL|Baño'], { state: 'paused', since_s: 150, queues: ['101', '102'], pause_reason: 'Baño', call: null }],
    ['on call from CONNECT, time in state from the connect', ['100|X|101|SIP/201|ADDMEMBER|', '300|c1|101|NONE|ENTERQUEUE||70000001|1', '312|c1|101|Ana|CONNECT|12|c1b|3'], { state: 'on_call', since_s: 312, queues: ['101'], pause_reason: '', call: { queue: '101', callid: 'c1', since_s: 312 } }],
    ['available again after the call ends', ['100|X|101|SIP/201|ADDMEMBER|', '312|c1|101|Ana|CONNECT|12|c1b|3', '400|c1|101|Ana|COMPLETECALLER|12|88|1'], { state: 'available', since_s: 400, queues: ['101'], pause_reason: '', call: null }],
    ['AGENTDUMP ends the agent call', ['100|X|101|SIP/201|ADDMEMBER|', '312|c1|101|Ana|CONNECT|12|c1b|3', '315|c1|101|Ana|AGENTDUMP|'], { state: 'available', since_s: 315, queues: ['101'], pause_reason: '', call: null }],
    ['first seen in a call event = logged in', ['312|c1|101|Ana|CONNECT|12|c1b|3'], { state: 'on_call', since_s: 312, queues: ['101'], pause_reason: '', call: { queue: '101', callid: 'c1', since_s: 312 } }],
    ['REMOVEMEMBER from the last queue logs out', ['100|X|101|SIP/201|ADDMEMBER|', '500|X|101|SIP/201|REMOVEMEMBER|'], { state: 'logged_out', since_s: 500, queues: [], pause_reason: '', call: null }],
    ['AGENTLOGOFF logs out and drops calls', ['100|X|101|SIP/201|ADDMEMBER|', '312|c1|101|Ana|CONNECT|12|c1b|3', '600|NONE|NONE|Ana|AGENTLOGOFF|SIP/201|300'], { state: 'logged_out', since_s: 600, queues: [], pause_reason: '', call: null }],
  ])('%s', (_name, lines, expected) => {
    const rows = agentRows(run(lines, { lpz: { 'SIP/201': 'Ana' } }));
    expect(rows).toEqual([{ site: 'lpz', agent: 'Ana', ...expected }]);
  });

  it('forgets members and waiting callers at QUEUESTART', () => {
    const state = run(['100|X|101|SIP/201|ADDMEMBER|', '300|c1|101|NONE|ENTERQUEUE||70000001|1', '400|NONE|NONE|NONE|QUEUESTART|']);
    expect(agentRows(state)).toEqual([]);
    expect(waitingCallers(state)).toEqual([]);
  });

  it('applies an event id once and ignores custom verbs', () => {
    const state = createSupervisorState();
    const e = ev('100|c1|101|NONE|ENTERQUEUE||70000001|1');
    expect(applySupervisorEvent(state, e)).toBe(true);
    expect(applySupervisorEvent(state, { ...e, ts: 130, callid: 'other' })).toBe(false);
    applySupervisorEvent(state, ev('110|c1|101|NONE|abandon|1|1|10'));
    expect(waitingCallers(state).map((w) => w.callid)).toEqual(['c1']);
    expect(state.watermark).toBe(110);
    pruneSeen(state, 105);
    expect([...state.seen.values()]).toEqual([110]);
  });

  it('sorts agents by site then name, numbers in numeric order', () => {
    const state = createSupervisorState();
    for (const l of ['1|X|q|agent10|ADDMEMBER|', '1|X|q|agent9|ADDMEMBER|']) applySupervisorEvent(state, ev(l, 'b'));
    applySupervisorEvent(state, ev('1|X|q|zed|ADDMEMBER|', 'a'));
    expect(agentRows(state).map((r) => `${r.site}/${r.agent}`)).toEqual(['a/zed', 'b/agent9', 'b/agent10']);
  });
});

describe('waiting callers', () => {
  it('lists callers in queue and not connected, longest wait first', () => {
    const state = run([
      '300|c1|101|NONE|ENTERQUEUE||70000001|1',
      '305|c2|102|NONE|ENTERQUEUE||70000002|1',
      '290|c3|101|NONE|ENTERQUEUE||70000003|2',
      '310|c2|102|Ana|CONNECT|5|x|2',
      '320|c4|101|NONE|ENTERQUEUE||70000004|2',
      '330|c4|101|NONE|ABANDON|1|2|10',
    ]);
    expect(waitingCallers(state)).toEqual([
      { site: 'lpz', queue: '101', callid: 'c3', caller: '70000003', enter_s: 290 },
      { site: 'lpz', queue: '101', callid: 'c1', caller: '70000001', enter_s: 300 },
    ]);
  });

  it('puts a caller back in the queue after AGENTDUMP', () => {
    const state = run(['300|c1|101|NONE|ENTERQUEUE||70000001|1', '310|c1|101|Ana|CONNECT|10|x|2', '312|c1|101|Ana|AGENTDUMP|']);
    expect(waitingCallers(state).map((w) => [w.callid, w.enter_s])).toEqual([['c1', 300]]);
  });
});

describe('maskCaller', () => {
  it.each([
    ['', ''],
    ['1234', '••••'],
    ['70012345', '••••••45'],
    ['+59170012345', '••••••••••45'],
  ])('%s -> %s', (input, out) => {
    expect(maskCaller(input)).toBe(out);
  });
});
