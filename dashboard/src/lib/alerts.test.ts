import { describe, expect, it } from 'vitest';
import type { AlertMessage } from '@tablero/processor/contract';
import { alertedTiles, bannerAlerts, foldAlert, isNewRaise, logAlert } from './alerts.ts';
import { snapshotKey } from './live-messages.ts';
import { figures, snapshot } from './snapshot-fixture.ts';

function alert(id: string, state: 'raised' | 'cleared', raisedAt = 100_000, queue = '101', metric: AlertMessage['metric'] = 'waiting_now'): AlertMessage {
  return {
    type: 'alert', state, alert_id: id, site: 'lpz', queue, metric, threshold: 3, raised_value: 4,
    cleared_value: null, peak_value: 4, raised_at_ms: raisedAt, cleared_at_ms: state === 'cleared' ? raisedAt + 1 : null,
  };
}

describe('foldAlert', () => {
  it('adds raised alerts and removes cleared ones without mutating', () => {
    const empty = new Map<string, AlertMessage>();
    const one = foldAlert(empty, alert('a', 'raised'));
    expect([...one.keys()]).toEqual(['a']);
    expect(empty.size).toBe(0);
    expect([...foldAlert(one, alert('a', 'cleared')).keys()]).toEqual([]);
    expect([...foldAlert(one, alert('b', 'cleared')).keys()]).toEqual(['a']);
  });
});

describe('isNewRaise', () => {
  const active = new Map([['old', alert('old', 'raised')]]);
  it.each([
    ['a new alert raised after the hello', alert('n', 'raised', 100_000), 95_000, true],
    ['raised 10 s before the hello', alert('n', 'raised', 85_000), 95_000, true],
    ['raised 11 s before the hello (the server repeats it on connect)', alert('n', 'raised', 84_000), 95_000, false],
    ['already active', alert('old', 'raised', 100_000), 95_000, false],
    ['a clear', alert('n', 'cleared', 100_000), 95_000, false],
    ['no hello yet', alert('n', 'raised', 1), null, true],
  ])('%s -> %s', (_name, msg, hello, out) => {
    expect(isNewRaise(active, msg, hello)).toBe(out);
  });
});

describe('alertedTiles', () => {
  it('maps the metrics of one queue to their tiles', () => {
    const active = new Map([
      ['a', alert('a', 'raised', 1, '101', 'sl_pct')],
      ['b', alert('b', 'raised', 1, '101', 'longest_current_wait_s')],
      ['c', alert('c', 'raised', 1, '102', 'waiting_now')],
    ]);
    expect([...alertedTiles(active, 'lpz', '101')].sort()).toEqual(['longest-wait', 'sl']);
    expect([...alertedTiles(active, 'bog', '101')]).toEqual([]);
  });
});

describe('logAlert (one entry per alert_id: the server repeats raised alerts after every hello)', () => {
  const ids = (log: readonly AlertMessage[]): string[] => log.map((a) => `${a.alert_id}:${a.state}`);
  it('a repeated raise after a reconnect replaces its entry instead of adding one', () => {
    let log = logAlert([], alert('a', 'raised'), 50);
    log = logAlert(log, alert('b', 'raised'), 50);
    // reconnect: the server sends both raised alerts again
    log = logAlert(log, alert('a', 'raised'), 50);
    log = logAlert(log, alert('b', 'raised'), 50);
    expect(ids(log)).toEqual(['b:raised', 'a:raised']);
  });
  it('a clear moves its alert to the top as cleared; a late repeat of its raise is ignored', () => {
    let log = logAlert([alert('b', 'raised'), alert('a', 'raised')], alert('a', 'cleared'), 50);
    expect(ids(log)).toEqual(['a:cleared', 'b:raised']);
    log = logAlert(log, alert('a', 'raised'), 50);
    expect(ids(log)).toEqual(['a:cleared', 'b:raised']);
  });
  it('keeps at most max entries, newest first', () => {
    let log: AlertMessage[] = [];
    for (const id of ['a', 'b', 'c']) log = logAlert(log, alert(id, 'raised'), 2);
    expect(ids(log)).toEqual(['c:raised', 'b:raised']);
  });
});

describe('bannerAlerts (the figure now, gone once it recovered)', () => {
  const a = (metric: AlertMessage['metric'], threshold: number): AlertMessage => ({ ...alert(`lpz|101|${metric}|1`, 'raised', 1, '101', metric), threshold });
  const snaps = (over: Parameters<typeof snapshot>[0]): Map<string, ReturnType<typeof snapshot>> => new Map([[snapshotKey('lpz', '101'), snapshot(over)]]);
  it.each<[string, AlertMessage, Parameters<typeof snapshot>[0], number | null]>([
    ['waiting still above: its current value', a('waiting_now', 1), { waiting_now: 3 }, 3],
    ['waiting back to 0: gone', a('waiting_now', 1), { waiting_now: 0 }, null],
    ['waiting at the threshold: gone (alerts above it)', a('waiting_now', 1), { waiting_now: 1 }, null],
    ['SL under its threshold: its current value', a('sl_pct', 70), { windows: { today: figures({ sl_pct: 62.5 }), interval: figures(), last_60m: figures() } }, 62.5],
    ['SL at the threshold: gone', a('sl_pct', 70), { windows: { today: figures({ sl_pct: 70 }), interval: figures(), last_60m: figures() } }, null],
    ['longest wait above', a('longest_current_wait_s', 60), { waiting_now: 2, longest_current_wait_s: 75 }, 75],
    ['nobody waiting: longest wait 0, gone', a('longest_current_wait_s', 60), { waiting_now: 0, longest_current_wait_s: 75 }, null],
  ])('%s', (_name, al, over, value) => {
    const out = bannerAlerts(new Map([[al.alert_id, al]]), snaps(over), snapshotKey);
    expect(out.map((b) => b.value)).toEqual(value === null ? [] : [value]);
  });
});
