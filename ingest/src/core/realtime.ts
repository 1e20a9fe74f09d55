// queue_log rows exported from a realtime database table (MySQL/PostgreSQL `queue_log`,
// FreePBX `asteriskcdrdb.queuelog`): `time` is a local wall-clock string in a configured zone,
// and the data string is either one `data` column or `data1..data5` where data5 keeps the rest
// of the string with its pipes (adaptive mode, queue_log.md §2). Rows are turned back into the
// file form's data fields and interpreted by the same code as file lines.
import { MAX_LINE_BYTES, type QueueEvent } from '../contract.ts';
import { REJECT, epochWindow, normalizeQueueRow, type LineOrigin, type ParseResult } from './queue-log.ts';
import { localDateTimeToEpoch } from './time.ts';

export interface RealtimeFormat {
  /** IANA zone of the `time` column (`UTC` when Asterisk ran with queue_log_realtime_use_gmt). */
  timeZone: string;
  /** Column separator of the exported text. With `|`, everything after the fixed columns is data. */
  separator: '|' | '\t';
  /** Column names in file order; other names (`id`, `partition`, `serverid`) are ignored. */
  columns?: string[];
}

export const DEFAULT_REALTIME_COLUMNS = ['time', 'callid', 'queuename', 'agent', 'event', 'data1', 'data2', 'data3', 'data4', 'data5'];

/** One exported row, by column name (`queuename` may also be called `queue`, `event` `verb`). */
export function parseRealtimeRow(row: Record<string, string | undefined>, at: LineOrigin, timeZone: string, raw: string): ParseResult<QueueEvent> {
  const time = row.time ?? '';
  const ts = localDateTimeToEpoch(time.trim(), timeZone);
  if (ts === null) return { ok: false, reason: 'bad_time', line: raw };
  const outside = epochWindow(ts, at);
  if (outside !== null) return { ok: false, reason: outside, line: raw };
  const verb = row.event ?? row.verb ?? '';
  if (verb.length === 0) return { ok: false, reason: REJECT.emptyVerb, line: raw };
  let dataText: string;
  if (row.data !== undefined) {
    dataText = row.data;
  } else {
    // Trailing empty columns are what the file form does not have (`UNPAUSE|` has one empty field).
    const cols = [row.data1, row.data2, row.data3, row.data4, row.data5].map((v) => v ?? '');
    while (cols.length > 1 && cols[cols.length - 1] === '') cols.pop();
    dataText = cols.join('|');
  }
  return normalizeQueueRow(
    { ts, callid: row.callid ?? '', queue: row.queuename ?? row.queue ?? '', agent: row.agent ?? '', verb, data: dataText.split('|') },
    at,
    raw,
  );
}

/** One line of a pipe- or tab-separated export. */
export function parseRealtimeLine(line: string, at: LineOrigin, fmt: RealtimeFormat): ParseResult<QueueEvent> {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (text.length === 0) return { ok: false, reason: REJECT.empty, line };
  if (text.length > MAX_LINE_BYTES || Buffer.byteLength(text, 'utf8') > MAX_LINE_BYTES) return { ok: false, reason: REJECT.tooLong, line };
  const columns = fmt.columns ?? DEFAULT_REALTIME_COLUMNS;
  const cells = text.split(fmt.separator);
  const firstData = columns.findIndex((c) => c === 'data' || c === 'data1');
  const fixed = firstData < 0 ? columns.length : firstData;
  if (cells.length < Math.min(fixed, 5)) return { ok: false, reason: REJECT.tooFewColumns, line };
  const row: Record<string, string> = {};
  for (let i = 0; i < fixed; i++) row[columns[i] as string] = cells[i] ?? '';
  if (firstData >= 0) {
    if (fmt.separator === '|') {
      // The data string's own pipes are indistinguishable from separators: take all the rest,
      // minus the empty trailing data columns (as parseRealtimeRow does for named columns).
      const rest = cells.slice(fixed);
      if (columns[fixed] === 'data1') while (rest.length > 1 && rest[rest.length - 1] === '') rest.pop();
      row.data = rest.join('|');
    } else {
      for (let i = fixed; i < columns.length; i++) row[columns[i] as string] = cells[i] ?? '';
      if (columns[fixed] === 'data') row.data = cells.slice(fixed).join('\t');
    }
  }
  return parseRealtimeRow(row, at, fmt.timeZone, line);
}

/**
 * Rows of psql's aligned table output (`psql` default format): a header line of
 * `|`-separated column names, a `---+---` rule, then rows. Cells are trimmed. Blank lines and
 * text between tables are skipped; `(N rows)` footers are ignored.
 */
export function parsePsqlTables(text: string): Array<{ row: Record<string, string>; lineNo: number; raw: string }> {
  const out: Array<{ row: Record<string, string>; lineNo: number; raw: string }> = [];
  const lines = text.split('\n');
  let header: string[] | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (header === null) {
      if (line.includes('|') && /^\s*-+(\+-+)+\s*$/.test(lines[i + 1] ?? '')) {
        header = line.split('|').map((c) => c.trim());
        i += 1;
      }
      continue;
    }
    // A table ends at the first line that is not a row (blank line, `(N rows)` footer, prose).
    if (line.trim() === '' || !line.includes('|')) {
      header = null;
      continue;
    }
    const cells = line.split('|').map((c) => c.trim());
    const row: Record<string, string> = {};
    header.forEach((name, k) => (row[name] = cells[k] ?? ''));
    out.push({ row, lineNo: i + 1, raw: line });
  }
  return out;
}
