// Stores one processor commit (its stints, agent intervals, CDR rows, events and ingest's dead letters) in
// ClickHouse, so that rows the store refuses for good do not stop the stream (issue 14): a refused
// insert is split (store/refusal.ts) and a row still refused alone goes to dead_letters with the
// refusal as its reason. Retryable failures are thrown for the caller to retry the whole commit.
//
// Exactly once, across retries and crashes (see service.ts's header for the restart rebuild):
// - Every insert's token is the commit's token plus the piece's split path: a repeat of the whole
//   commit in this process stores no piece twice.
// - Stints and agent rows are recognised after a crash by the newest commit's row keys, whatever
//   subset of their pieces was stored.
// - queue_events go last, in runs of one month in stream order, each run split (if refused) in
//   halves first-half-first: whatever the moment of a crash, the stored events are a prefix of
//   the commit's events in stream order (minus refused ones, which sit in dead_letters), so the
//   per-source offset watermark read at restart never passes over an unstored event.
import { MAX_DEAD_LETTER_RAW_BYTES, type CdrRecord, type QueueEvent } from '@tablero/ingest/contract';
import { TABLES } from '@tablero/sql';
import type { AgentPauseRow, AgentSessionRow } from '../core/agent-state.ts';
import type { DeadLetterRow } from '../core/rejections.ts';
import type { StintRow } from '../core/stint-machine.ts';
import { funnelMarks } from '../rollup/funnel-marks.ts';
import { insertSplitting, monthRuns, type StoreFailure } from './refusal.ts';
import { pauseKey, sessionKey, type ProcessorStore } from './store.ts';

export interface CommitRows {
  commitId: number;
  stints: StintRow[];
  sessions: AgentSessionRow[];
  pauses: AgentPauseRow[];
  /** Events applied by the commit (to store in queue_events), in stream order. */
  events: QueueEvent[];
  /**
   * The same events as JSON objects: the received bytes where a whole message applied (no
   * re-serializing, no re-encoding), else JSON text; each piece holds one or more objects.
   */
  eventsJson: Array<string | Uint8Array>;
  /** Rejected input lines to store: sample rows and counters (core/rejections.ts). */
  dead: DeadLetterRow[];
  /** CDR records not stored before (per-source offset watermark), in stream order. */
  cdr?: CdrRecord[];
}

/** A row the store refused alone, as stored in dead_letters. */
export interface RefusedRow {
  table: string;
  letter: DeadLetterRow;
}

export interface CommitOutcome {
  /** Refused inserts that were split. */
  splits: number;
  refused: RefusedRow[];
}

const COMMA = Buffer.from(',');

/** The pieces of eventsJson as one comma-separated body (bytes copied once, strings encoded once). */
function joinJson(pieces: ReadonlyArray<string | Uint8Array>): Buffer {
  const parts: Uint8Array[] = [];
  for (const p of pieces) {
    if (parts.length > 0) parts.push(COMMA);
    parts.push(typeof p === 'string' ? Buffer.from(p) : p);
  }
  return Buffer.concat(parts);
}

/** Source of dead letters for refused rows the processor derived (not input lines). */
export const REFUSED_SOURCE_PREFIX = 'processor:';

function truncate(text: string): string {
  if (Buffer.byteLength(text) <= MAX_DEAD_LETTER_RAW_BYTES) return text;
  return Buffer.from(text).subarray(0, MAX_DEAD_LETTER_RAW_BYTES).toString('utf8').replace(/\uFFFD$/, '');
}

/** A dead letter for a row refused by `table`: events keep their source and offset; derived rows name the table. */
/** Where an input row came from: a refused one keeps its source and offset in dead_letters. */
type Origin = Pick<QueueEvent, 'event_id' | 'source' | 'offset'>;

function letterFor(table: string, id: string, row: { site: string }, failure: Extract<StoreFailure, { retry: false }>, nowS: number, origin?: Origin): DeadLetterRow {
  return {
    event_id: origin ? origin.event_id : `${table}:${id.replaceAll('\0', '|')}`,
    site: row.site,
    source: origin ? origin.source : `${REFUSED_SOURCE_PREFIX}${table}`,
    offset: origin ? origin.offset : 0,
    line_no: 0,
    raw: truncate(JSON.stringify(row)),
    reason: failure.reason,
    rejected_at: nowS,
    lines: 1,
  };
}

