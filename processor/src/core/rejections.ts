// Bounded storage of rejected lines (kpi-definitions §11 "Bounded rejections"). Pure: the
// dead letters of a commit in, the rows to store out. Per site, source and minute of rejection at
// most `rowsPerMinute` lines are stored as rows (samples with their text); every further line is
// only counted, in one counter row per source fingerprint, reason and minute, whose `lines` says
// how many lines it stands for. Counts per reason = sum(lines) over `dead_letters FINAL`, exact.
//
// A counter row is rewritten whole by each commit that counts more lines for it (same id; the
// table is a ReplacingMergeTree, so the newest version replaces the older ones), so a flood costs
// one row per source, reason and minute. Its id is `<fingerprint>:<offset of its first line>c`:
// that line is not a row, and the `c` tells counters from lines after a restart.
//
// Exactly once, whatever is redelivered: a per-source-fingerprint offset watermark (as for
// events, service.ts) skips every dead letter at or below the highest offset already turned into
// a row or counted (a counter's `offset` is its newest line), so a line is never stored or
// counted twice, even when it comes back in another split (a re-read after a crash, a
// re-import). `max(offset)` per fingerprint over the stored rows gives the watermark back after a
// restart, and the stored counters of the last minutes are taken back to be continued. Relies on
// what the events watermark relies on: one fingerprint's lines arrive in offset order.
import type { DeadLetter } from '@tablero/ingest/contract';
import { eventFingerprint } from './stint-machine.ts';

/** One row of `dead_letters`: a rejected line (`lines` 1) or a counter of lines not stored one by one. */
export interface DeadLetterRow extends DeadLetter {
  /** How many rejected lines this row stands for. */
  lines: number;
}

export const DEFAULT_REJECTED_ROWS_PER_MINUTE = 100;
/** The text kept with a counter row: its newest line, cut to this many characters (a sample). */
export const COUNTER_SAMPLE_CHARS = 200;
/** Suffix of a counter row's id. */
export const COUNTER_ID_SUFFIX = 'c';

export interface RejectionState {
  rowsPerMinute: number;
  /** Highest dead-letter offset stored (as a row or counted) per source fingerprint. */
  watermark: Map<string, number>;
  /** Rows stored per `site\0source\0minute`. */
  used: Map<string, number>;
  /** Counter rows per `fingerprint\0reason\0minute`, as last stored (or to be stored). */
  counters: Map<string, DeadLetterRow>;
  /** Newest minute seen (epoch seconds), to forget old budgets and counters. */
  newestMinute: number;
  /** Dead letters skipped as already stored (redelivered). */
  skipped: number;
}

export function createRejectionState(rowsPerMinute = DEFAULT_REJECTED_ROWS_PER_MINUTE): RejectionState {
  return { rowsPerMinute, watermark: new Map(), used: new Map(), counters: new Map(), newestMinute: 0, skipped: 0 };
}

/** Budgets and counters older than this many seconds before the newest minute are forgotten. */
export const REJECTION_MEMORY_S = 600;

export function minuteOf(epochS: number): number {
  return epochS - (epochS % 60);
}

export function budgetKey(site: string, source: string, minute: number): string {
  return `${site}\0${source}\0${minute}`;
}

export function counterKey(fingerprint: string, reason: string, minute: number): string {
  return `${fingerprint}\0${reason}\0${minute}`;
}

export function isCounterRow(row: Pick<DeadLetter, 'event_id'>): boolean {
  return row.event_id.endsWith(COUNTER_ID_SUFFIX);
}

/** Takes back a stored counter row (after a restart) so later lines of its minute continue it. */
export function restoreCounter(state: RejectionState, row: DeadLetterRow): void {
  const minute = minuteOf(row.rejected_at);
  state.counters.set(counterKey(eventFingerprint(row.event_id), row.reason, minute), { ...row });
  if (minute > state.newestMinute) state.newestMinute = minute;
}

/**
 * The rows to store for `dead` (dead letters in stream order), advancing the state: the sample
 * rows, then a snapshot of every counter row this call changed.
 */
export function boundDeadLetters(state: RejectionState, dead: readonly DeadLetter[]): DeadLetterRow[] {
  const rows: DeadLetterRow[] = [];
  const changed = new Set<DeadLetterRow>();
  for (const d of dead) {
    const fp = eventFingerprint(d.event_id);
    const mark = state.watermark.get(fp);
    if (mark !== undefined && d.offset <= mark) {
      state.skipped += 1;
      continue;
    }
    state.watermark.set(fp, d.offset);
    const minute = minuteOf(d.rejected_at);
    if (minute > state.newestMinute) state.newestMinute = minute;
    const key = budgetKey(d.site, d.source, minute);
    const used = state.used.get(key) ?? 0;
    if (used < state.rowsPerMinute) {
      state.used.set(key, used + 1);
      rows.push({ ...d, lines: 1 });
      continue;
    }
    const ckey = counterKey(fp, d.reason, minute);
    const sample = d.raw.length > COUNTER_SAMPLE_CHARS ? d.raw.slice(0, COUNTER_SAMPLE_CHARS) : d.raw;
    let c = state.counters.get(ckey);
    if (c) {
      c.offset = d.offset;
      c.line_no = d.line_no;
      c.raw = sample;
      c.rejected_at = Math.max(c.rejected_at, d.rejected_at);
      c.lines += 1;
    } else {
      c = { ...d, event_id: `${d.event_id}${COUNTER_ID_SUFFIX}`, raw: sample, lines: 1 };
      state.counters.set(ckey, c);
    }
    changed.add(c);
  }
  forgetOld(state);
  // Snapshots: the stored version must not change when the state moves on (a retried insert
  // sends the same rows).
  for (const c of changed) rows.push({ ...c });
  return rows;
}

function forgetOld(state: RejectionState): void {
  const oldest = state.newestMinute - REJECTION_MEMORY_S;
  if (state.used.size > 1000) {
    for (const k of state.used.keys()) if (Number(k.slice(k.lastIndexOf('\0') + 1)) < oldest) state.used.delete(k);
  }
  if (state.counters.size > 1000) {
    for (const [k, c] of state.counters) if (minuteOf(c.rejected_at) < oldest) state.counters.delete(k);
  }
}

/** Lines the rows stand for (a counter snapshot counts its lines so far: for logs, not sums). */
export function linesOf(rows: readonly DeadLetterRow[]): number {
  let n = 0;
  for (const r of rows) n += r.lines;
  return n;
}
