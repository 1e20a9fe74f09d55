// Source kind -> its parser spec. CDR dates need the source's time zone (the file does not say).
import { isUtf8 } from 'node:buffer';
import { cdrSubject, deadLetterSubject, type CdrRecord } from '../contract.ts';
import { isCdrHeader, looksLikeCdr, parseCdrLine } from './cdr.ts';
import { QUEUE_LOG_KIND, type KindSpec, type SourceKind } from './kinds.ts';
import { isValidTimeZone } from './time.ts';

export interface KindOptions {
  /** Zone of CDR date cells; default `UTC` (the sample cdr.conf ships usegmtime=yes). */
  timeZone?: string;
}

export class UnknownTimeZoneError extends Error {
  override name = 'UnknownTimeZoneError';
}

export function cdrKind(timeZone: string): KindSpec<CdrRecord> {
  if (!isValidTimeZone(timeZone)) throw new UnknownTimeZoneError(`unknown time zone "${timeZone}"`);
  const fmt = { timeZone };
  return {
    kind: 'cdr',
    itemsField: 'records',
    subject: cdrSubject,
    deadSubject: deadLetterSubject,
    // Master.csv may hold Latin-1 caller names (raw 0xA5 bytes in a real sample): read a line
    // as Latin-1 when it is not valid UTF-8, so no byte is lost or replaced.
    decode: (buf, start, end) => {
      const bytes = buf.subarray(start, end);
      return isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1');
    },
    parse: (line, at) => parseCdrLine(line, at, fmt),
    ts: (r) => r.start,
    skip: (line, lineNo) => lineNo === 1 && isCdrHeader(line),
  };
}

export function kindSpec(kind: SourceKind, opts: KindOptions = {}): KindSpec<unknown> {
  switch (kind) {
    case 'queue_log':
      return QUEUE_LOG_KIND as KindSpec<unknown>;
    case 'cdr':
      return cdrKind(opts.timeZone ?? 'UTC') as KindSpec<unknown>;
  }
}

/**
 * The kind of a file from its first line (bytes up to the first newline): a CDR row of a known
 * layout (or a CDR CSV header) is `cdr`, anything else `queue_log` (whose parser then says what
 * is wrong with each line). A queue_log line never has a CDR layout: it has no commas in the
 * places where a CDR row has its dates.
 */
export function detectKind(firstLine: Uint8Array): SourceKind {
  const text = Buffer.from(firstLine.buffer, firstLine.byteOffset, firstLine.byteLength).toString('latin1').replace(/^\u00ef\u00bb\u00bf/, '');
  return looksLikeCdr(text) ? 'cdr' : 'queue_log';
}
