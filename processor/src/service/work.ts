// What one commit of the processor carries from the reducer to the store, and the helpers that
// lay its events out for storage. Pure.
import type { QueueEvent } from '@tablero/ingest/contract';
import type { AgentPauseRow, AgentSessionRow } from '../core/agent-state.ts';
import type { DeadLetterRow } from '../core/rejections.ts';
import type { StintRow } from '../core/stint-machine.ts';

/** One commit: what a group of messages produced, kept until stored (a retry stores the same). */
export interface Work {
  commitId: number;
  stints: StintRow[];
  sessions: AgentSessionRow[];
  pauses: AgentPauseRow[];
  /** Events applied by this group, to store in queue_events. */
  events: QueueEvent[];
  /** The same events as JSON objects: the received text where a whole message applied (no re-serializing). */
  eventsJson: string[];
  /** Rejected lines to store: sample rows and counters (core/rejections.ts). */
  dead: DeadLetterRow[];
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

/** Splits events by UTC month (queue_events' partition), months ascending, order kept within. */
export function byMonth(events: QueueEvent[]): QueueEvent[][] {
  const months = new Map<number, QueueEvent[]>();
  let lo = 0;
  let hi = -1;
  let current: QueueEvent[] = [];
  for (const ev of events) {
    if (ev.ts < lo || ev.ts >= hi) {
      const d = new Date(ev.ts * 1000);
      const y = d.getUTCFullYear();
      const m = d.getUTCMonth();
      lo = Date.UTC(y, m, 1) / 1000;
      hi = Date.UTC(y, m + 1, 1) / 1000;
      const k = y * 12 + m;
      let list = months.get(k);
      if (!list) months.set(k, (list = []));
      current = list;
    }
    current.push(ev);
  }
  return [...months.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list);
}
