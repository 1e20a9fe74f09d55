// The live commit's insert format (issue 18): stints go to ClickHouse as TabSeparated rows with
// an explicit column list instead of JSONEachRow objects. ClickHouse reads TSV with no key
// matching and no JSON tokenizing (bench/processor-insert-formats.ts). queue_events keep the
// received JSON, passed through at no cost to the JS thread; eventsTsv is their TSV for that
// A/B (it would move ~2 µs an event onto the JS thread to save ~1.5 in ClickHouse). The stored
// values are the same as with JSON: every value is written in the text form ClickHouse reads
// back as what the JSON gave it (numbers and epoch seconds as decimal digits, booleans as
// true/false, null as \N, arrays of strings in their quoted form). Strings are escaped as the TSV
// format wants (backslash, tab, newline, carriage return, NUL), array elements as quoted strings.
// A value of an unexpected type (a row the processor would never build) is written as its text:
// ClickHouse refuses it as it would refuse the JSON, and the refusal path (store/refusal.ts)
// dead-letters the row. One difference: a string holding a lone UTF-16 surrogate (never produced
// by decoding UTF-8 input) is stored with U+FFFD, where JSONEachRow refused its escape (code 25).
import type { QueueEvent } from '@tablero/ingest/contract';
import type { StintRow } from '../core/stint-machine.ts';

/** queue_events columns in the order eventsTsv writes them (migration 001). */
export const EVENT_COLUMNS = [
  'event_id', 'site', 'source', 'offset', 'ts', 'callid', 'queue', 'agent', 'verb', 'custom',
  'wait_s', 'talk_s', 'ring_ms', 'position', 'orig_position', 'caller', 'info', 'data',
] as const;

/** stints columns in the order stintsTsv writes them (migrations 002, 013). */
export const STINT_COLUMNS = [
  'stint_id', 'site', 'queue', 'callid', 'enter_ts', 'end_ts', 'outcome', 'wait_s', 'talk_s',
  'agent', 'caller', 'transferred', 'enter_seen', 'end_event_id', 'commit_id',
] as const;

const TSV_SPECIAL = /[\\\t\n\r\0]/;
const TSV_SPECIAL_ALL = /[\\\t\n\r\0]/g;
const QUOTED_SPECIAL = /[\\\t\n\r\0']/;
const QUOTED_SPECIAL_ALL = /[\\\t\n\r\0']/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0', "'": "\\'" };
const escapeChar = (c: string): string => ESCAPES[c] as string;

/** A string as a TSV field. */
function str(s: unknown): string {
  const t = typeof s === 'string' ? s : String(s);
  return TSV_SPECIAL.test(t) ? t.replace(TSV_SPECIAL_ALL, escapeChar) : t;
}

/** A number (possibly null) as a TSV field. */
function num(n: unknown): string {
  return n === null || n === undefined ? '\\N' : str(n);
}

function bool(b: unknown): string {
  return b === true ? 'true' : b === false ? 'false' : str(b);
}

/** An Array(String) as a TSV field: ['a','b'] with each element a quoted string. */
function strings(a: unknown): string {
  if (!Array.isArray(a)) return str(a);
  let out = '[';
  for (let i = 0; i < a.length; i++) {
    const t = String(a[i]);
    out += `${i > 0 ? ',' : ''}'${QUOTED_SPECIAL.test(t) ? t.replace(QUOTED_SPECIAL_ALL, escapeChar) : t}'`;
  }
  return `${out}]`;
}

/** One TSV line per event (no trailing newline), columns as EVENT_COLUMNS. */
export function eventsTsv(events: readonly QueueEvent[]): string {
  let out = '';
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as QueueEvent;
    out +=
      `${i > 0 ? '\n' : ''}${str(e.event_id)}\t${str(e.site)}\t${str(e.source)}\t${num(e.offset)}\t${num(e.ts)}\t${str(e.callid)}\t${str(e.queue)}\t` +
      `${str(e.agent)}\t${str(e.verb)}\t${bool(e.custom)}\t${num(e.wait_s)}\t${num(e.talk_s)}\t${num(e.ring_ms)}\t${num(e.position)}\t` +
      `${num(e.orig_position)}\t${str(e.caller)}\t${str(e.info)}\t${strings(e.data)}`;
  }
  return out;
}

/** One TSV line per stint (no trailing newline), columns as STINT_COLUMNS, each with `commitId`. */
export function stintsTsv(rows: readonly StintRow[], commitId: number): string {
  let out = '';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as StintRow;
    out +=
      `${i > 0 ? '\n' : ''}${str(r.stint_id)}\t${str(r.site)}\t${str(r.queue)}\t${str(r.callid)}\t${num(r.enter_ts)}\t${num(r.end_ts)}\t` +
      `${str(r.outcome)}\t${num(r.wait_s)}\t${num(r.talk_s)}\t${str(r.agent)}\t${str(r.caller)}\t${bool(r.transferred)}\t${bool(r.enter_seen)}\t` +
      `${str(r.end_event_id)}\t${commitId}`;
  }
  return out;
}
