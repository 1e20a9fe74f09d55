// Whether the numbers on screen may be read as live. A wallboard must never show a frozen
// number that looks current: data is stale when the socket is down, or when nothing arrived for
// longer than the processor's heartbeat allows (every queue of a site at least every 5 s).

export const STALE_AFTER_S = 10;

export type Freshness =
  /** Nothing received yet: there is no number to mislead anyone. */
  | { kind: 'none' }
  | { kind: 'fresh'; age_s: number }
  /** `offline`: the socket is closed; `silent`: it is open but no message arrived in time. */
  | { kind: 'stale'; age_s: number; reason: 'offline' | 'silent' };

/** Whole seconds elapsed since `lastMessageMs`, never negative (clocks may step back). */
export function ageSeconds(nowMs: number, lastMessageMs: number | null): number | null {
  if (lastMessageMs === null) return null;
  return Math.max(0, Math.floor((nowMs - lastMessageMs) / 1000));
}

export function freshness(connected: boolean, age_s: number | null, staleAfterS: number = STALE_AFTER_S): Freshness {
  if (age_s === null) return { kind: 'none' };
  if (!connected) return { kind: 'stale', age_s, reason: 'offline' };
  if (age_s >= staleAfterS) return { kind: 'stale', age_s, reason: 'silent' };
  return { kind: 'fresh', age_s };
}
