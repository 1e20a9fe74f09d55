// Pure CDR line parser for Asterisk's two Master.csv writers (docs/pbx-formats/cdr.md):
// cdr_csv (16-21 columns: +uniqueid/userfield, +peeraccount/linkedid/sequence) and the
// cdr_custom legacy template (clid first, accountcode 16th; 18 or 19 columns). The layout is
// detected per line from where the dates are, so a file with mixed configurations still parses.
import { MAX_LINE_BYTES, type CdrLayout, type CdrRecord } from '../contract.ts';
import { splitCsvLine, type CsvCell } from './csv-line.ts';
import { REJECT, epochWindow, eventId, type LineOrigin, type ParseResult } from './queue-log.ts';
import { localDateTimeToEpoch } from './time.ts';

export interface CdrFormat {
  /** Zone of the date cells: `UTC` for usegmtime=yes (the sample cdr.conf), else the PBX's zone. */
  timeZone: string;
}

const DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/;
const UNIQUEID = /^([A-Za-z0-9_.-]+-)?\d+\.\d+$/;
const SECONDS = /^\d+(\.\d+)?$/;

class CdrFieldError {
  constructor(readonly reason: string) {}
}

function detect(cells: CsvCell[]): CdrLayout | null {
  const n = cells.length;
  const isDate = (i: number): boolean => DATE.test(cells[i]?.value ?? '');
  if (n >= 16 && n <= 21 && isDate(9) && isDate(11)) return `csv${n}` as CdrLayout;
  if ((n === 18 || n === 19) && isDate(8) && isDate(10)) return `custom${n}` as CdrLayout;
  return null;
}

/**
 * True when a line has the shape of a CDR row of one of the known layouts (a CSV header row
 * counts too): how `tablero import` tells a Master.csv from a queue_log without `--kind`.
 */
export function looksLikeCdr(line: string): boolean {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (isCdrHeader(text)) return true;
  const cells = splitCsvLine(text);
  return cells !== null && detect(cells) !== null;
}

/** A CSV header row some exports add (cdr_csv itself writes none). */
export function isCdrHeader(line: string): boolean {
  return /^"?(accountcode|clid|calldate)"?\s*,/i.test(line);
}

export function parseCdrLine(line: string, at: LineOrigin, fmt: CdrFormat): ParseResult<CdrRecord> {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (text.length === 0) return { ok: false, reason: REJECT.empty, line };
  // Same rules as queue_log lines (kpi-definitions §11): a NUL byte is never written by Asterisk.
  if (text.indexOf('\0') >= 0) return { ok: false, reason: REJECT.nulByte, line };
  if (text.length > MAX_LINE_BYTES || (text.length * 3 > MAX_LINE_BYTES && Buffer.byteLength(text, 'utf8') > MAX_LINE_BYTES)) {
    return { ok: false, reason: REJECT.tooLong, line };
  }
  const cells = splitCsvLine(text);
  if (!cells) return { ok: false, reason: 'bad_csv', line };
  const layout = detect(cells);
  if (!layout) return { ok: false, reason: 'unknown_layout', line };
  const v = (i: number): string => cells[i]?.value ?? '';
  const time = (i: number, name: string, optional: boolean): number | null => {
    const s = v(i);
    if (s === '' && optional) return null;
    const t = localDateTimeToEpoch(s, fmt.timeZone);
    if (t === null) throw new CdrFieldError(`bad_field:${name}`);
    return t;
  };
  const secs = (i: number, name: string): number => {
    const s = v(i);
    if (!SECONDS.test(s)) throw new CdrFieldError(`bad_field:${name}`);
    return Number(s);
  };
  const seq = (i: number): number | null => {
    const s = v(i);
    if (s === '') return null;
    if (!/^\d+$/.test(s)) throw new CdrFieldError('bad_field:sequence');
    return Number(s);
  };
  try {
    const custom = layout.startsWith('custom');
    // Column positions of the two writers (cdr.md §1 and §2).
    const c = custom
      ? { clid: 0, src: 1, dst: 2, dcontext: 3, channel: 4, dstchannel: 5, lastapp: 6, lastdata: 7, start: 8, answer: 9, end: 10, duration: 11, billsec: 12, disposition: 13, amaflags: 14, accountcode: 15 }
      : { accountcode: 0, src: 1, dst: 2, dcontext: 3, clid: 4, channel: 5, dstchannel: 6, lastapp: 7, lastdata: 8, start: 9, answer: 10, end: 11, duration: 12, billsec: 13, disposition: 14, amaflags: 15 };
    let uniqueid = '';
    let userfield = '';
    let peeraccount = '';
    let linkedid = '';
    let sequence: number | null = null;
    const n = cells.length;
    if (custom) {
      uniqueid = v(16);
      userfield = v(17);
      if (n === 19) sequence = seq(18);
    } else {
      // 16 + (uniqueid and/or userfield) + (peeraccount, linkedid, sequence when newcdrcolumns=yes).
      const extra = n - 16 >= 3 ? n - 19 : n - 16;
      if (extra === 2) {
        uniqueid = v(16);
        userfield = v(17);
      } else if (extra === 1) {
        // Only one of loguniqueid / loguserfield: tell them apart by the uniqueid shape.
        if (UNIQUEID.test(v(16))) uniqueid = v(16);
        else userfield = v(16);
      }
      if (n - 16 >= 3) {
        const base = 16 + extra;
        peeraccount = v(base);
        linkedid = v(base + 1);
        sequence = seq(base + 2);
      }
    }
    // The start time follows the plausible-epoch window of queue_log lines (before 2000, or
    // more than the clock-skew tolerance ahead of the receiving clock: rejected).
    const start = time(c.start, 'start', false) as number;
    const window = epochWindow(start, at);
    if (window !== null) return { ok: false, reason: window, line };
    return {
      ok: true,
      value: {
        event_id: eventId(at.fingerprint, at.offset),
        site: at.site,
        source: at.source,
        offset: at.offset,
        layout,
        accountcode: v(c.accountcode),
        src: v(c.src),
        dst: v(c.dst),
        dcontext: v(c.dcontext),
        clid: v(c.clid),
        channel: v(c.channel),
        dstchannel: v(c.dstchannel),
        lastapp: v(c.lastapp),
        lastdata: v(c.lastdata),
        start,
        answer: time(c.answer, 'answer', true),
        end: time(c.end, 'end', false) as number,
        duration: secs(c.duration, 'duration'),
        billsec: secs(c.billsec, 'billsec'),
        disposition: v(c.disposition),
        amaflags: v(c.amaflags),
        uniqueid,
        userfield,
        peeraccount,
        linkedid,
        sequence,
      },
    };
  } catch (err) {
    if (err instanceof CdrFieldError) return { ok: false, reason: err.reason, line };
    throw err;
  }
}
