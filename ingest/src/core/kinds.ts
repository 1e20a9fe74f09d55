// What each source kind parses into and where its batches go. Pure: the adapters (tail, import,
// push) share this table so one line gets the same id and the same result on every path.
import { deadLetterSubject, eventsSubject, type QueueEvent } from '../contract.ts';
import { queueEventSerializer } from './event-json.ts';
import { isUtf8 } from 'node:buffer';
import { INVALID_UTF8_MARK, parseQueueLogLine, type LineOrigin, type ParseResult } from './queue-log.ts';

export type SourceKind = 'queue_log' | 'cdr';

export interface KindSpec<T> {
  kind: SourceKind;
  /** Field of the batch envelope holding the items. */
  itemsField: string;
  subject(site: string): string;
  deadSubject(site: string): string;
  /**
   * Bytes of one line to text: queue_log is UTF-8; CDR falls back to Latin-1 when the bytes are
   * not valid UTF-8. Lines that are valid UTF-8 may be decoded in bulk instead (line-splitter.ts).
   */
  decode(buf: Buffer, start: number, end: number): string;
  /** A fresh serializer of items to JSON text equal to `JSON.stringify(item)`, when a faster one exists. */
  serializer?(): (item: T) => string;
  parse(line: string, at: LineOrigin): ParseResult<T>;
  /** Epoch seconds of an item, for the source status. */
  ts(item: T): number | null;
  /** Lines that carry no data and are skipped without a dead letter (a CSV header). */
  skip?(line: string, lineNo: number): boolean;
}

export const QUEUE_LOG_KIND: KindSpec<QueueEvent> = {
  kind: 'queue_log',
  itemsField: 'events',
  subject: eventsSubject,
  deadSubject: deadLetterSubject,
  // Asterisk writes UTF-8 (or ASCII): a line that is not valid UTF-8 is marked so the parser
  // rejects it as `invalid_utf8` instead of storing U+FFFD in place of the bytes. Only lines of
  // a chunk that failed the bulk UTF-8 check come here one by one (line-splitter.ts).
  decode: (buf, start, end) => {
    const bytes = buf.subarray(start, end);
    return isUtf8(bytes) ? bytes.toString('utf8') : INVALID_UTF8_MARK + bytes.toString('utf8');
  },
  parse: parseQueueLogLine,
  serializer: queueEventSerializer,
  ts: (e) => e.ts,
};
