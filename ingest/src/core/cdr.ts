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

const isDate = (cells: CsvCell[], i: number): boolean => DATE.test(cells[i]?.value ?? '');

function detect(cells: CsvCell[]): CdrLayout | null {
  const n = cells.length;
  if (n >= 16 && n <= 21 && isDate(cells, 9) && isDate(cells, 11)) return `csv${n}` as CdrLayout;
  if ((n === 18 || n === 19) && isDate(cells, 8) && isDate(cells, 10)) return `custom${n}` as CdrLayout;
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

const cellText = (cells: CsvCell[], i: number): string => cells[i]?.value ?? '';
function cdrTime(cells: CsvCell[], i: number, name: string, optional: boolean, fmt: CdrFormat): number | null {
  const s = cellText(cells, i);
  if (s === '' && optional) return null;
  const t = localDateTimeToEpoch(s, fmt.timeZone);
  if (t === null) throw new CdrFieldError(`bad_field:${name}`);
  return t;
}
function cdrSeconds(cells: CsvCell[], i: number, name: string): number {
  const s = cellText(cells, i);
  if (!SECONDS.test(s)) throw new CdrFieldError(`bad_field:${name}`);
  return Number(s);
}
function cdrSequence(cells: CsvCell[], i: number): number | null {
  const s = cellText(cells, i);
  if (s === '') return null;
  if (!/^\d+$/.test(s)) throw new CdrFieldError('bad_field:sequence');
  return Number(s);
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
  // Module-level helpers, not closures: a closure made per line costs (tsx keeps function names
  // by wrapping each one made: ~3 % of a CDR import's CPU for four of them).
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
      uniqueid = cellText(cells, 16);
      userfield = cellText(cells, 17);
      if (n === 19) sequence = cdrSequence(cells, 18);
    } else {
      // 16 + (uniqueid and/or userfield) + (peeraccount, linkedid, sequence when newcdrcolumns=yes).
      const extra = n - 16 >= 3 ? n - 19 : n - 16;
      if (extra === 2) {
        uniqueid = cellText(cells, 16);
        userfield = cellText(cells, 17);
      } else if (extra === 1) {
        // Only one of loguniqueid / loguserfield: tell them apart by the uniqueid shape.
        if (UNIQUEID.test(cellText(cells, 16))) uniqueid = cellText(cells, 16);
        else userfield = cellText(cells, 16);
      }
      if (n - 16 >= 3) {
        const base = 16 + extra;
        peeraccount = cellText(cells, base);
        linkedid = cellText(cells, base + 1);
        sequence = cdrSequence(cells, base + 2);
      }
    }
    // The start time follows the plausible-epoch window of queue_log lines (before 2000, or
    // more than the clock-skew tolerance ahead of the receiving clock: rejected).
    const start = cdrTime(cells, c.start, 'start', false, fmt) as number;
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
        accountcode: cellText(cells, c.accountcode),
        src: cellText(cells, c.src),
        dst: cellText(cells, c.dst),
        dcontext: cellText(cells, c.dcontext),
        clid: cellText(cells, c.clid),
        channel: cellText(cells, c.channel),
        dstchannel: cellText(cells, c.dstchannel),
        lastapp: cellText(cells, c.lastapp),
        lastdata: cellText(cells, c.lastdata),
        start,
        answer: cdrTime(cells, c.answer, 'answer', true, fmt),
        end: cdrTime(cells, c.end, 'end', false, fmt) as number,
        duration: cdrSeconds(cells, c.duration, 'duration'),
        billsec: cdrSeconds(cells, c.billsec, 'billsec'),
        disposition: cellText(cells, c.disposition),
        amaflags: cellText(cells, c.amaflags),
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
