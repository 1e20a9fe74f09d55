import { describe, expect, it } from 'vitest';
import { parseSupervisorView, secondsSince } from './supervisor.ts';

const agent = { site: 'lpz', agent: 'Ana', queues: ['101'], state: 'on_call', since_s: 100, pause_reason: '', call: { queue: '101', callid: 'c1', since_s: 100 }, answered_today: 2 };
const waiting = { site: 'lpz', queue: '101', callid: 'c2', caller: '7001', enter_s: 90 };
const abandoned = { site: 'lpz', queue: '101', callid: 'c3', caller: '', enter_s: 50, end_s: 60, wait_s: null, answered_after: false };

describe('parseSupervisorView', () => {
  it('keeps a well-formed answer as is', () => {
    const v = { at_ms: 5, agents: [agent], waiting: [waiting], abandoned: [abandoned] };
    expect(parseSupervisorView(v)).toEqual(v);
  });

  it('leaves out malformed rows', () => {
    const v = {
      at_ms: 5,
      agents: [agent, { ...agent, state: 'dancing' }, { ...agent, call: { queue: 1 } }],
      waiting: [waiting, { ...waiting, enter_s: '90' }],
      abandoned: [{ ...abandoned, answered_after: 'no' }],
    };
    expect(parseSupervisorView(v)).toEqual({ at_ms: 5, agents: [agent], waiting: [waiting], abandoned: [] });
  });

  it.each([null, [], { at_ms: 'x', agents: [], waiting: [], abandoned: [] }, { at_ms: 1, agents: {}, waiting: [], abandoned: [] }])('refuses %j', (v) => {
    expect(parseSupervisorView(v)).toBeNull();
  });
});

describe('secondsSince', () => {
  it.each([
    [101_900, 100, 1],
    [100_000, 100, 0],
    [99_000, 100, 0],
  ])('%i ms since %i s -> %i', (now, since, out) => {
    expect(secondsSince(now, since)).toBe(out);
  });
});
