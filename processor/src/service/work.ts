// What one commit of the processor carries from the reducer to the store. Pure.
import type { CommitRows } from '../store/commit-store.ts';

/** One commit: what a group of messages produced, kept until stored (a retry stores the same). */
export interface Work extends CommitRows {
  received: number;
}

/** What the processor counts (logged at stop). */
export interface Counters {
  commits: number;
  batches: number;
  events: number;
  applied: number;
  /** Events dropped as the same line that came another way (kpi-definitions §11). */
  same_line: number;
  stints: number;
  dead: number;
  cdr_batches: number;
  bad_messages: number;
}

export function newCounters(): Counters {
  return { commits: 0, batches: 0, events: 0, applied: 0, same_line: 0, stints: 0, dead: 0, cdr_batches: 0, bad_messages: 0 };
}

const EVENTS_KEY = Buffer.from('"events":[');
const CLOSE = Buffer.from(']}');

/**
 * The `events` array of an EventBatch message as the comma-separated JSON objects it holds, a view
 * of the received UTF-8 bytes (no copy, no re-encoding for the insert), or null when the message
 * is not laid out as ingest writes it (`{"batch_id":…,"site":…,"events":[…]}`). A `"events":[`
 * inside a string value cannot match: the quotes there are escaped.
 */
export function eventsBytes(data: Uint8Array): Uint8Array | null {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const i = buf.indexOf(EVENTS_KEY);
  if (i < 0 || buf.length < i + EVENTS_KEY.length + CLOSE.length || buf.compare(CLOSE, 0, 2, buf.length - 2) !== 0) return null;
  return buf.subarray(i + EVENTS_KEY.length, buf.length - 2);
}
