// Reconnect delays for the live WebSocket. When the server restarts, every TV and browser
// reconnects at once; exponential growth spreads the retries over time and jitter keeps them
// from arriving in lockstep. Pure: the random number comes in as data.

export interface BackoffPolicy {
  /** Delay before the first retry, in milliseconds. */
  base_ms: number;
  /** No delay exceeds this, however many attempts failed. */
  cap_ms: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { base_ms: 500, cap_ms: 30_000 };

/**
 * Delay before retry number `attempt` (0 = first retry after a drop).
 * "Equal jitter": half of the exponential step is fixed, the other half random, so a client
 * never retries in a tight loop (delay >= step / 2) and a crowd still spreads out.
 * `random` is a number in [0, 1), e.g. Math.random().
 */
export function backoffDelayMs(attempt: number, random: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const n = Math.max(0, Math.floor(attempt));
  // 2 ** n overflows to Infinity past n = 1023; min() keeps the cap meaningful before that.
  const step = Math.min(policy.cap_ms, policy.base_ms * 2 ** Math.min(n, 30));
  const r = Math.min(Math.max(random, 0), 1);
  return Math.round(step / 2 + (step / 2) * r);
}
