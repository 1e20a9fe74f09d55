import { describe, expect, it } from 'vitest';
import type { AlertMessage } from '@tablero/processor/contract';
import { alertedTiles, foldAlert, isNewRaise } from './alerts.ts';

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
