// The wallboard's figures for one queue and the colour each one earns. Pure: a snapshot in,
// tile models out; the components only format and draw them.

import type { QueueSnapshot } from '@tablero/processor/contract';
import { formatCount, formatDuration, formatPct, type Locale } from '../../lib/format.ts';

/** Order of the tiles on a card; also the `<metric>` of `data-testid="tile-<metric>-<queue>"`. */
export const METRICS = [
  'waiting',
  'longest-wait',
  'sl',
  'offered',
  'answered',
  'abandoned',
  'abandon-rate',
  'asa',
  'agents-available',
  'agents-on-call',
  'agents-paused',
  'at-risk',
  'needed',
] as const;
export type Metric = (typeof METRICS)[number];

/** The three figures a room reads first, drawn largest (the layout's size rule applies to them). */
export const HEADLINE: ReadonlySet<Metric> = new Set<Metric>(['waiting', 'longest-wait', 'sl']);

/** A count where 0 is the good case and more asks for action (calls at risk, answers needed). */
export function countTone(n: number | null): Tone {
  if (n === null) return 'none';
  return n === 0 ? 'ok' : 'warn';
}

/** ok = target met, warn = slightly off, bad = act now, neutral = a count without a target, none = no data. */
export type Tone = 'ok' | 'warn' | 'bad' | 'neutral' | 'none';
export type ValueKind = 'count' | 'pct' | 'duration';
/** `live`: the state right now; `today`: since the start of the site's day. */
export type TileWindow = 'live' | 'today';

export interface TileModel {
  metric: Metric;
  kind: ValueKind;
  window: TileWindow;
  value: number | null;
  tone: Tone;
  /** An alert of the queue's own thresholds is raised on this figure. */
  alert?: boolean;
}

/**
 * Colour limits. The snapshot carries only the service-level target and threshold; until queues
 * carry their own alert limits, these defaults apply to every queue.
 */
export interface Thresholds {
  /** SL at most this many points under target is amber; further under is red. */
  sl_warn_band_pts: number;
  /** Abandonment rate up to this % is green, up to `abandon_warn_pct` amber, above red. */
  abandon_ok_pct: number;
  abandon_warn_pct: number;
  /** Waits (longest, ASA) up to T are green, up to T x factor amber, above red. */
  wait_warn_factor: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  sl_warn_band_pts: 10,
  abandon_ok_pct: 5,
  abandon_warn_pct: 10,
  wait_warn_factor: 2,
};

export function slTone(slPct: number | null, targetPct: number, th: Thresholds = DEFAULT_THRESHOLDS): Tone {
  if (slPct === null) return 'none';
  if (slPct >= targetPct) return 'ok';
  if (slPct >= targetPct - th.sl_warn_band_pts) return 'warn';
  return 'bad';
}

/** A wait against the service-level threshold T: within T ok, up to factor x T warn, beyond bad. */
export function waitTone(waitS: number | null, thresholdS: number, th: Thresholds = DEFAULT_THRESHOLDS): Tone {
  if (waitS === null) return 'none';
  if (waitS <= thresholdS) return 'ok';
  if (waitS <= thresholdS * th.wait_warn_factor) return 'warn';
  return 'bad';
}

export function abandonTone(ratePct: number | null, th: Thresholds = DEFAULT_THRESHOLDS): Tone {
  if (ratePct === null) return 'none';
  if (ratePct <= th.abandon_ok_pct) return 'ok';
  if (ratePct <= th.abandon_warn_pct) return 'warn';
  return 'bad';
}

export function buildTiles(s: QueueSnapshot, th: Thresholds = DEFAULT_THRESHOLDS): TileModel[] {
  const t = s.definition.threshold_s;
  const today = s.windows.today;
  // Nobody waiting is the best case, not "no data": the longest current wait is then 0.
  const longest = s.waiting_now === 0 ? 0 : s.longest_current_wait_s;
  const queueTone = waitTone(longest, t, th);
  const tiles: Record<Metric, Omit<TileModel, 'metric'>> = {
    waiting: { kind: 'count', window: 'live', value: s.waiting_now, tone: queueTone },
    'longest-wait': { kind: 'duration', window: 'live', value: longest, tone: queueTone },
    sl: { kind: 'pct', window: 'today', value: today.sl_pct, tone: slTone(today.sl_pct, s.target_pct, th) },
    offered: { kind: 'count', window: 'today', value: today.offered, tone: 'neutral' },
    answered: { kind: 'count', window: 'today', value: today.answered, tone: 'neutral' },
    abandoned: { kind: 'count', window: 'today', value: today.abandoned, tone: 'neutral' },
    'abandon-rate': {
      kind: 'pct',
      window: 'today',
      value: today.abandon_rate_pct,
      tone: abandonTone(today.abandon_rate_pct, th),
    },
    asa: { kind: 'duration', window: 'today', value: today.asa_s, tone: waitTone(today.asa_s, t, th) },
    // Callers waiting with nobody free to take them is the one agent figure that needs action.
    'agents-available': {
      kind: 'count',
      window: 'live',
      value: s.agents.available,
      tone: s.waiting_now > 0 && s.agents.available === 0 ? 'bad' : 'neutral',
    },
    'agents-on-call': { kind: 'count', window: 'live', value: s.agents.on_call, tone: 'neutral' },
    'agents-paused': { kind: 'count', window: 'live', value: s.agents.paused, tone: 'neutral' },
    // Computed by the processor (absent from older producers: no data).
    'at-risk': { kind: 'count', window: 'live', value: s.calls_at_risk ?? null, tone: countTone(s.calls_at_risk ?? null) },
    needed: { kind: 'count', window: 'today', value: s.answers_needed ?? null, tone: countTone(s.answers_needed ?? null) },
  };
  return METRICS.map((metric) => ({ metric, ...tiles[metric] }));
}

/** The big number of a tile in the viewer's locale. */
export function formatTileValue(locale: Locale, tile: Pick<TileModel, 'kind' | 'value'>): string {
  switch (tile.kind) {
    case 'count':
      return formatCount(locale, tile.value);
    case 'pct':
      return formatPct(locale, tile.value, 1);
    case 'duration':
      return formatDuration(locale, tile.value);
  }
}

/**
 * Tiles with an active alert (raised by the processor from the queue's own alert thresholds)
 * turn red whatever the default colour limits say; the queue's thresholds win.
 */
export function withAlerts(tiles: readonly TileModel[], alerted: ReadonlySet<string>): TileModel[] {
  return tiles.map((t) => (alerted.has(t.metric) ? { ...t, tone: 'bad', alert: true } : t));
}
