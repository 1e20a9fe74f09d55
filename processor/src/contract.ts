// The live KPI snapshot contract that the processor publishes and the dashboard consumes.
// Types and constants only: consumers import this file and nothing else of @tablero/processor.
// Field names are snake_case and equal the ClickHouse column names where a column exists.

/** Core NATS subject (not persisted) carrying live snapshots: `kpi.queue.<site>`. */
export const KPI_SUBJECT_PREFIX = 'kpi.queue';
export const KPI_SUBJECT_WILDCARD = 'kpi.>';
export function kpiSubject(site: string): string {
  return `${KPI_SUBJECT_PREFIX}.${site}`;
}

export const SL_FORMULAS = [
  'offered',
  'answered',
  'answered_abandoned',
  'abandon_after_threshold',
  'in_threshold_outcomes',
] as const;
export type SlFormula = (typeof SL_FORMULAS)[number];

export const OUTCOMES = [
  'answered', 'abandoned', 'timeout', 'exit_key', 'exit_empty', 'withdrawn', 'failed', 'refused',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The settings that produced a figure; every tile and export prints them. */
export interface Definition {
  formula: SlFormula;
  threshold_s: number;
  strict: boolean;
  short_abandon_s: number;
  tz: string;
}

/** Counts and ratios of one queue over one window (kpi-definitions §3, §4). */
export interface KpiFigures {
  offered: number;
  answered: number;
  answered_within: number;
  unanswered: number;
  abandoned: number;
  timeout: number;
  exit_key: number;
  exit_empty: number;
  withdrawn: number;
  failed: number;
  refused: number;
  short_abandoned: number;
  out_of_hours: number;
  sl_pct: number | null;
  abandon_rate_pct: number | null;
  unanswered_rate_pct: number | null;
  asa_s: number | null;
  avg_abandon_wait_s: number | null;
  aht_s: number | null;
  longest_wait_s: number | null;
}

/** One row of `tablero kpis --json` and `GET /api/kpis` (docs/interfaces.md). */
export interface KpiRow extends KpiFigures {
  queue: string;
  period: string;
  definition: Definition;
}

export const LIVE_WINDOWS = ['today', 'interval', 'last_60m'] as const;
export type LiveWindow = (typeof LIVE_WINDOWS)[number];

export interface AgentCounts {
  logged_in: number;
  available: number;
  on_call: number;
  paused: number;
}

/** A live snapshot of one queue, published at most every 250 ms when something changed and at least every 5 s. */
export interface QueueSnapshot {
  type: 'kpi';
  site: string;
  queue: string;
  /** Epoch milliseconds when the snapshot was computed. */
  at_ms: number;
  /** Epoch seconds of the newest event applied (the data's own clock). */
  data_ts: number;
  definition: Definition;
  target_pct: number;
  windows: Record<LiveWindow, KpiFigures>;
  waiting_now: number;
  longest_current_wait_s: number | null;
  talking_now: number;
  agents: AgentCounts;
  /** Service level today, one point per closed 15-minute interval plus the current one. */
  sl_series: Array<{ start_s: number; sl_pct: number | null; offered: number }>;
}

/** Every live message carries a `type`; the dashboard fans them out to WebSocket clients as-is. */
export interface SnapshotMessage {
  type: 'snapshots';
  site: string;
  queues: QueueSnapshot[];
}

// ---- Alerts (additive) ----

/** The live figures an alert watches: today's SL, callers waiting now, longest current wait. */
export const ALERT_METRICS = ['sl_pct', 'waiting_now', 'longest_current_wait_s'] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];

/**
 * An alert changed state, published on `kpi.queue.<site>` next to the snapshots (not paced:
 * at once). `raised`: the figure crossed its threshold; `cleared`: it came back past the
 * hysteresis band and stayed there for the hold time. Stored in the `alerts` table.
 */
export interface AlertMessage {
  type: 'alert';
  state: 'raised' | 'cleared';
  /** `<site>|<queue>|<metric>|<raised_at_ms>`: the same id on the raised and the cleared message. */
  alert_id: string;
  site: string;
  queue: string;
  metric: AlertMetric;
  /** The queue's alert threshold for this metric (sl_below_pct, waiting_above, longest_wait_above_s). */
  threshold: number;
  /** The figure when raised. */
  raised_value: number | null;
  /** The figure when cleared (null while raised, or no data, e.g. SL of a new day). */
  cleared_value: number | null;
  /** Worst figure seen while raised. */
  peak_value: number | null;
  /** Epoch milliseconds (processor wall clock). */
  raised_at_ms: number;
  cleared_at_ms: number | null;
}
