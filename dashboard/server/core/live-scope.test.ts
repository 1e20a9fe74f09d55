import { describe, expect, it } from 'vitest';
import type { AlertMessage, QueueSnapshot, SnapshotMessage, SupervisorMessage } from '@tablero/processor/contract';
import { ALL_RIGHTS, alertVisible, otherVisible, parseSubscribe, scopeSnapshots, scopeSupervisor, selectableSites, subscriptionScope, type LiveScope } from './live-scope.ts';

const snaps = (site: string, queues: string[]): SnapshotMessage => ({ type: 'snapshots', site, queues: queues.map((queue) => ({ type: 'kpi', site, queue }) as QueueSnapshot) });
const scope = (s: LiveScope | null): LiveScope => {
  if (s === null) throw new Error('refused');
  return s;
};

describe('subscriptionScope', () => {
  it('narrows the rights to the site asked for, and refuses a site the rights do not cover', () => {
    const kioskA = { sites: ['a'], queues: null };
    expect(subscriptionScope(kioskA, null)?.key).toBe('[["a"],null]');
    expect(subscriptionScope(kioskA, 'a')?.key).toBe('[["a"],null]');
    expect(subscriptionScope(kioskA, 'b')).toBeNull();
    expect(subscriptionScope(ALL_RIGHTS, 'b')?.key).toBe('[["b"],null]');
    expect(subscriptionScope(ALL_RIGHTS, null)?.key).toBe('[null,null]');
    // Not a site id: refused rather than matched against anything.
    expect(subscriptionScope(ALL_RIGHTS, 'a b')).toBeNull();
    expect(subscriptionScope(ALL_RIGHTS, '')).toBeNull();
    // Equal scopes, equal keys, whatever the order the lists came in.
    expect(subscriptionScope({ sites: null, queues: ['102', '101', '101'] }, 'x')?.key).toBe('[["x"],["101","102"]]');
  });

  it('lists the sites a viewer may switch to', () => {
    expect(selectableSites({ sites: ['b', 'a'], queues: null }, ['a', 'b', 'c'])).toEqual(['a', 'b']);
    expect(selectableSites(ALL_RIGHTS, ['c', 'a'])).toEqual(['a', 'c']);
  });
});

describe('cutting messages to a scope', () => {
  const all = scope(subscriptionScope(ALL_RIGHTS, null));
  const siteA = scope(subscriptionScope(ALL_RIGHTS, 'a'));
  const q101 = scope(subscriptionScope({ sites: null, queues: ['101'] }, null));

  it('snapshots: the same message when seen whole, a copy with the visible queues, null when none', () => {
    const m = snaps('a', ['101', '102']);
    expect(scopeSnapshots(m, all)).toBe(m);
    expect(scopeSnapshots(m, siteA)).toBe(m);
    expect(scopeSnapshots(snaps('b', ['101']), siteA)).toBeNull();
    const cut = scopeSnapshots(m, q101);
    expect(cut?.queues.map((q) => q.queue)).toEqual(['101']);
    expect(m.queues).toHaveLength(2);
    expect(scopeSnapshots(snaps('a', ['102']), q101)).toBeNull();
  });

  it('supervisor view: agents logged in to a visible queue, callers and stale calls of visible queues', () => {
    const m: SupervisorMessage = {
      type: 'supervisor', site: 'a', at_ms: 1, data_ts: 1,
      agents: [
        { site: 'a', agent: 'Ana', queues: ['101', '102'], state: 'available', since_s: 1 },
        { site: 'a', agent: 'Luis', queues: ['102'], state: 'on_call', since_s: 1 },
      ] as SupervisorMessage['agents'],
      waiting: [{ site: 'a', queue: '102', callid: 'c1', caller: '70000001', enter_s: 1 }, { site: 'a', queue: '101', callid: 'c2', caller: '70000002', enter_s: 2 }] as SupervisorMessage['waiting'],
      abandoned: [{ site: 'a', queue: '102', callid: 'c3', caller: '70000003', enter_s: 1 }] as SupervisorMessage['abandoned'],
      stale_calls: [],
    };
    expect(scopeSupervisor(m, all)).toBe(m);
    expect(scopeSupervisor(m, scope(subscriptionScope(ALL_RIGHTS, 'b')))).toBeNull();
    const cut = scopeSupervisor(m, q101);
    expect(cut?.agents.map((a) => [a.agent, a.queues])).toEqual([['Ana', ['101']]]);
    expect(cut?.waiting.map((w) => w.callid)).toEqual(['c2']);
    expect(cut?.abandoned).toEqual([]);
  });

  it('alerts by site and queue; other messages by the site or queue they name', () => {
    const alert = { type: 'alert', site: 'a', queue: '102' } as AlertMessage;
    expect([alertVisible(alert, all), alertVisible(alert, siteA), alertVisible(alert, q101)]).toEqual([true, true, false]);
    expect(otherVisible({ type: 'escalations', site: 'b' }, siteA)).toBe(false);
    expect(otherVisible({ type: 'escalations', site: 'a' }, siteA)).toBe(true);
    expect(otherVisible({ type: 'calibration', session_id: 's' }, siteA)).toBe(true);
    expect(otherVisible({ type: 'future', site: 'a', queue: '102' }, q101)).toBe(false);
  });
});

describe('parseSubscribe', () => {
  it.each([
    ['{"type":"subscribe","site":"lpz"}', { site: 'lpz' }],
    ['{"type":"subscribe","site":null}', { site: null }],
    ['{"type":"subscribe"}', { site: null }],
    ['{"type":"subscribe","site":7}', null],
    ['{"type":"ping"}', null],
    ['not json', null],
  ])('%s -> %j', (text, expected) => {
    expect(parseSubscribe(text)).toEqual(expected);
  });
});
