import { describe, expect, it } from 'vitest';
import type { AlertMessage, QueueSnapshot } from '@tablero/processor/contract';
import { LiveState, decodeLiveMessage, type LiveMessage } from './live-state.ts';

function snap(site: string, queue: string, at_ms: number): QueueSnapshot {
  const figures = {
    offered: 0, answered: 0, answered_within: 0, unanswered: 0, abandoned: 0, timeout: 0, exit_key: 0,
    exit_empty: 0, withdrawn: 0, failed: 0, refused: 0, short_abandoned: 0, out_of_hours: 0, sl_pct: null,
    abandon_rate_pct: null, unanswered_rate_pct: null, asa_s: null, avg_abandon_wait_s: null, aht_s: null,
    longest_wait_s: null,
  };
  return {
    type: 'kpi', site, queue, at_ms, data_ts: 0,
    definition: { formula: 'offered', threshold_s: 20, strict: false, short_abandon_s: 0, tz: 'America/La_Paz' },
    target_pct: 80, windows: { today: figures, interval: figures, last_60m: figures },
    waiting_now: 0, longest_current_wait_s: null, talking_now: 0,
    agents: { logged_in: 0, available: 0, on_call: 0, paused: 0 }, sl_series: [],
  };
}

describe('decodeLiveMessage', () => {
  it.each(['', 'not json', '[]', '"x"', '{"type":3}', '{}', 'null'])('drops %j', (text) => {
    expect(decodeLiveMessage(text)).toBeNull();
  });
  it('keeps an object with a string type', () => {
    expect(decodeLiveMessage('{"type":"alert","queue":"101"}')).toEqual({ type: 'alert', queue: '101' });
  });
});

describe('LiveState', () => {
  it('keeps the newest snapshot per site and queue, sorted', () => {
    const s = new LiveState();
    expect(s.apply({ type: 'snapshots', site: 'lpz', queues: [snap('lpz', '200', 1), snap('lpz', '100', 1)] })).toBe(true);
    expect(s.apply({ type: 'snapshots', site: 'bog', queues: [snap('bog', '100', 2)] })).toBe(true);
    expect(s.apply({ type: 'snapshots', site: 'lpz', queues: [snap('lpz', '200', 3)] })).toBe(true);
    expect(s.apply({ type: 'alert', site: 'lpz' })).toBe(false);
    expect(s.current()).toEqual([
      { type: 'snapshots', site: 'bog', queues: [snap('bog', '100', 2)] },
      { type: 'snapshots', site: 'lpz', queues: [snap('lpz', '100', 1), snap('lpz', '200', 3)] },
    ]);
  });

  it('ignores snapshot messages without a site or with queues lacking a name', () => {
    const s = new LiveState();
    expect(s.apply({ type: 'snapshots', queues: [snap('x', '1', 1)] })).toBe(false);
    expect(s.apply({ type: 'snapshots', site: 'x', queues: [{ at_ms: 1 }] })).toBe(false);
    expect(s.current()).toEqual([]);
  });
});

describe('LiveState alerts', () => {
  function alert(id: string, state: 'raised' | 'cleared'): LiveMessage {
    const m: AlertMessage = {
      type: 'alert', state, alert_id: id, site: 'lpz', queue: '101', metric: 'waiting_now', threshold: 3,
      raised_value: 4, cleared_value: state === 'cleared' ? 1 : null, peak_value: 4, raised_at_ms: 10, cleared_at_ms: state === 'cleared' ? 20 : null,
    };
    return { ...m };
  }

  it('keeps raised alerts after the snapshots until they are cleared', () => {
    const s = new LiveState();
    s.apply({ type: 'snapshots', site: 'lpz', queues: [snap('lpz', '101', 1)] });
    expect(s.apply(alert('a', 'raised'))).toBe(true);
    expect(s.apply(alert('b', 'raised'))).toBe(true);
    expect(s.current()).toEqual([{ type: 'snapshots', site: 'lpz', queues: [snap('lpz', '101', 1)] }, alert('a', 'raised'), alert('b', 'raised')]);
    expect(s.apply(alert('a', 'cleared'))).toBe(true);
    expect(s.apply(alert('a', 'cleared'))).toBe(false);
    expect(s.current().slice(1)).toEqual([alert('b', 'raised')]);
  });
});
