// Alerts raised and cleared by the processor (`{ type: 'alert' }` on the live feed): which are
// active, which tile each one colours, and whether an arriving one is news (sound and flash)
// or an old alert the server repeats to a client that just connected. Pure.

import type { AlertMessage, AlertMetric, QueueSnapshot } from '@tablero/processor/contract';

/** An alert raised at most this long before the server greeted us is still news. */
export const FRESH_MS = 10_000;

/** The active alerts after `msg`: raised adds (or replaces) it, cleared removes it. New map. */
export function foldAlert(active: ReadonlyMap<string, AlertMessage>, msg: AlertMessage): Map<string, AlertMessage> {
  const next = new Map(active);
  if (msg.state === 'raised') next.set(msg.alert_id, msg);
  else next.delete(msg.alert_id);
  return next;
}

/**
 * True when a raised alert deserves a sound and a flash: not already active here, and raised
 * after (or just before) the server greeted this client. `helloServerMs` is the server's clock
 * in its hello, so the comparison never involves the TV's own clock.
 */
export function isNewRaise(active: ReadonlyMap<string, AlertMessage>, msg: AlertMessage, helloServerMs: number | null): boolean {
  if (msg.state !== 'raised' || active.has(msg.alert_id)) return false;
  return helloServerMs === null || msg.raised_at_ms >= helloServerMs - FRESH_MS;
}

/** The wallboard tile an alert metric belongs to. */
export const ALERT_TILE: Record<AlertMetric, 'sl' | 'waiting' | 'longest-wait'> = {
  sl_pct: 'sl',
  waiting_now: 'waiting',
  longest_current_wait_s: 'longest-wait',
};

/** Tiles of one queue with an active alert. */
export function alertedTiles(active: ReadonlyMap<string, AlertMessage>, site: string, queue: string): Set<string> {
  const out = new Set<string>();
  for (const a of active.values()) if (a.site === site && a.queue === queue) out.add(ALERT_TILE[a.metric] ?? a.metric);
  return out;
}

/**
 * The alert log after `msg`, newest first, one entry per alert_id (its latest state). The server
 * repeats every raised alert after each hello (a reconnect, or coming back to the live view), so
 * a plain append would list the same alert twice and break keyed lists; a cleared alert is final
 * for its id (a later repeat of its raise is ignored). New array, at most `max` entries.
 */
export function logAlert(log: readonly AlertMessage[], msg: AlertMessage, max: number): AlertMessage[] {
  const old = log.find((a) => a.alert_id === msg.alert_id);
  if (old && old.state === 'cleared' && msg.state === 'raised') return [...log];
  if (old && old.state === msg.state) return log.map((a) => (a === old ? msg : a));
  return [msg, ...log.filter((a) => a !== old)].slice(0, max);
}

/** The figure an alert watches, as the queue's snapshot shows it now (nobody waiting: longest wait 0, as the tile). */
export function currentAlertValue(s: Pick<QueueSnapshot, 'windows' | 'waiting_now' | 'longest_current_wait_s'>, metric: AlertMetric): number | null {
  switch (metric) {
    case 'sl_pct':
      return s.windows.today.sl_pct;
    case 'waiting_now':
      return s.waiting_now;
    case 'longest_current_wait_s':
      return s.waiting_now === 0 ? 0 : s.longest_current_wait_s;
  }
}

/** A raised alert as the wallboard banner shows it: the figure now, not the one it was raised with. */
export interface BannerAlert {
  alert: AlertMessage;
  value: number | null;
}

/**
 * The banner's lines: active alerts whose figure is still past its threshold in the queue's
 * newest snapshot (SL below it, the others above it). A figure that recovered leaves the banner
 * at once; the processor clears the alert itself after its hold time (kpi alerts, no flapping).
 */
export function bannerAlerts(active: ReadonlyMap<string, AlertMessage>, snapshots: ReadonlyMap<string, QueueSnapshot>, key: (site: string, queue: string) => string): BannerAlert[] {
  const out: BannerAlert[] = [];
  for (const a of active.values()) {
    const s = snapshots.get(key(a.site, a.queue));
    const value = s ? currentAlertValue(s, a.metric) : a.raised_value;
    if (value === null) continue;
    const over = a.metric === 'sl_pct' ? value < a.threshold : value > a.threshold;
    if (over) out.push({ alert: a, value });
  }
  return out;
}
