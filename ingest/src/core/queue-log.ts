// Pure queue_log parsing: one raw line (file form) or one already-split row (realtime DB form)
// in, one normalized QueueEvent or a rejection out. No I/O, no clock: the caller passes where
// the line came from. Field layouts are the ones of docs/pbx-formats/queue_log.md §3-§4 and the
// rejection rules are kpi-definitions.md §11, followed exactly.
import { MAX_LINE_BYTES, STOCK_VERBS, type QueueEvent } from '../contract.ts';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string; line: string };

/** Where a line came from; `fingerprint:offset` becomes the event id. */
export interface LineOrigin {
  site: string;
  source: string;
  fingerprint: string;
  /** Byte offset of the line's first byte in its source. */
  offset: number;
  /** 1-based line number in the source (0 when unknown). */
  lineNo: number;
  /**
   * Latest plausible epoch (seconds): the receiving clock plus the clock-skew tolerance. A line
   * dated later is rejected (`epoch_in_future`); unset = not checked (the caller has no clock).
   */
  latestEpochS?: number;
}

/** The five fixed columns plus the data fields, before any per-event interpretation. */
export interface RawQueueRow {
  ts: number;
  callid: string;
  queue: string;
  agent: string;
  verb: string;
  data: string[];
}

/** Stable rejection reasons (dead-letter `reason` column). Field reasons are `missing_field:dataN` / `bad_field:dataN`. */
export const REJECT = {
  empty: 'empty',
  tooLong: 'line_too_long',
  tooFewColumns: 'too_few_columns',
  badEpoch: 'bad_epoch',
  emptyVerb: 'empty_verb',
  badTransferMethod: 'bad_transfer_method',
  /** Before 2000-01-01: no Asterisk queue_log is that old; a clock or a writer is broken. */
  epochTooOld: 'epoch_before_2000',
  /** Later than the receiving clock plus the clock-skew tolerance (`latestEpochS`). */
  epochInFuture: 'epoch_in_future',
  /** A NUL byte anywhere in the line (never written by Asterisk; it would end C strings downstream). */
  nulByte: 'nul_byte',
  /** Bytes that are not valid UTF-8 (rejected, never replaced silently). */
  invalidUtf8: 'invalid_utf8',
} as const;

/** 2000-01-01T00:00:00Z: the earliest epoch accepted. */
export const MIN_EPOCH_S = 946_684_800;
/** Default clock-skew tolerance: a line may be dated at most this far ahead of the receiving clock. */
export const DEFAULT_CLOCK_SKEW_S = 86_400;

/**
 * Put in front of the text of a line whose bytes are not valid UTF-8 by the queue_log decoder
 * (kinds.ts), so the parser can reject it. A lone low surrogate: decoding bytes as UTF-8 never
 * yields one (invalid sequences become U+FFFD), so no real line can start with it.
 */
export const INVALID_UTF8_MARK = '\udc00';

const STOCK = new Set<string>(STOCK_VERBS);

export function eventId(fingerprint: string, offset: number): string {
  return `${fingerprint}:${offset}`;
}

/**
 * Parses one queue_log line (without its `\n`). A single trailing `\r` is dropped first: Asterisk
 * never writes one, so it can only be a CRLF line ending added by an editor or a copy.
 */
