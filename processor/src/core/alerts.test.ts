import { describe, expect, it } from 'vitest';
import type { AlertMetric } from '../contract.ts';
import { activeAlerts, alertLevel, createAlertState, DEFAULT_ALERT_RULES, evaluateAlerts, restoreAlert, type AlertFigures } from './alerts.ts';
import type { AlertThresholds } from './settings.ts';

const rules = DEFAULT_ALERT_RULES; // SL band 2 points, counts clear at floor(0.8 T), hold 10 s
const OFF: AlertThresholds = { sl_below_pct: null, waiting_above: null, longest_wait_above_s: null };

describe('alertLevel (thresholds and hysteresis bands)', () => {
  it.each<[AlertMetric, number | null, number, 'over' | 'band' | 'clear']>([
    ['sl_pct', 79.99, 80, 'over'],
    ['sl_pct', 80, 80, 'band'], // at the threshold: not below it, but not 2 points above either
    ['sl_pct', 81.99, 80, 'band'],
    ['sl_pct', 82, 80, 'clear'],
    ['sl_pct', 99.5, 99, 'band'],
    ['sl_pct', 100, 99, 'clear'], // the band is capped at 100
    ['sl_pct', 100, 100, 'clear'],
    ['sl_pct', null, 80, 'clear'], // no data is not an alert
    ['waiting_now', 6, 5, 'over'],
    ['waiting_now', 5, 5, 'band'], // "above" is strict
    ['waiting_now', 5, 6, 'band'],
    ['waiting_now', 4, 5, 'clear'], // floor(5 x 0.8) = 4
    ['waiting_now', 1, 0, 'over'],
    ['waiting_now', 0, 0, 'clear'],
    ['waiting_now', 1, 1, 'band'],
    ['waiting_now', 0, 1, 'clear'],
    ['longest_current_wait_s', 61, 60, 'over'],
    ['longest_current_wait_s', 49, 60, 'band'],
    ['longest_current_wait_s', 48, 60, 'clear'],
    ['longest_current_wait_s', null, 60, 'clear'],
  ])('%s = %s against %s -> %s', (metric, value, threshold, level) => {
    expect(alertLevel(metric, value, threshold, rules)).toBe(level);
  });
});

/** One step: wall-clock ms and the figure of the watched metric; expected state changes. */
type Step = [atMs: number, value: number | null, expected: Array<'raised' | 'cleared'>];

function run(metric: AlertMetric, thresholds: Partial<AlertThresholds>, steps: Step[]): void {
  const state = createAlertState();
  for (const [at, value, expected] of steps) {
    const f: AlertFigures = {
      site: 's', queue: 'q', sl_pct: null, waiting_now: 0, longest_current_wait_s: null, thresholds: { ...OFF, ...thresholds },
      [metric]: value ?? (metric === 'waiting_now' ? 0 : null),
    };
    expect(evaluateAlerts(state, [f], rules, at).map((m) => m.state), `at ${at} ms, value ${value}`).toEqual(expected);
  }
}

