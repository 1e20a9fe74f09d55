// The processor's storage health, for /api/health and the data quality page (issue 14): whether
// the consumer advances, and what the store refused. Pure: times come in as data (monotonic ms
// for durations, wall ms for the times shown).
import type { ProcessorHealth } from '../contract.ts';

/** How long a commit may stay unstored before the processor reports itself degraded. */
export const DEFAULT_STALL_AFTER_MS = 15_000;

export interface StoreHealth {
  /** The commit being stored now (retrying included), else null. */
  storing: { commitId: number; sinceMonoMs: number } | null;
  /** The last failure of the commit being stored: ClickHouse's error code, or null (no answer). */
  lastFailureCode: number | null | undefined;
  storedCommits: number;
  /** Refused inserts that were split. */
  splits: number;
  refusedRows: number;
  lastRefusal: { reason: string; table: string; atMs: number } | null;
}

export function createStoreHealth(): StoreHealth {
  return { storing: null, lastFailureCode: undefined, storedCommits: 0, splits: 0, refusedRows: 0, lastRefusal: null };
}

/** A commit starts (or retries) storing; the stall is counted from its first attempt. */
export function noteStoring(h: StoreHealth, commitId: number, monoMs: number): void {
  if (h.storing?.commitId !== commitId) {
    h.storing = { commitId, sinceMonoMs: monoMs };
    h.lastFailureCode = undefined;
  }
}

export function noteFailed(h: StoreHealth, code: number | null): void {
  h.lastFailureCode = code;
}

export function noteStored(
  h: StoreHealth,
  outcome: { splits: number; refused: Array<{ table: string; letter: { reason: string } }> },
  wallMs: number,
): void {
  h.storing = null;
  h.lastFailureCode = undefined;
  h.storedCommits += 1;
  h.splits += outcome.splits;
  h.refusedRows += outcome.refused.length;
  const last = outcome.refused[outcome.refused.length - 1];
  if (last) h.lastRefusal = { reason: last.letter.reason, table: last.table, atMs: wallMs };
}

/**
 * Degraded when a commit has waited longer than `stallAfterMs` to be stored: the consumer does
 * not advance while work is pending (an unreachable store, or one answering errors). Ok again as
 * soon as it is stored.
 */
export function processorHealth(h: StoreHealth, monoMs: number, stallAfterMs: number = DEFAULT_STALL_AFTER_MS): ProcessorHealth {
  const waited = h.storing ? monoMs - h.storing.sinceMonoMs : 0;
  const stalled = h.storing !== null && waited >= stallAfterMs;
  const why =
    h.lastFailureCode === undefined ? 'no answer from ClickHouse yet' : h.lastFailureCode === null ? 'ClickHouse unreachable' : `ClickHouse error ${h.lastFailureCode}`;
  return {
    status: stalled ? 'degraded' : 'ok',
    reason: stalled ? `commit ${h.storing?.commitId ?? 0} not stored for ${Math.floor(waited / 1000)} s: ${why}` : null,
    stalled_s: stalled ? Math.floor(waited / 1000) : null,
    stored_commits: h.storedCommits,
    split_inserts: h.splits,
    refused_rows: h.refusedRows,
    last_refusal: h.lastRefusal ? { reason: h.lastRefusal.reason, table: h.lastRefusal.table, at_ms: h.lastRefusal.atMs } : null,
  };
}
