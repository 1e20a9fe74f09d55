// What ClickHouse's refusal of an insert means for the processor, and what to do about it.
// A failure is either "retry" (the store is down, slow, busy: the same insert can succeed later)
// or "refused" (the rows themselves are the problem: the same insert fails for ever, so retrying
// it would stop the stream, issue 14). Decided by ClickHouse's numeric error code: the HTTP client
// raises a ClickHouseError whose `code` is that number; embedded chDB raises errors whose message
// starts `Code: <n>. DB::Exception:`. Anything without a code (sockets, timeouts) is retried.

/** Error codes meaning the rows cannot be stored as sent (ClickHouse src/Common/ErrorCodes.cpp). */
const REFUSING_CODES = new Map<number, string>([
  [6, 'CANNOT_PARSE_TEXT'],
  [26, 'CANNOT_PARSE_QUOTED_STRING'],
  [27, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'],
  [38, 'CANNOT_PARSE_DATE'],
  [41, 'CANNOT_PARSE_DATETIME'],
  [53, 'TYPE_MISMATCH'],
  [69, 'ARGUMENT_OUT_OF_BOUND'],
  [70, 'CANNOT_CONVERT_TYPE'],
  [72, 'CANNOT_PARSE_NUMBER'],
  [117, 'INCORRECT_DATA'],
  [131, 'TOO_LARGE_STRING_SIZE'],
  [321, 'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE'],
  [349, 'CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN'],
]);
/**
 * TOO_MANY_PARTS is both "too many partitions for single INSERT block" (the rows span more month
 * partitions than max_partitions_per_insert_block: fewer rows per insert cure it) and "too many
 * parts, merges are slower than inserts" (back-pressure: waiting cures it). Only the text tells.
 */
const TOO_MANY_PARTS = 252;
const TOO_MANY_PARTITIONS = /too many partitions for single insert block/i;

export type StoreFailure =
  | { retry: true; code: number | null; message: string }
  | { retry: false; code: number; reason: string; message: string };

function codeOf(err: unknown): { code: number | null; message: string } {
  // The adapters wrap the driver's error (ProcessorStoreError with `cause`): the innermost coded one decides.
  let found: { code: number | null; message: string } = { code: null, message: err instanceof Error ? err.message : String(err) };
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const declared = (e as { code?: unknown }).code;
    const fromField = typeof declared === 'string' && /^\d+$/.test(declared) ? Number(declared) : typeof declared === 'number' ? declared : null;
    const fromText = /^Code: (\d+)\. DB::Exception/m.exec(e.message);
    const code = fromField ?? (fromText ? Number(fromText[1]) : null);
    if (code !== null) found = { code, message: e.message };
  }
  return found;
}

export function classifyStoreError(err: unknown): StoreFailure {
  const { code, message } = codeOf(err);
  const short = message.split('\n')[0]?.slice(0, 300) ?? '';
  if (code === TOO_MANY_PARTS && TOO_MANY_PARTITIONS.test(message)) return { retry: false, code, reason: 'store_refused:too_many_partitions', message: short };
  const name = code === null ? undefined : REFUSING_CODES.get(code);
  if (code !== null && name) return { retry: false, code, reason: `store_refused:${name.toLowerCase()}`, message: short };
  return { retry: true, code, message: short };
}

export interface SplitOutcome<T> {
  /** Inserts that failed and were split (0 when the rows went in at once). */
  splits: number;
  /** Single rows the store refused, with the refusal. */
  refused: Array<{ row: T; failure: Extract<StoreFailure, { retry: false }> }>;
}

/**
 * Inserts `rows`; when the store refuses them (not a retryable failure, which is thrown), halves
 * them and inserts each half, first half first, down to single rows: a refused single row is
 * handed to `refuse` (dead letters) and the rest goes on. Invariants:
 * - What is stored is always a prefix of `rows` in their order, minus refused rows, whenever the
 *   process stops: the processor's per-source offset watermark depends on it for queue_events.
 * - Each piece has a deterministic token suffix (`path`: '' whole, then '0'/'1' per halving), so
 *   repeating the whole call after a retryable failure stores nothing twice.
 * A single bad row costs about log2(n) refused inserts.
 */
export async function insertSplitting<T>(
  rows: T[],
  insert: (rows: T[], path: string) => Promise<void>,
  refuse: (row: T, failure: Extract<StoreFailure, { retry: false }>) => Promise<void>,
): Promise<SplitOutcome<T>> {
  const outcome: SplitOutcome<T> = { splits: 0, refused: [] };
  async function attempt(part: T[], path: string): Promise<void> {
    if (part.length === 0) return;
    try {
      await insert(part, path);
      return;
    } catch (err) {
      const failure = classifyStoreError(err);
      if (failure.retry) throw err;
      if (part.length === 1) {
        await refuse(part[0] as T, failure);
        outcome.refused.push({ row: part[0] as T, failure });
        return;
      }
      outcome.splits += 1;
    }
    const mid = Math.ceil(part.length / 2);
    await attempt(part.slice(0, mid), `${path}0`);
    await attempt(part.slice(mid), `${path}1`);
  }
  await attempt(rows, '');
  return outcome;
}

/**
 * Splits rows into runs of one UTC month each (the tables' partition), keeping their order: each
 * run is one partition, so one insert of it is all or nothing even across a crash (an insert that
 * spans partitions writes one part per partition, not atomically).
 */
export function monthRuns<T>(rows: T[], tsOf: (row: T) => number): T[][] {
  const runs: T[][] = [];
  let lo = 0;
  let hi = -1;
  for (const row of rows) {
    const ts = tsOf(row);
    if (runs.length === 0 || ts < lo || ts >= hi) {
      const d = new Date(ts * 1000);
      lo = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
      hi = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000;
      runs.push([]);
    }
    (runs[runs.length - 1] as T[]).push(row);
  }
  return runs;
}
