// Test support: tests that write calls a minute or two before "now" and then read today's figures
// (the test processes run with TZ=UTC) cannot run across UTC midnight or just after it: their
// calls would fall into yesterday, or the day would turn between writing and reading.
import { setTimeout as sleep } from 'node:timers/promises';

const DAY_MS = 86_400_000;
/** How long before midnight a file may not start: longer than any such test file runs. */
const BEFORE_MS = 5 * 60_000;
/** How long after midnight: longer than the oldest call such a test writes (~90 s before now). */
const AFTER_MS = 3 * 60_000;

/** The wait that takes `atMs` out of [midnight - BEFORE_MS, midnight + AFTER_MS) UTC (0 outside it). */
export function msToClearOfMidnight(atMs: number): number {
  const intoDay = atMs % DAY_MS;
  if (intoDay < AFTER_MS) return AFTER_MS - intoDay;
  if (intoDay >= DAY_MS - BEFORE_MS) return DAY_MS - intoDay + AFTER_MS;
  return 0;
}

/** Waits (at most 8 minutes, rarely at all) until today's figures are safe to test. Use as a hook with CLEAR_OF_MIDNIGHT_TIMEOUT_MS. */
export async function clearOfMidnight(): Promise<void> {
  const ms = msToClearOfMidnight(Date.now());
  if (ms > 0) await sleep(ms);
}

export const CLEAR_OF_MIDNIGHT_TIMEOUT_MS = BEFORE_MS + AFTER_MS + 60_000;
