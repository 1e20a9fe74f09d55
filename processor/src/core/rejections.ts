// Bounded storage of rejected lines (kpi-definitions §11 "Bounded rejections"). Pure: the
// dead letters of a commit in, the rows to store out. Per site, source and minute of rejection at
// most `rowsPerMinute` lines are stored as rows (samples with their text); every further line is
// only counted, in one counter row per (source fingerprint, reason, minute) and commit, whose
// `lines` says how many lines it stands for. Counts per reason = sum(lines), exact.
//
// Exactly once, whatever is redelivered: a per-source-fingerprint offset watermark (as for
// events, service.ts) skips every dead letter at or below the highest offset already turned into
// a row or a counter, so a line counted once is never stored or counted again, even when it comes
// back in a different split (a re-read after a crash, a re-import). A counter row's id is
// `<fingerprint>:<offset of the last line it counts>`: that line is not a row, so the id is unique,
// and `max(offset)` per fingerprint over stored rows gives the watermark back after a restart.
// Relies on what the events watermark relies on: one fingerprint's lines arrive in offset order.
import type { DeadLetter } from '@tablero/ingest/contract';
import { eventFingerprint } from './stint-machine.ts';

/** One row of `dead_letters`: a rejected line (`lines` 1) or a counter of lines not stored (`lines` > 1 or a counted single line). */
export interface DeadLetterRow extends DeadLetter {
  /** How many rejected lines this row stands for. */
  lines: number;
}

export const DEFAULT_REJECTED_ROWS_PER_MINUTE = 100;
/** The text kept with a counter row: its last line, cut to this many characters (a sample). */
export const COUNTER_SAMPLE_CHARS = 200;

export interface RejectionState {
  rowsPerMinute: number;
  /** Highest dead-letter offset stored (as a row or counted) per source fingerprint. */
  watermark: Map<string, number>;
  /** Rows stored per `site\0source\0minute`. */
  used: Map<string, number>;
  /** Newest minute seen (epoch seconds), to forget old budgets. */
  newestMinute: number;
  /** Dead letters skipped as already stored (redelivered). */
  skipped: number;
}

export function createRejectionState(rowsPerMinute = DEFAULT_REJECTED_ROWS_PER_MINUTE): RejectionState {
  return { rowsPerMinute, watermark: new Map(), used: new Map(), newestMinute: 0, skipped: 0 };
}

/** Budget keys older than this many seconds before the newest minute are forgotten. */
const BUDGET_MEMORY_S = 600;

export function budgetKey(site: string, source: string, minute: number): string {
  return `${site}\0${source}\0${minute}`;
}

/**
 * The rows to store for `dead` (dead letters in stream order), advancing the state. Counter rows
 * of this call are emitted after its sample rows, one per (fingerprint, reason, minute).
 */
export function boundDeadLetters(state: RejectionState, dead: readonly DeadLetter[]): DeadLetterRow[] {
  const rows: DeadLetterRow[] = [];
  const counters = new Map<string, DeadLetterRow>();
  for (const d of dead) {
    const fp = eventFingerprint(d.event_id);
    const mark = state.watermark.get(fp);
    if (mark !== undefined && d.offset <= mark) {
      state.skipped += 1;
      continue;
    }
    state.watermark.set(fp, d.offset);
    const minute = d.rejected_at - (d.rejected_at % 60);
    if (minute > state.newestMinute) state.newestMinute = minute;
    const key = budgetKey(d.site, d.source, minute);
    const used = state.used.get(key) ?? 0;
    if (used < state.rowsPerMinute) {
      state.used.set(key, used + 1);
      rows.push({ ...d, lines: 1 });
      continue;
    }
    const ckey = `${fp}\0${d.reason}\0${minute}`;
    const c = counters.get(ckey);
    const sample = d.raw.length > COUNTER_SAMPLE_CHARS ? d.raw.slice(0, COUNTER_SAMPLE_CHARS) : d.raw;
    if (c) {
      // The counter takes the id, offset and sample of its newest line (see the header).
      c.event_id = d.event_id;
      c.offset = d.offset;
      c.line_no = d.line_no;
      c.raw = sample;
      c.rejected_at = Math.max(c.rejected_at, d.rejected_at);
      c.lines += 1;
    } else {
      counters.set(ckey, { ...d, raw: sample, lines: 1 });
    }
  }
  if (state.used.size > 1000) {
    for (const k of state.used.keys()) {
      const minute = Number(k.slice(k.lastIndexOf('\0') + 1));
      if (minute < state.newestMinute - BUDGET_MEMORY_S) state.used.delete(k);
    }
  }
  for (const c of counters.values()) rows.push(c);
  return rows;
}

/** Lines the rows stand for. */
export function linesOf(rows: readonly DeadLetterRow[]): number {
  let n = 0;
  for (const r of rows) n += r.lines;
  return n;
}
