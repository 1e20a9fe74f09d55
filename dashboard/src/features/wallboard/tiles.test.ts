import { describe, expect, it } from 'vitest';
import { figures, snapshot } from '../../lib/snapshot-fixture.ts';
import { abandonTone, buildTiles, formatTileValue, METRICS, slTone, waitTone, withAlerts, type TileModel } from './tiles.ts';

describe('buildTiles', () => {
  it('turns a snapshot into the thirteen tiles, in order, with live and today figures', () => {
    expect(buildTiles(snapshot())).toEqual<TileModel[]>([
      { metric: 'waiting', kind: 'count', window: 'live', value: 3, tone: 'warn' },
      { metric: 'longest-wait', kind: 'duration', window: 'live', value: 34, tone: 'warn' },
      { metric: 'sl', kind: 'pct', window: 'today', value: 75, tone: 'warn' },
      { metric: 'offered', kind: 'count', window: 'today', value: 120, tone: 'neutral' },
      { metric: 'answered', kind: 'count', window: 'today', value: 100, tone: 'neutral' },
      { metric: 'abandoned', kind: 'count', window: 'today', value: 15, tone: 'neutral' },
      { metric: 'abandon-rate', kind: 'pct', window: 'today', value: 12.5, tone: 'bad' },
      { metric: 'asa', kind: 'duration', window: 'today', value: 18.25, tone: 'ok' },
      { metric: 'agents-available', kind: 'count', window: 'live', value: 2, tone: 'neutral' },
      { metric: 'agents-on-call', kind: 'count', window: 'live', value: 7, tone: 'neutral' },
      { metric: 'agents-paused', kind: 'count', window: 'live', value: 3, tone: 'neutral' },
      { metric: 'at-risk', kind: 'count', window: 'live', value: 1, tone: 'warn' },
      { metric: 'needed', kind: 'count', window: 'today', value: 30, tone: 'warn' },
    ]);
    expect(buildTiles(snapshot()).map((t) => t.metric)).toEqual([...METRICS]);
  });

  it('answers needed and calls at risk: 0 is good, null (older producer or no data) is no data', () => {
    const by = (over: Parameters<typeof snapshot>[0]): Map<string, TileModel> => new Map(buildTiles(snapshot(over)).map((t) => [t.metric, t]));
    const met = by({ answers_needed: 0, calls_at_risk: 0 });
    expect([met.get('needed')?.tone, met.get('at-risk')?.tone]).toEqual(['ok', 'ok']);
    const none = by({ answers_needed: null, calls_at_risk: undefined });
    expect([none.get('needed')?.value, none.get('needed')?.tone, none.get('at-risk')?.value, none.get('at-risk')?.tone]).toEqual([null, 'none', null, 'none']);
  });

  it('shows an empty queue as a 0 s longest wait, not as no data', () => {
    const tiles = buildTiles(snapshot({ waiting_now: 0, longest_current_wait_s: null }));
    expect(tiles.slice(0, 2)).toEqual([
      { metric: 'waiting', kind: 'count', window: 'live', value: 0, tone: 'ok' },
      { metric: 'longest-wait', kind: 'duration', window: 'live', value: 0, tone: 'ok' },
    ]);
  });

  it('keeps ratios without a denominator as null (no data) and marks them so', () => {
    const s = snapshot({
      windows: {
        ...snapshot().windows,
        today: figures({ offered: 0, answered: 0, abandoned: 0, sl_pct: null, abandon_rate_pct: null, asa_s: null }),
      },
    });
    const byMetric = new Map(buildTiles(s).map((t) => [t.metric, t]));
    expect(byMetric.get('sl')).toEqual({ metric: 'sl', kind: 'pct', window: 'today', value: null, tone: 'none' });
    expect(byMetric.get('abandon-rate')?.tone).toBe('none');
    expect(byMetric.get('asa')?.tone).toBe('none');
    expect(byMetric.get('offered')?.value).toBe(0);
  });

  it('turns "agents available" red when callers wait and nobody is free', () => {
    const tile = (waiting: number, available: number) =>
      buildTiles(snapshot({ waiting_now: waiting, agents: { logged_in: 5, available, on_call: 5 - available, paused: 0 } })).find(
        (t) => t.metric === 'agents-available',
      )?.tone;
    expect(tile(2, 0)).toBe('bad');
    expect(tile(0, 0)).toBe('neutral');
    expect(tile(2, 1)).toBe('neutral');
  });

  it('judges waits against the queue threshold T', () => {
    const s = snapshot({ definition: { ...snapshot().definition, threshold_s: 60 } });
    const longest = buildTiles(s).find((t) => t.metric === 'longest-wait');
    expect(longest?.tone).toBe('ok');
  });
});

describe('slTone', () => {
  it.each([
    [80, 80, 'ok'],
    [100, 80, 'ok'],
    [79.99, 80, 'warn'],
    [70, 80, 'warn'],
    [69.99, 80, 'bad'],
    [0, 80, 'bad'],
    [null, 80, 'none'],
  ] as const)('SL %j with target %d -> %s', (sl, target, tone) => {
    expect(slTone(sl, target)).toBe(tone);
  });
});

describe('waitTone', () => {
  it.each([
    [0, 20, 'ok'],
    [20, 20, 'ok'],
    [20.01, 20, 'warn'],
    [40, 20, 'warn'],
    [40.01, 20, 'bad'],
    [null, 20, 'none'],
  ] as const)('wait %j with T %d -> %s', (wait, t, tone) => {
    expect(waitTone(wait, t)).toBe(tone);
  });
});

describe('abandonTone', () => {
  it.each([
    [0, 'ok'],
    [5, 'ok'],
    [5.01, 'warn'],
    [10, 'warn'],
    [10.01, 'bad'],
    [null, 'none'],
  ] as const)('rate %j -> %s', (rate, tone) => {
    expect(abandonTone(rate)).toBe(tone);
  });

  it('follows other thresholds', () => {
    expect(abandonTone(3, { sl_warn_band_pts: 10, abandon_ok_pct: 2, abandon_warn_pct: 3, wait_warn_factor: 2 })).toBe('warn');
  });
});

describe('formatTileValue', () => {
  it.each([
    ['es-BO', 'count', 1234, '1.234'],
    ['en', 'count', 1234, '1,234'],
    ['es-CO', 'pct', 84.62, '84,6%'],
    ['en', 'pct', 84.62, '84.6%'],
    ['es-BO', 'pct', null, '—'],
    ['en', 'duration', 18.25, '18 s'],
    ['en', 'duration', 95, '1:35'],
    ['es-BO', 'duration', null, '—'],
  ] as const)('%s %s %j -> %s', (locale, kind, value, expected) => {
    expect(formatTileValue(locale, { kind, value })).toBe(expected);
  });
});

describe('withAlerts', () => {
  it('turns alerted tiles red and marks them, leaving the others as they were', () => {
    const tiles = [
      { metric: 'waiting', kind: 'count', window: 'live', value: 1, tone: 'ok' },
      { metric: 'sl', kind: 'pct', window: 'today', value: 90, tone: 'ok' },
    ] as const;
    expect(withAlerts(tiles, new Set(['sl']))).toEqual([
      tiles[0],
      { metric: 'sl', kind: 'pct', window: 'today', value: 90, tone: 'bad', alert: true },
    ]);
  });
});