export function parseQueueLogLine(line: string, at: LineOrigin): ParseResult<QueueEvent> {
  if (line.charCodeAt(0) === 0xdc00) return reject(REJECT.invalidUtf8, line.slice(1));
  const text = line.length > 0 && line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
  const n = text.length;
  if (n === 0) return reject(REJECT.empty, line);
  if (text.indexOf('\0') >= 0) return reject(REJECT.nulByte, line);
  // A UTF-8 char is at most 3 bytes per UTF-16 unit, so short lines skip the byte count.
  if (n > MAX_LINE_BYTES || (n * 3 > MAX_LINE_BYTES && Buffer.byteLength(text, 'utf8') > MAX_LINE_BYTES)) {
    return reject(REJECT.tooLong, line);
  }
  // The five fixed columns by hand (this runs once per line of a bulk import): no array of
  // them, and the epoch read in place.
  const p1 = text.indexOf('|');
  const p2 = p1 < 0 ? -1 : text.indexOf('|', p1 + 1);
  const p3 = p2 < 0 ? -1 : text.indexOf('|', p2 + 1);
  const p4 = p3 < 0 ? -1 : text.indexOf('|', p3 + 1);
  if (p4 < 0) return reject(REJECT.tooFewColumns, line);
  const ts = parseEpochIn(text, 0, p1);
  if (ts === null) return reject(REJECT.badEpoch, line);
  const window = epochWindow(ts, at);
  if (window !== null) return reject(window, line);
  const p5 = text.indexOf('|', p4 + 1);
  const verb = p5 < 0 ? text.slice(p4 + 1) : text.slice(p4 + 1, p5);
  if (verb.length === 0) return reject(REJECT.emptyVerb, line);
  const row: RawQueueRow = {
    ts,
    callid: text.slice(p1 + 1, p2),
    queue: text.slice(p2 + 1, p3),
    agent: text.slice(p3 + 1, p4),
    verb,
    data: p5 < 0 ? [] : text.slice(p5 + 1).split('|'),
  };
  return normalizeQueueRow(row, at, line);
}

/** The plausible-epoch rule (kpi-definitions §11): null when `ts` is inside the window. */
export function epochWindow(ts: number, at: Pick<LineOrigin, 'latestEpochS'>): string | null {
  if (ts < MIN_EPOCH_S) return REJECT.epochTooOld;
  if (at.latestEpochS !== undefined && ts > at.latestEpochS) return REJECT.epochInFuture;
  return null;
}

/** Digits only, and small enough to be an exact JS integer. */
export function parseEpoch(s: string): number | null {
  return parseEpochIn(s, 0, s.length);
}

/** `parseEpoch` of `s[from..to)`, without cutting it out. */
function parseEpochIn(s: string, from: number, to: number): number | null {
  if (to <= from || to - from > 15) return null;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    n = n * 10 + c;
  }
  return n;
}

/** An optionally negative decimal integer (Asterisk prints `%ld`/`%d`), else null. */
export function parseIntField(s: string | undefined): number | null {
  if (s === undefined || s.length === 0 || s.length > 16) return null;
  let i = 0;
  const neg = s.charCodeAt(0) === 45;
  if (neg) {
    if (s.length === 1) return null;
    i = 1;
  }
  let n = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    n = n * 10 + c;
  }
  return neg ? -n : n;
}

class FieldError {
  constructor(readonly reason: string) {}
}

/** A numeric field the rules require: missing or non-integer rejects the line. */
function required(data: string[], index: number): number {
  const s = data[index];
  if (s === undefined || s.length === 0) throw new FieldError(`missing_field:data${index + 1}`);
  const n = parseIntField(s);
  if (n === null) throw new FieldError(`bad_field:data${index + 1}`);
  return n;
}

/** The rest of the data fields from `index`, re-joined: values that may contain `|` themselves. */
function restFrom(data: string[], index: number): string {
  return data.length <= index ? '' : data.length === index + 1 ? (data[index] as string) : data.slice(index).join('|');
}

/**
 * Interprets the data fields of one row by its verb. Shared by the file-line parser and the
 * realtime-row parser. `raw` is what a rejection reports as the offending line.
 */
