import { describe, expect, it } from 'vitest';
import { applyEvent, createStintState, liveQueueState, openStintCount, siteOpenCalls, siteStaleKeys, stintId, type StintRow, type StintState } from './stint-machine.ts';
import { eventMaker } from '../testing/events.ts';

type Brief = Pick<StintRow, 'queue' | 'callid' | 'outcome' | 'enter_ts' | 'end_ts' | 'wait_s' | 'talk_s' | 'enter_seen' | 'transferred' | 'agent'>;

function run(text: string, state: StintState = createStintState()): Brief[] {
  const make = eventMaker();
  const out: Brief[] = [];
  for (const ev of make.lines(text)) {
    for (const r of applyEvent(state, ev)) {
      out.push({ queue: r.queue, callid: r.callid, outcome: r.outcome, enter_ts: r.enter_ts, end_ts: r.end_ts, wait_s: r.wait_s, talk_s: r.talk_s, enter_seen: r.enter_seen, transferred: r.transferred, agent: r.agent });
    }
  }
  return out;
}

const base = { queue: 'q1', callid: 'c1', enter_seen: true, transferred: false, agent: '' };

describe('stint outcomes (kpi-definitions §2)', () => {
  it.each<[string, string, Brief[]]>([
    ['answered, caller hangs up', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1000|c1|q1|SIP/a|RINGNOANSWER|15000
      1012|c1|q1|Ann|CONNECT|12|c1.2|3
      1100|c1|q1|Ann|COMPLETECALLER|12|88|1`,
      [{ ...base, outcome: 'answered', enter_ts: 1000, end_ts: 1100, wait_s: 12, talk_s: 88, agent: 'Ann' }]],
    ['answered, agent hangs up', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1005|c1|q1|Ann|CONNECT|5|c1.2|1
      1065|c1|q1|Ann|COMPLETEAGENT|5|60|1`,
      [{ ...base, outcome: 'answered', enter_ts: 1000, end_ts: 1065, wait_s: 5, talk_s: 60, agent: 'Ann' }]],
    ['TRANSFER 1.4 (4 fields)', `
      1000|c1|q1|NONE|ENTERQUEUE||555
      1007|c1|q1|Ann|CONNECT|7|c1.2
      1037|c1|q1|Ann|TRANSFER|200|from-internal|7|30`,
      [{ ...base, outcome: 'answered', enter_ts: 1000, end_ts: 1037, wait_s: 7, talk_s: 30, transferred: true, agent: 'Ann' }]],
    ['TRANSFER 1.2 (exten|context only): wait from CONNECT, talk unknown', `
      1000|c1|q1|NONE|ENTERQUEUE||555
      1007|c1|q1|Ann|CONNECT|7
      1037|c1|q1|Ann|TRANSFER|200|from-internal`,
      [{ ...base, outcome: 'answered', enter_ts: 1000, end_ts: 1037, wait_s: 7, talk_s: null, transferred: true, agent: 'Ann' }]],
    ['TRANSFER 1.6.1+ (5 fields)', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1007|c1|q1|Ann|CONNECT|7|c1.2|2
      1037|c1|q1|Ann|TRANSFER|200|from-internal|7|30|1`,
      [{ ...base, outcome: 'answered', enter_ts: 1000, end_ts: 1037, wait_s: 7, talk_s: 30, transferred: true, agent: 'Ann' }]],
    ['BLINDTRANSFER', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1009|c1|q1|Ann|CONNECT|9|c1.2|2
      1050|c1|q1|Ann|BLINDTRANSFER|200|from-internal|9|41|1`,
      [{ ...base, outcome: 'answered', enter_ts: 1000, end_ts: 1050, wait_s: 9, talk_s: 41, transferred: true, agent: 'Ann' }]],
    ['ATTENDEDTRANSFER BRIDGE', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1003|c1|q1|Ann|CONNECT|3|c1.2|2
      1063|c1|q1|Ann|ATTENDEDTRANSFER|BRIDGE|b-77|3|60|1`,
      [{ ...base, outcome: 'answered', enter_ts: 1000, end_ts: 1063, wait_s: 3, talk_s: 60, transferred: true, agent: 'Ann' }]],
    ['ATTENDEDTRANSFER LINK (3 method fields)', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1003|c1|q1|Ann|CONNECT|3|c1.2|2
      1063|c1|q1|Ann|ATTENDEDTRANSFER|LINK|SIP/a-1|SIP/b-2|3|60|1`,
      [{ ...base, outcome: 'answered', enter_ts: 1000, end_ts: 1063, wait_s: 3, talk_s: 60, transferred: true, agent: 'Ann' }]],
    ['abandoned: wait = data3', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1013|c1|q1|NONE|ABANDON|2|2|13`,
      [{ ...base, outcome: 'abandoned', enter_ts: 1000, end_ts: 1013, wait_s: 13, talk_s: null }]],
    ['timeout with data3', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1300|c1|q1|NONE|EXITWITHTIMEOUT|1|1|299`,
      [{ ...base, outcome: 'timeout', enter_ts: 1000, end_ts: 1300, wait_s: 299, talk_s: null }]],
    ['timeout, position only (1.4): exit - enter', `
      1000|c1|q1|NONE|ENTERQUEUE||555
      1300|c1|q1|NONE|EXITWITHTIMEOUT|1`,
      [{ ...base, outcome: 'timeout', enter_ts: 1000, end_ts: 1300, wait_s: 300, talk_s: null }]],
    ['exit_key with data4', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1020|c1|q1|NONE|EXITWITHKEY|5|1|1|19`,
      [{ ...base, outcome: 'exit_key', enter_ts: 1000, end_ts: 1020, wait_s: 19, talk_s: null }]],
    ['exit_key, key|position only: exit - enter', `
      1000|c1|q1|NONE|ENTERQUEUE||555
      1020|c1|q1|NONE|EXITWITHKEY|5|1`,
      [{ ...base, outcome: 'exit_key', enter_ts: 1000, end_ts: 1020, wait_s: 20, talk_s: null }]],
    ['exit_empty', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1040|c1|q1|NONE|EXITEMPTY|1|1|40`,
      [{ ...base, outcome: 'exit_empty', enter_ts: 1000, end_ts: 1040, wait_s: 40, talk_s: null }]],
    ['withdrawn', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1031|c1|q1|NONE|WITHDRAW|1|1|31|moved`,
      [{ ...base, outcome: 'withdrawn', enter_ts: 1000, end_ts: 1031, wait_s: 31, talk_s: null }]],
    ['failed (SYSCOMPAT): exit - enter', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1006|c1|q1|Ann|SYSCOMPAT|`,
      [{ ...base, outcome: 'failed', enter_ts: 1000, end_ts: 1006, wait_s: 6, talk_s: null, agent: 'Ann' }]],
    ['refused custom verbs, each its own stint with wait 0', `
      1000|c1|q1|NONE|FULL|
      1001|c2|q1|NONE|JOINEMPTY|
      1002|c3|q1|NONE|JOINUNAVAIL|
      1003|c4|q1|NONE|CLOSED|`,
      [
        { ...base, outcome: 'refused', enter_ts: 1000, end_ts: 1000, wait_s: 0, talk_s: null },
        { ...base, callid: 'c2', outcome: 'refused', enter_ts: 1001, end_ts: 1001, wait_s: 0, talk_s: null },
        { ...base, callid: 'c3', outcome: 'refused', enter_ts: 1002, end_ts: 1002, wait_s: 0, talk_s: null },
        { ...base, callid: 'c4', outcome: 'refused', enter_ts: 1003, end_ts: 1003, wait_s: 0, talk_s: null },
      ]],
    ['lower-case abandon is custom, not terminal', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1013|c1|q1|NONE|abandon|2|2|13`,
      []],
  ])('%s', (_name, text, expected) => {
    expect(run(text)).toEqual(expected);
  });
});

describe('edge rules (kpi-definitions §11)', () => {
  it.each<[string, string, Brief[]]>([
    ['AGENTDUMP returns the caller to the queue; the answered wait is the last CONNECT data1', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1004|c1|q1|Ann|CONNECT|4|c1.2|1
      1005|c1|q1|Ann|AGENTDUMP|
      1030|c1|q1|Bob|CONNECT|30|c1.3|1
      1090|c1|q1|Bob|COMPLETECALLER|30|60|1`,
      [{ ...base, outcome: 'answered', enter_ts: 1000, end_ts: 1090, wait_s: 30, talk_s: 60, agent: 'Bob' }]],
    ['AGENTDUMP then abandon: abandoned', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1004|c1|q1|Ann|CONNECT|4|c1.2|1
      1005|c1|q1|Ann|AGENTDUMP|
      1020|c1|q1|NONE|ABANDON|1|1|20`,
      [{ ...base, outcome: 'abandoned', enter_ts: 1000, end_ts: 1020, wait_s: 20, talk_s: null, agent: 'Ann' }]],
    ['overflow: one callid in two queues is two stints', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1030|c1|q1|NONE|EXITWITHTIMEOUT|1|1|30
      1030|c1|q2|NONE|ENTERQUEUE||555|1
      1040|c1|q2|Bob|CONNECT|10|c1.9|1
      1100|c1|q2|Bob|COMPLETEAGENT|10|60|1`,
      [
        { ...base, outcome: 'timeout', enter_ts: 1000, end_ts: 1030, wait_s: 30, talk_s: null },
        { ...base, queue: 'q2', outcome: 'answered', enter_ts: 1030, end_ts: 1100, wait_s: 10, talk_s: 60, agent: 'Bob' },
      ]],
    ['missing ENTERQUEUE, answered: start = end - wait - talk', `
      1100|c1|q1|Ann|COMPLETECALLER|12|88|1`,
      [{ ...base, enter_seen: false, outcome: 'answered', enter_ts: 1000, end_ts: 1100, wait_s: 12, talk_s: 88, agent: 'Ann' }]],
    ['missing ENTERQUEUE, opened by CONNECT: wait from CONNECT', `
      1012|c1|q1|Ann|CONNECT|12|c1.2|3
      1100|c1|q1|Ann|COMPLETECALLER|12|88|1`,
      [{ ...base, enter_seen: false, outcome: 'answered', enter_ts: 1000, end_ts: 1100, wait_s: 12, talk_s: 88, agent: 'Ann' }]],
    ['missing ENTERQUEUE, abandoned: start = end - wait', `
      1013|c1|q1|NONE|ABANDON|2|2|13`,
      [{ ...base, enter_seen: false, outcome: 'abandoned', enter_ts: 1000, end_ts: 1013, wait_s: 13, talk_s: null }]],
    ['missing ENTERQUEUE, timeout position only: unknown wait, start = end', `
      1300|c1|q1|NONE|EXITWITHTIMEOUT|1`,
      [{ ...base, enter_seen: false, outcome: 'timeout', enter_ts: 1300, end_ts: 1300, wait_s: null, talk_s: null }]],
    ['missing ENTERQUEUE, exit_key key|position only: unknown wait', `
      1300|c1|q1|NONE|EXITWITHKEY|3|1`,
      [{ ...base, enter_seen: false, outcome: 'exit_key', enter_ts: 1300, end_ts: 1300, wait_s: null, talk_s: null }]],
    ['missing ENTERQUEUE, SYSCOMPAT: unknown wait', `
      1300|c1|q1|Ann|SYSCOMPAT|`,
      [{ ...base, enter_seen: false, outcome: 'failed', enter_ts: 1300, end_ts: 1300, wait_s: null, talk_s: null, agent: 'Ann' }]],
    ['missing ENTERQUEUE, opened by a ring: unknown wait for a position-only timeout', `
      1200|c1|q1|SIP/a|RINGNOANSWER|15000
      1300|c1|q1|NONE|EXITWITHTIMEOUT|1`,
      [{ ...base, enter_seen: false, outcome: 'timeout', enter_ts: 1300, end_ts: 1300, wait_s: null, talk_s: null }]],
    ['a second ENTERQUEUE opens a new stint; the earlier one stays open', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1010|c1|q1|NONE|ENTERQUEUE||555|1
      1015|c1|q1|NONE|ABANDON|1|1|5`,
      [{ ...base, outcome: 'abandoned', enter_ts: 1010, end_ts: 1015, wait_s: 5, talk_s: null }]],
    ['rings and AGENTDUMP after the end are ignored; a later CONNECT opens a stint', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1013|c1|q1|NONE|ABANDON|1|1|13
      1013|c1|q1|SIP/a|RINGCANCELED|2000
      1014|c1|q1|Ann|AGENTDUMP|
      1020|c1|q1|Bob|CONNECT|3|c1.7|1
      1050|c1|q1|Bob|COMPLETEAGENT|3|30|1`,
      [
        { ...base, outcome: 'abandoned', enter_ts: 1000, end_ts: 1013, wait_s: 13, talk_s: null },
        { ...base, enter_seen: false, outcome: 'answered', enter_ts: 1017, end_ts: 1050, wait_s: 3, talk_s: 30, agent: 'Bob' },
      ]],
    ['interleaved calls within one second are independent', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1000|c2|q1|NONE|ENTERQUEUE||556|2
      1005|c2|q1|NONE|ABANDON|1|2|5
      1005|c1|q1|NONE|ABANDON|1|1|5`,
      [
        { ...base, callid: 'c2', outcome: 'abandoned', enter_ts: 1000, end_ts: 1005, wait_s: 5, talk_s: null },
        { ...base, outcome: 'abandoned', enter_ts: 1000, end_ts: 1005, wait_s: 5, talk_s: null },
      ]],
    ['QUEUESTART cuts open stints (waiting and talking) with no outcome', `
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1001|c2|q1|NONE|ENTERQUEUE||556|2
      1005|c2|q1|Ann|CONNECT|4|c2.5|2
      1100|NONE|NONE|NONE|QUEUESTART|
      1200|c1|q1|NONE|ABANDON|1|1|200`,
      [
        { ...base, outcome: 'cut_by_restart', enter_ts: 1000, end_ts: 1100, wait_s: null, talk_s: null },
        { ...base, callid: 'c2', outcome: 'cut_by_restart', enter_ts: 1001, end_ts: 1100, wait_s: null, talk_s: null, agent: 'Ann' },
        // After the restart the key is unknown again: an end event alone makes its own stint.
        { ...base, enter_seen: false, outcome: 'abandoned', enter_ts: 1000, end_ts: 1200, wait_s: 200, talk_s: null },
      ]],
  ])('%s', (_name, text, expected) => {
    expect(run(text)).toEqual(expected);
  });

  it('ids are deterministic from site, callid, queue and the opening line, whichever way it came', () => {
    const state = createStintState();
    const make = eventMaker({ site: 's1', fingerprint: 'abc' });
    const enter = make('1000|c1|q1|NONE|ENTERQUEUE||555|1');
    applyEvent(state, enter);
    const [row] = applyEvent(state, make('1013|c1|q1|NONE|ABANDON|1|1|13'));
    expect(row?.stint_id).toBe(stintId('s1', 'c1', 'q1', '1000|c1|q1|NONE|ENTERQUEUE||555|1'));
    // The same lines from another source (other ids and offsets) give the same stint id.
    const other = eventMaker({ site: 's1', fingerprint: 'zzz' });
    other('9|x|x|x|PAD');
    const state2 = createStintState();
    applyEvent(state2, other('1000|c1|q1|NONE|ENTERQUEUE||555|1'));
    expect(applyEvent(state2, other('1013|c1|q1|NONE|ABANDON|1|1|13'))[0]?.stint_id).toBe(row?.stint_id);
    expect(row?.stint_id).toMatch(/^[0-9a-f]{32}$/);
    expect(row?.end_event_id).toBe('abc:34');
    expect(row?.caller).toBe('555');
    expect(row?.site).toBe('s1');
  });

  it('an event applied twice (redelivery) is skipped', () => {
    const state = createStintState();
    const make = eventMaker();
    const evs = make.lines(`
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1013|c1|q1|NONE|ABANDON|1|1|13`);
    const first = evs.flatMap((e) => applyEvent(state, e));
    const again = evs.flatMap((e) => applyEvent(state, e));
    expect(first).toHaveLength(1);
    expect(again).toEqual([]);
    expect(state.skippedDuplicates).toBe(2);
  });

  it('releases the state of ended calls', () => {
    const state = createStintState({ endedKeyMemoryS: 60 });
    const make = eventMaker();
    for (let i = 0; i < 1000; i++) {
      applyEvent(state, make(`${1000 + i}|c${i}|q1|NONE|ENTERQUEUE||555|1`));
      applyEvent(state, make(`${1001 + i}|c${i}|q1|NONE|ABANDON|1|1|1`));
    }
    expect(openStintCount(state)).toBe(0);
    const ended = state.sites.get('default')?.ended.size ?? -1;
    expect(ended).toBeLessThanOrEqual(62);
    expect(ended).toBeGreaterThan(55);
  });

  it('a call ended again is remembered from its newest end, and released after it', () => {
    const state = createStintState({ endedKeyMemoryS: 60 });
    const make = eventMaker();
    const apply = (text: string): string[] => make.lines(text).flatMap((ev) => applyEvent(state, ev).map((r) => r.callid));
    expect(apply(`
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1001|c1|q1|NONE|ABANDON|1|1|1
      1050|c1|q1|NONE|ENTERQUEUE||555|1
      1051|c1|q1|NONE|ABANDON|1|1|1
      1070|c9|q1|NONE|ENTERQUEUE||556|1
      1071|c9|q1|NONE|ABANDON|1|1|1
      1072|c1|q1|SIP/a|RINGNOANSWER|1000`)).toEqual(['c1', 'c1', 'c9']);
    // c1's first end (1001) is past the horizon at 1071, its second (1051) is not: the ring at
    // 1072 is a late ring of an ended call, ignored (§11), and c1 is still remembered.
    expect(openStintCount(state)).toBe(0);
    expect(state.sites.get('default')?.ended.has('c1\0q1')).toBe(true);
    expect(apply(`
      1200|c8|q1|NONE|ENTERQUEUE||557|1
      1200|c8|q1|NONE|ABANDON|0|1|1
      1201|c1|q1|SIP/a|RINGNOANSWER|1000`)).toEqual(['c8']);
    // By 1200 both ends of c1 are past the horizon: its ring opens a stint of its own.
    expect(openStintCount(state)).toBe(1);
    expect([...(state.sites.get('default')?.ended.keys() ?? [])]).toEqual(['c8\0q1']);
  });
});

describe('liveQueueState (kpi-definitions §5)', () => {
  it('counts waiting and talking, longest wait from the oldest waiting enter', () => {
    const state = createStintState();
    run(`
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1010|c2|q1|NONE|ENTERQUEUE||556|2
      1015|c1|q1|Ann|CONNECT|15|c1.2|1
      1020|c3|q1|NONE|ENTERQUEUE||557|2
      1020|c4|q2|NONE|ENTERQUEUE||558|1
      1021|c4|q2|NONE|ABANDON|1|1|1
      1030|c5|q3|SIP/a|RINGNOANSWER|1000`, state);
    expect(liveQueueState(state, 1050)).toEqual([
      { site: 'default', queue: 'q1', waiting_now: 2, longest_current_wait_s: 40, talking_now: 1, waiting_enter_s: [1010, 1020] },
      { site: 'default', queue: 'q2', waiting_now: 0, longest_current_wait_s: null, talking_now: 0, waiting_enter_s: [] },
      // Opened by a ring: waiting, but with no known enter time.
      { site: 'default', queue: 'q3', waiting_now: 1, longest_current_wait_s: null, talking_now: 0, waiting_enter_s: [] },
    ]);
  });

  // Horizon 100 s; now = 1300. The rule is live only: no stint is ended by it.
  it.each<[string, string, number, number | null, Array<[string, string]>, number[]]>([
    ['an event exactly at the horizon keeps a call live', '1200|c1|q1|NONE|ENTERQUEUE||555|1', 1, 100, [], [1200]],
    ['past the horizon without an event: stale', '1199|c1|q1|NONE|ENTERQUEUE||555|1', 0, null, [['c1', 'no_event_for_horizon']], []],
    ['a newer event (a ring) keeps it live', '1000|c1|q1|NONE|ENTERQUEUE||555|1\n1250|c1|q1|SIP/a|RINGNOANSWER|1000', 1, 300, [], [1000]],
    ['entered before the last QUEUESTART (a late line): stale', '1280|NONE|NONE|NONE|QUEUESTART|\n1270|c1|q1|NONE|ENTERQUEUE||555|1', 0, null, [['c1', 'before_restart']], []],
  ])('%s', (_name, lines, waiting, longest, stale, enters) => {
    const state = createStintState();
    expect(run(lines, state)).toEqual([]);
    const opts = { staleAfterS: 100 };
    expect(liveQueueState(state, 1300, opts)).toEqual([{ site: 'default', queue: 'q1', waiting_now: waiting, longest_current_wait_s: longest, talking_now: 0, waiting_enter_s: enters }]);
    expect(siteOpenCalls(state, 'default', 1300, opts).stale.map((c) => [c.callid, c.reason])).toEqual(stale);
    expect(openStintCount(state)).toBe(1);
  });

  it('a stale older stint of a callid does not make its newer, live stint stale for its agent', () => {
    const state = createStintState();
    run(`
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1290|c1|q1|NONE|ENTERQUEUE||555|1
      1295|c1|q1|Ann|CONNECT|5|c1.2|1`, state);
    const opts = { staleAfterS: 100 };
    expect(liveQueueState(state, 1300, opts)).toEqual([{ site: 'default', queue: 'q1', waiting_now: 0, longest_current_wait_s: null, talking_now: 1, waiting_enter_s: [] }]);
    const open = siteOpenCalls(state, 'default', 1300, opts);
    expect(open.stale.map((c) => [c.callid, c.enter_ts, c.reason])).toEqual([['c1', 1000, 'no_event_for_horizon']]);
    expect([...open.staleKeys]).toEqual([]);
    expect([...siteStaleKeys(state, 'default', 1300, opts)]).toEqual([]);
    // 200 s later the live one is stale too, and its key with it.
    expect([...siteStaleKeys(state, 'default', 1500, opts)]).toEqual(['c1\0q1']);
  });

  it('a QUEUESTART empties the live figures at once', () => {
    const state = createStintState();
    run(`
      1000|c1|q1|NONE|ENTERQUEUE||555|1
      1100|NONE|NONE|NONE|QUEUESTART|`, state);
    expect(liveQueueState(state, 1200)).toEqual([
      { site: 'default', queue: 'q1', waiting_now: 0, longest_current_wait_s: null, talking_now: 0, waiting_enter_s: [] },
    ]);
  });
});
