// The whole list of calls behind a figure as an Excel workbook (GET /api/calls.xlsx): sheet
// "calls" with the CSV's columns (calls-csv.ts; numbers and 0/1 flags as numbers, so Excel shows
// them in the reader's own convention), sheet "definition" with the list's stated definition and
// total. Written by exceljs' streaming writer page by page: a month of a million stints never
// sits in memory as a workbook.
import { PassThrough } from 'node:stream';
import type { ClickHouse } from '@tablero/sql';
import type { CallsPageStart, CallsQuery } from '../contract.ts';
import { CALL_COLUMNS, callCells } from './calls-csv.ts';
import { streamCalls, type CallsReadOptions } from './calls-query.ts';
import { exceljs } from '../reports/render/xlsx.ts';

export interface CallsXlsxOptions {
  /** Show only the last 3 digits of caller numbers. */
  maskCallers: boolean;
}

const WIDTHS: Partial<Record<(typeof CALL_COLUMNS)[number], number>> = { enter_local: 20, enter_ts: 21, end_ts: 21, callid: 18, caller: 14, figures: 40 };

/** The list's total and definition (known before the first byte), then the workbook's bytes as a stream. */
export async function callsXlsx(ch: ClickHouse, q: CallsQuery, ro: CallsReadOptions, o: CallsXlsxOptions): Promise<CallsPageStart & { stream: NodeJS.ReadableStream }> {
  const it = streamCalls(ch, q, ro);
  const start = (await it.next()).value as CallsPageStart;
  const out = new PassThrough();
  const wb = new (exceljs().stream.xlsx.WorkbookWriter)({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet('calls', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = CALL_COLUMNS.map((c) => ({ header: c, key: c, width: WIDTHS[c] ?? 10 }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  const write = async (): Promise<void> => {
    for await (const page of it) {
      if (!Array.isArray(page)) continue;
      for (const r of page) ws.addRow(callCells(r, start.tz, o.maskCallers)).commit();
    }
    ws.commit();
    const def = wb.addWorksheet('definition');
    def.columns = [{ header: 'field', key: 'k', width: 24 }, { header: 'value', key: 'v', width: 40 }];
    def.addRow(['total', start.total]).commit();
    def.addRow(['tz', start.tz]).commit();
    for (const [k, v] of Object.entries(start.definition)) def.addRow([k, Array.isArray(v) ? v.join(' ') : typeof v === 'boolean' ? String(v) : v]).commit();
    def.commit();
    await wb.commit();
  };
  write().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return { ...start, stream: out };
}
