// Queue alerts (issue #4): a live figure crossing its queue's threshold raises an alert; it
// clears once the figure is back past a hysteresis band AND has stayed there for a hold time.
// Pure: figures and the clock come in as data, state is plain data mutated in place.
//
// Why both a band and a hold: a waiting count that moves between 5 and 6 around a threshold of
// 5 would otherwise raise and clear on every caller; the band alone does not help when the
// figure jumps across it (one long-waiting caller answered, the next one already waiting).
// Raising is immediate: a supervisor wants to know at once, and the band keeps it from repeating.
import type { AlertMessage, AlertMetric } from '../contract.ts';
import type { AlertThresholds } from './settings.ts';

export interface AlertRules {
  /** An SL alert clears when SL >= threshold + this many points (capped at 100). */
  slClearMarginPts: number;
  /** A waiting-count or wait-time alert clears when the figure <= floor(threshold x this). */
  clearRatio: number;
  /** The clear condition must hold this long (ms) before the alert clears. */
  clearHoldMs: number;
}

export const DEFAULT_ALERT_RULES: AlertRules = { slClearMarginPts: 2, clearRatio: 0.8, clearHoldMs: 10_000 };

/** The figures of one queue that alerts watch (from its live snapshot). */
export interface AlertFigures {
  site: string;
  queue: string;
  /** Today's service level (null = no data yet). */
  sl_pct: number | null;
  waiting_now: number;
  longest_current_wait_s: number | null;
  thresholds: AlertThresholds;
}

interface Active {
  alert_id: string;
  site: string;
  queue: string;
  metric: AlertMetric;
  threshold: number;
  raisedAtMs: number;
  raisedValue: number | null;
  peak: number | null;
  /** Since when the clear condition holds without a break; null while it does not. */
  clearSinceMs: number | null;
}

export interface AlertState {
  active: Map<string, Active>;
}

export function createAlertState(): AlertState {
  return { active: new Map() };
}

const THRESHOLD_OF: Record<AlertMetric, keyof AlertThresholds> = {
  sl_pct: 'sl_below_pct',
  waiting_now: 'waiting_above',
  longest_current_wait_s: 'longest_wait_above_s',
};

const key = (site: string, queue: string, metric: AlertMetric): string => `${site}\0${queue}\0${metric}`;

export function alertId(site: string, queue: string, metric: AlertMetric, raisedAtMs: number): string {
  return `${site}|${queue}|${metric}|${raisedAtMs}`;
}

type Level = 'over' | 'band' | 'clear';

/** Where a figure stands against its threshold; SL alerts when low, the others when high. */
export function alertLevel(metric: AlertMetric, value: number | null, threshold: number, rules: AlertRules): Level {
  if (value === null) return 'clear'; // no data (a new day, no caller waiting): nothing to alert on
  if (metric === 'sl_pct') {
    if (value < threshold) return 'over';
    return value >= Math.min(100, threshold + rules.slClearMarginPts) ? 'clear' : 'band';
  }
  if (value > threshold) return 'over';
  return value <= Math.floor(threshold * rules.clearRatio) ? 'clear' : 'band';
}

const worse = (metric: AlertMetric, a: number | null, b: number | null): number | null => {
  if (a === null) return b;
  if (b === null) return a;
  return metric === 'sl_pct' ? Math.min(a, b) : Math.max(a, b);
};

function message(a: Active, state: 'raised' | 'cleared', clearedValue: number | null, clearedAtMs: number | null): AlertMessage {
  return {
    type: 'alert', state, alert_id: a.alert_id, site: a.site, queue: a.queue, metric: a.metric, threshold: a.threshold,
    raised_value: a.raisedValue, cleared_value: clearedValue, peak_value: a.peak, raised_at_ms: a.raisedAtMs, cleared_at_ms: clearedAtMs,
  };
}

/** Applies the figures of one moment; returns the alerts that were raised or cleared by it. */
export function evaluateAlerts(state: AlertState, figures: AlertFigures[], rules: AlertRules, nowMs: number): AlertMessage[] {
  const out: AlertMessage[] = [];
  for (const f of figures) {
    const values: Record<AlertMetric, number | null> = { sl_pct: f.sl_pct, waiting_now: f.waiting_now, longest_current_wait_s: f.longest_current_wait_s };
    for (const metric of Object.keys(THRESHOLD_OF) as AlertMetric[]) {
      const threshold = f.thresholds[THRESHOLD_OF[metric]];
      const value = values[metric];
      const k = key(f.site, f.queue, metric);
      const a = state.active.get(k);
      if (!a) {
        if (threshold !== null && alertLevel(metric, value, threshold, rules) === 'over') {
          const raised: Active = {
            alert_id: alertId(f.site, f.queue, metric, nowMs), site: f.site, queue: f.queue, metric, threshold,
            raisedAtMs: nowMs, raisedValue: value, peak: value, clearSinceMs: null,
          };
          state.active.set(k, raised);
          out.push(message(raised, 'raised', null, null));
        }
        continue;
      }
      if (threshold === null) {
        // The alert was switched off in the settings: nothing is being watched any more.
        state.active.delete(k);
        out.push(message(a, 'cleared', value, nowMs));
        continue;
      }
      a.threshold = threshold; // an edited threshold applies from now on
      const level = alertLevel(metric, value, threshold, rules);
      if (level !== 'clear') {
        a.peak = worse(metric, a.peak, value);
        a.clearSinceMs = null;
        continue;
      }
      a.clearSinceMs ??= nowMs;
      if (nowMs - a.clearSinceMs >= rules.clearHoldMs) {
        state.active.delete(k);
        out.push(message(a, 'cleared', value, nowMs));
      }
    }
  }
  return out;
}

/** Takes back an alert still open in storage (after a restart) so it clears instead of repeating. */
export function restoreAlert(state: AlertState, m: AlertMessage): void {
  state.active.set(key(m.site, m.queue, m.metric), {
    alert_id: m.alert_id, site: m.site, queue: m.queue, metric: m.metric, threshold: m.threshold,
    raisedAtMs: m.raised_at_ms, raisedValue: m.raised_value, peak: m.peak_value, clearSinceMs: null,
  });
}

/** Alerts raised and not cleared, as `raised` messages (for late joiners and tests). */
export function activeAlerts(state: AlertState): AlertMessage[] {
  return [...state.active.values()].map((a) => message(a, 'raised', null, null));
}