describe('evaluateAlerts: raise at once, clear after the band held 10 s', () => {
  it.each<[string, AlertMetric, Partial<AlertThresholds>, Step[]]>([
    ['waiting count oscillating around its threshold raises once', 'waiting_now', { waiting_above: 5 }, [
      [0, 5, []], [1_000, 6, ['raised']], [2_000, 5, []], [3_000, 6, []], [4_000, 5, []], [5_000, 7, []],
    ]],
    ['back in the band never clears; back under it clears only after the hold', 'waiting_now', { waiting_above: 5 }, [
      [0, 6, ['raised']], [1_000, 5, []], [30_000, 5, []], [31_000, 4, []], [40_999, 4, []], [41_000, 4, ['cleared']], [42_000, 4, []],
    ]],
    ['a jump back over the threshold during the hold restarts it', 'waiting_now', { waiting_above: 5 }, [
      [0, 6, ['raised']], [1_000, 0, []], [9_000, 9, []], [10_000, 0, []], [19_999, 0, []], [20_000, 0, ['cleared']], [21_000, 6, ['raised']],
    ]],
    ['SL below target raises; clears at threshold + 2 points after the hold', 'sl_pct', { sl_below_pct: 80 }, [
      [0, 100, []], [1_000, 75, ['raised']], [2_000, 81.5, []], [20_000, 81.99, []], [21_000, 82, []], [31_000, 90, ['cleared']],
    ]],
    ['SL with no data (new day) clears after the hold', 'sl_pct', { sl_below_pct: 80 }, [
      [0, 50, ['raised']], [5_000, null, []], [15_000, null, ['cleared']],
    ]],
    ['longest current wait', 'longest_current_wait_s', { longest_wait_above_s: 60 }, [
      [0, 60, []], [1_000, 61, ['raised']], [2_000, 120, []], [3_000, 49, []], [4_000, 48, []], [14_000, null, ['cleared']],
    ]],
    ['a disabled threshold never raises', 'waiting_now', {}, [[0, 100, []], [1_000, 1_000, []]]],
  ])('%s', (_name, metric, thresholds, steps) => run(metric, thresholds, steps));

  it('messages carry queue, metric, value, peak, threshold and both times; one id for raise and clear', () => {
    const state = createAlertState();
    const fig = (waiting: number, sl: number | null): AlertFigures => ({
      site: 'lpz', queue: '101', sl_pct: sl, waiting_now: waiting, longest_current_wait_s: null,
      thresholds: { sl_below_pct: 80, waiting_above: 3, longest_wait_above_s: null },
    });
    const t0 = 1_762_700_000_000;
    expect(evaluateAlerts(state, [fig(4, 79)], rules, t0)).toEqual([
      { type: 'alert', state: 'raised', alert_id: `lpz|101|sl_pct|${t0}`, site: 'lpz', queue: '101', metric: 'sl_pct', threshold: 80, raised_value: 79, cleared_value: null, peak_value: 79, raised_at_ms: t0, cleared_at_ms: null },
      { type: 'alert', state: 'raised', alert_id: `lpz|101|waiting_now|${t0}`, site: 'lpz', queue: '101', metric: 'waiting_now', threshold: 3, raised_value: 4, cleared_value: null, peak_value: 4, raised_at_ms: t0, cleared_at_ms: null },
    ]);
    expect(evaluateAlerts(state, [fig(9, 60)], rules, t0 + 1_000)).toEqual([]);
    expect(evaluateAlerts(state, [fig(2, 70)], rules, t0 + 2_000)).toEqual([]);
    expect(activeAlerts(state).map((a) => [a.metric, a.raised_value, a.peak_value])).toEqual([['sl_pct', 79, 60], ['waiting_now', 4, 9]]);
    expect(evaluateAlerts(state, [fig(1, 70)], rules, t0 + 12_000)).toEqual([
      { type: 'alert', state: 'cleared', alert_id: `lpz|101|waiting_now|${t0}`, site: 'lpz', queue: '101', metric: 'waiting_now', threshold: 3, raised_value: 4, cleared_value: 1, peak_value: 9, raised_at_ms: t0, cleared_at_ms: t0 + 12_000 },
    ]);
  });

  it('switching a threshold off clears its alert at once; an edited threshold applies from then on', () => {
    const state = createAlertState();
    const fig = (t: number | null, waiting: number): AlertFigures => ({ site: 's', queue: 'q', sl_pct: null, waiting_now: waiting, longest_current_wait_s: null, thresholds: { ...OFF, waiting_above: t } });
    expect(evaluateAlerts(state, [fig(5, 6)], rules, 0).map((m) => m.state)).toEqual(['raised']);
    expect(evaluateAlerts(state, [fig(10, 6)], rules, 1_000)).toEqual([]); // 6 <= floor(10 x 0.8): clear condition starts
    expect(evaluateAlerts(state, [fig(10, 6)], rules, 11_000).map((m) => [m.state, m.threshold])).toEqual([['cleared', 10]]);
    expect(evaluateAlerts(state, [fig(5, 6)], rules, 12_000).map((m) => m.state)).toEqual(['raised']);
    expect(evaluateAlerts(state, [fig(null, 6)], rules, 13_000).map((m) => [m.state, m.cleared_at_ms])).toEqual([['cleared', 13_000]]);
  });

  it('an alert restored after a restart is cleared, not raised again', () => {
    const state = createAlertState();
    restoreAlert(state, {
      type: 'alert', state: 'raised', alert_id: 's|q|waiting_now|500', site: 's', queue: 'q', metric: 'waiting_now',
      threshold: 5, raised_value: 6, cleared_value: null, peak_value: 8, raised_at_ms: 500, cleared_at_ms: null,
    });
    const fig = (waiting: number): AlertFigures => ({ site: 's', queue: 'q', sl_pct: null, waiting_now: waiting, longest_current_wait_s: null, thresholds: { ...OFF, waiting_above: 5 } });
    expect(evaluateAlerts(state, [fig(7)], rules, 1_000)).toEqual([]);
    expect(evaluateAlerts(state, [fig(0)], rules, 2_000)).toEqual([]);
    expect(evaluateAlerts(state, [fig(0)], rules, 12_000)).toEqual([
      { type: 'alert', state: 'cleared', alert_id: 's|q|waiting_now|500', site: 's', queue: 'q', metric: 'waiting_now', threshold: 5, raised_value: 6, cleared_value: 0, peak_value: 8, raised_at_ms: 500, cleared_at_ms: 12_000 },
    ]);
  });
});