export function normalizeQueueRow(row: RawQueueRow, at: LineOrigin, raw: string): ParseResult<QueueEvent> {
  const d = row.data;
  let wait: number | null = null;
  let talk: number | null = null;
  let ring: number | null = null;
  let position: number | null = null;
  let origPosition: number | null = null;
  let caller = '';
  let info = '';
  const custom = !STOCK.has(row.verb);
  if (!custom) {
    try {
      switch (row.verb) {
        case 'ENTERQUEUE':
          // url|callerid[|origposition[|calleridname]] (origposition since 1.8, name since 20.14).
          caller = d[1] ?? '';
          origPosition = parseIntField(d[2]);
          info = restFrom(d, 3);
          break;
        case 'CONNECT':
          // holdtime[|bridged uniqueid[|ringtime s]] (1.2 / 1.4 / 1.6+).
          wait = required(d, 0);
          info = d[1] ?? '';
          break;
        case 'COMPLETECALLER':
        case 'COMPLETEAGENT':
          wait = required(d, 0);
          talk = required(d, 1);
          origPosition = parseIntField(d[2]);
          break;
        case 'TRANSFER':
          // 1.2 logs only exten|context; 1.4 adds hold|talk, 1.6.1 origposition.
          info = `${d[0] ?? ''}@${d[1] ?? ''}`;
          if (d.length !== 2) {
            wait = required(d, 2);
            talk = required(d, 3);
            origPosition = parseIntField(d[4]);
          }
          break;
        case 'BLINDTRANSFER':
          info = `${d[0] ?? ''}@${d[1] ?? ''}`;
          wait = required(d, 2);
          talk = required(d, 3);
          origPosition = parseIntField(d[4]);
          break;
        case 'ATTENDEDTRANSFER': {
          // method tokens first: BRIDGE|uid and APP|name take 2 fields, LINK|chan1|chan2 takes 3.
          const method = d[0] ?? '';
          const tokens = method === 'BRIDGE' || method === 'APP' ? 2 : method === 'LINK' ? 3 : 0;
          if (tokens === 0) throw new FieldError(REJECT.badTransferMethod);
          info = d.slice(0, tokens).join('|');
          wait = required(d, tokens);
          talk = required(d, tokens + 1);
          origPosition = parseIntField(d[tokens + 2]);
          break;
        }
        case 'ABANDON':
        case 'EXITEMPTY':
          position = parseIntField(d[0]);
          origPosition = parseIntField(d[1]);
          wait = required(d, 2);
          break;
        case 'WITHDRAW':
          position = parseIntField(d[0]);
          origPosition = parseIntField(d[1]);
          wait = required(d, 2);
          info = restFrom(d, 3);
          break;
        case 'EXITWITHTIMEOUT':
          // 1.2-1.4 and some 1.6-12 code paths log only `position`: the wait is then exit - enter,
          // which only the processor can compute, so wait_s stays null.
          if (d.length === 1) {
            position = required(d, 0);
          } else {
            position = parseIntField(d[0]);
            origPosition = parseIntField(d[1]);
            wait = required(d, 2);
          }
          break;
        case 'EXITWITHKEY':
          // key|position before 1.8.25 / 11.7, key|position|origposition|waittime after.
          info = d[0] ?? '';
          if (d.length === 2) {
            position = required(d, 1);
          } else {
            position = parseIntField(d[1]);
            origPosition = parseIntField(d[2]);
            wait = required(d, 3);
          }
          break;
        case 'RINGNOANSWER':
        case 'RINGCANCELED':
          ring = parseIntField(d[0]);
          break;
        case 'OUTCALL':
          info = d[0] ?? '';
          talk = parseIntField(d[1]);
          break;
        case 'ADDMEMBER':
        case 'PENALTY':
        case 'RINGINUSE':
        case 'AGENTLOGIN':
        case 'AGENTLOGOFF':
        case 'AGENTCALLBACKLOGIN':
        case 'AGENTCALLBACKLOGOFF':
          // PAUSED flag, penalty, ringinuse 0/1, login channel, exten@context.
          info = d[0] ?? '';
          break;
        case 'PAUSE':
        case 'UNPAUSE':
        case 'PAUSEALL':
        case 'UNPAUSEALL':
          // The reason is free text and may itself contain `|`.
          info = restFrom(d, 0);
          break;
        default:
          // REMOVEMEMBER, AGENTDUMP, SYSCOMPAT, QUEUESTART, CONFIGRELOAD: nothing to interpret.
          break;
      }
    } catch (err) {
      if (err instanceof FieldError) return reject(err.reason, raw);
      throw err;
    }
  }
  return {
    ok: true,
    value: {
      event_id: eventId(at.fingerprint, at.offset),
      site: at.site,
      source: at.source,
      offset: at.offset,
      ts: row.ts,
      callid: row.callid,
      queue: row.queue,
      agent: row.agent,
      verb: row.verb,
      custom,
      wait_s: wait,
      talk_s: talk,
      ring_ms: ring,
      position,
      orig_position: origPosition,
      caller,
      info,
      data: d,
    },
  };
}

function reject(reason: string, line: string): { ok: false; reason: string; line: string } {
  return { ok: false, reason, line };
}