/**
 * Stores a commit's rows (order: ingest's dead letters, stints, agent intervals, events). Throws
 * the first retryable failure; refused rows are dead-lettered and reported in the outcome.
 */
export async function storeCommit(store: ProcessorStore, rows: CommitRows, token: string, nowS: number): Promise<CommitOutcome> {
  const outcome: CommitOutcome = { splits: 0, refused: [] };
  const refuseInto = <T extends { site: string }>(table: string, idOf: (row: T) => string, origin?: (row: T) => Origin) =>
    async (row: T, failure: Extract<StoreFailure, { retry: false }>): Promise<void> => {
      const letter = letterFor(table, idOf(row), row, failure, nowS, origin?.(row));
      // One row per insert with a token of its own: a repeat (retry, or the row refused again after a restart) stores it once.
      await store.insertDeadLetters([letter], `refused:${table}:${letter.event_id}`);
      outcome.refused.push({ table, letter });
    };
  const piece = (base: string, path: string): string => (path === '' ? base : `${base}:p${path}`);
  const tally = ({ splits }: { splits: number }): void => {
    outcome.splits += splits;
  };

  // The funnel rollup's dirty marks (rollup/funnel-marks.ts): before any row the funnel reads and
  // again after the last one, so a rolled quarter is never read while rows it lacks exist.
  const marks = funnelMarks(rows, nowS);
  await store.markFunnelDirty(marks);
  // One insert per commit (a flood of bad lines is a few counter rows, not one insert per
  // message); a redelivery after a crash is skipped by the rejections watermark, not the token.
  await store.insertDeadLetters(rows.dead, `dead:${token}`);
  tally(
    await insertSplitting(
      rows.stints,
      (part, path) => store.insertStints(part, rows.commitId, piece(`stints:${token}`, path)),
      refuseInto<StintRow>(TABLES.stints, (r) => r.stint_id),
    ),
  );
  tally(
    await insertSplitting(
      rows.sessions,
      (part, path) => store.insertAgentIntervals(part, [], rows.commitId, piece(`agents:${token}`, path)),
      refuseInto<AgentSessionRow>(TABLES.agentSessions, sessionKey),
    ),
  );
  tally(
    await insertSplitting(
      rows.pauses,
      (part, path) => store.insertAgentIntervals([], part, rows.commitId, piece(`agents:${token}`, path)),
      refuseInto<AgentPauseRow>(TABLES.agentPauses, pauseKey),
    ),
  );
  // CDR records before the events, in month runs in stream order like them: whatever the moment
  // of a crash, the stored records of a source are a prefix, so the cdr offset watermark read at
  // restart never passes over one that was not stored.
  const cdrRuns = monthRuns(rows.cdr ?? [], (r) => r.start);
  for (let i = 0; i < cdrRuns.length; i++) {
    tally(
      await insertSplitting(
        cdrRuns[i] as CdrRecord[],
        (part, path) => store.insertCdr(part, piece(`cdr:${token}:${i}`, path)),
        refuseInto<CdrRecord>(TABLES.cdr, (r) => r.event_id, (r) => r),
      ),
    );
  }
  const runs = monthRuns(rows.events, (ev) => ev.ts);
  for (let i = 0; i < runs.length; i++) {
    const run = runs[i] as QueueEvent[];
    tally(
      await insertSplitting(
        run,
        (part, path) =>
          // The received JSON bytes go in as they are when the commit is one whole run (the usual case).
          runs.length === 1 && path === '' && rows.eventsJson.length > 0 && store.passThroughJson !== false
            ? store.insertEventsJson(joinJson(rows.eventsJson), `events:${token}:${i}`)
            : store.insertEvents(part, piece(`events:${token}:${i}`, path)),
        refuseInto<QueueEvent>(TABLES.queueEvents, (ev) => ev.event_id, (ev) => ev),
      ),
    );
  }
  await store.markFunnelDirty(marks);
  // A partition's holder fenced by the store stored nothing since the fence: the commit fails
  // (not acked, not counted as stored) instead of passing for stored.
  await store.confirm?.();
  return outcome;
}
