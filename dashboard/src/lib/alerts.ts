// Alerts raised and cleared by the processor (`{ type: 'alert' }` on the live feed): which are
// active, which tile each one colours, and whether an arriving one is news (sound and flash)
// or an old alert the server repeats to a client that just connected. Pure.

import type { AlertMessage, AlertMetric } from '@tablero/processor/contract';

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
