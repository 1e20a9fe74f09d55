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

/**
 * The `events` array of an EventBatch message as the comma-separated JSON objects it holds, or
 * null when the text is not laid out as ingest writes it (`{"batch_id":…,"site":…,"events":[…]}`).
 * A `"events":[` inside a string value cannot match: the quotes there are escaped.
 */
export function eventsText(text: string): string | null {
  const i = text.indexOf('"events":[');
  if (i < 0 || !text.endsWith(']}')) return null;
  return text.slice(i + 10, -2);
}
