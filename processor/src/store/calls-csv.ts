// The whole list of calls behind a figure as CSV (GET /api/calls.csv): UTF-8 with a BOM, CRLF,
// `;` (Spanish convention, decimal comma) or `,`; cells escaped like the monthly report's
// (reports/core/csv.ts, formulas neutralised). Streamed page by page, so a month of a million
// stints never sits in memory. Headers are the JSON field names (stable for scripts), plus the
// local enter time in the list's zone first.
import type { ClickHouse } from '@tablero/sql';
import { maskCaller } from '../caller-mask.ts';
import type { CallListRow, CallsPageStart, CallsQuery } from '../contract.ts';
import { localParts } from '../core/calendar.ts';
import { csvText, type CsvSeparator } from '../reports/core/csv.ts';
import { streamCalls, type CallsReadOptions } from './calls-query.ts';

const BOM = '\uFEFF';
const EOL = '\r\n';
export const CALL_COLUMNS = [
  'enter_local', 'enter_ts', 'end_ts', 'site', 'queue', 'callid', 'caller', 'wait_s', 'talk_s', 'outcome', 'agent',
  'transferred', 'in_hours', 'short_abandon', 'within_t', 'period', 'figures',
] as const;

export interface CallsCsvOptions {
  sep: CsvSeparator;
  /** Show only the last 3 digits of caller numbers (the one maskCaller). */
  maskCallers: boolean;
}

function local(iso: string, tz: string): string {
  const p = localParts(Date.parse(iso) / 1000, tz);
  const d2 = (n: number): string => String(n).padStart(2, '0');
  return `${p.year}-${d2(p.month)}-${d2(p.day)} ${d2(p.hour)}:${d2(p.minute)}:${d2(p.second)}`;
}

/** One row's cells in COLUMNS order (the CSV writes them as text, the XLSX as numbers where they are). */
export function callCells(r: CallListRow, tz: string, maskCallers: boolean): Array<string | number | null> {
  const flag = (b: boolean): number => (b ? 1 : 0);
  return [
    local(r.enter_ts, tz), r.enter_ts, r.end_ts, r.site, r.queue, r.callid, maskCallers ? maskCaller(r.caller) : r.caller,
    r.wait_s, r.talk_s, r.outcome, r.agent, flag(r.transferred), flag(r.in_hours), flag(r.short_abandon), flag(r.within_t),
    r.period, r.figures.join(' '),
  ];
}

function line(r: CallListRow, tz: string, o: CallsCsvOptions): string {
  return callCells(r, tz, o.maskCallers).map((c) => csvText(c === null ? '' : String(c), o.sep)).join(o.sep);
}

/** The list's total and definition (known before the first byte), then the CSV text in chunks. */
export async function callsCsv(ch: ClickHouse, q: CallsQuery, ro: CallsReadOptions, o: CallsCsvOptions): Promise<CallsPageStart & { chunks: AsyncIterable<string> }> {
  const it = streamCalls(ch, q, ro);
  const first = await it.next();
  const start = first.value as CallsPageStart;
  async function* chunks(): AsyncGenerator<string> {
    yield BOM + CALL_COLUMNS.join(o.sep) + EOL;
    for await (const page of it) {
      if (Array.isArray(page)) yield page.map((r) => line(r, start.tz, o) + EOL).join('');
    }
  }
  return { ...start, chunks: chunks() };
}
