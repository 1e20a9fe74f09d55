// Login throttling, per account across all addresses and per address across all accounts.
// Failures form a run while each follows the previous one within RUN_GAP_MS; a quiet gap, or for
// an account a successful login, starts a new run. Once a run reaches the rule's threshold, every
// further attempt waits baseMs after the run's last failure, doubling with each failure, capped
// below the gap (so waiting out the longest lock never silently starts a fresh run).
// Pure: the attempts and the clock come in as data.

export interface ThrottleRule {
  /** Failures in one run before attempts must wait. */
  threshold: number;
  baseMs: number;
  maxMs: number;
}

/** 15 minutes without a failure forget the run. */
export const RUN_GAP_MS = 15 * 60_000;
/** How far back the store is read: a run that started earlier is long past its threshold anyway. */
export const LOOKBACK_MS = 24 * 60 * 60_000;
/** One account: 5 failures, then 30 s, 60 s, 120 s ... up to 10 min. */
export const ACCOUNT_RULE: ThrottleRule = { threshold: 5, baseMs: 30_000, maxMs: 10 * 60_000 };
/**
 * One address, all accounts: more lenient (an office behind one NAT shares it), 10 failures,
 * then the same doubling.
 */
export const ADDRESS_RULE: ThrottleRule = { threshold: 10, baseMs: 30_000, maxMs: 10 * 60_000 };

export interface LoginAttempt {
  ok: boolean;
  username: string;
  address: string;
  atMs: number;
}

export type ThrottleScope = 'account' | 'address';

export interface ThrottleVerdict {
  /** 0 when the attempt may go ahead. */
  waitMs: number;
  /** The longer of the two locks, or null when there is none. */
  scope: ThrottleScope | null;
  /** Failures in the current run of that scope (of the account when not locked). */
  failures: number;
}

/** The lock that follows the `failures`-th failure of a run: 0 below the threshold. */
export function lockMs(failures: number, rule: ThrottleRule): number {
  if (failures < rule.threshold) return 0;
  // 2 ** n overflows to Infinity for absurd n; min() still answers maxMs.
  return Math.min(rule.maxMs, rule.baseMs * 2 ** (failures - rule.threshold));
}

/** The failure times of the run still going at `nowMs` (oldest first), given failure times oldest first. */
export function currentRun(failureTimes: readonly number[], nowMs: number): number[] {
  let start = failureTimes.length;
  let next = nowMs;
  for (let i = failureTimes.length - 1; i >= 0; i--) {
    const t = failureTimes[i] as number;
    if (next - t >= RUN_GAP_MS) break;
    start = i;
    next = t;
  }
  return failureTimes.slice(start);
}

function remaining(run: readonly number[], rule: ThrottleRule, nowMs: number): number {
  const last = run[run.length - 1];
  if (last === undefined) return 0;
  return Math.max(0, last + lockMs(run.length, rule) - nowMs);
}

/** Whether a login for `username` from `address` may be tried now, given the recent attempts (oldest first). */
export function loginVerdict(attempts: readonly LoginAttempt[], username: string, address: string, nowMs: number): ThrottleVerdict {
  let lastOk = -Infinity;
  for (const a of attempts) if (a.ok && a.username === username && a.atMs <= nowMs) lastOk = Math.max(lastOk, a.atMs);
  const failed = attempts.filter((a) => !a.ok && a.atMs <= nowMs);
  const accountRun = currentRun(failed.filter((a) => a.username === username && a.atMs > lastOk).map((a) => a.atMs), nowMs);
  // A successful login does not clear an address: an attacker could log into an account of their own.
  const addressRun = currentRun(failed.filter((a) => a.address === address).map((a) => a.atMs), nowMs);
  const account = remaining(accountRun, ACCOUNT_RULE, nowMs);
  const byAddress = remaining(addressRun, ADDRESS_RULE, nowMs);
  if (account === 0 && byAddress === 0) return { waitMs: 0, scope: null, failures: accountRun.length };
  return account >= byAddress
    ? { waitMs: account, scope: 'account', failures: accountRun.length }
    : { waitMs: byAddress, scope: 'address', failures: addressRun.length };
}
