// XLSX of the monthly report (exceljs): sheets summary, by day, by hour, by agent, escalations
// (only when the month has some), call funnel (only when funnel services are configured), other
// channels (only when the month has contacts), definitions.
// Numbers are numbers: counts with format 0, seconds 0.00, percentages stored as fractions with
// format 0.00% (83.33 % is the cell value 0.8333). Header rows frozen, widths fitted to content.
// Deterministic: fixed document dates and ZIP entry times (the report's period start), so the
// bytes depend on the content only.
import type ExcelJS from 'exceljs';
import { lazyModule } from '../../lazy-module.ts';
import { kindDecimals, type CellValue, type ColumnKind, type ReportLayout, type SectionLayout, type Table } from '../core/layout.ts';
import { setZipTimes } from '../core/zip-time.ts';

export const NUM_FMT: Record<ColumnKind, string | undefined> = { text: undefined, int: '0', pct: '0.00%', sec: '0.00', dec: '0.00', dec3: '0.000' };
const MAX_HEADER_WIDTH = 22;
const MAX_WIDTH = 80;
/** exceljs, loaded on the first workbook (lazy-module.ts). */
export const exceljs = lazyModule<typeof ExcelJS>('exceljs');

export function cellValue(v: CellValue, kind: ColumnKind): string | number | null {
  if (v === null) return null;
  // Percent values carry 2 decimals; hundredths as an integer first, so 83.33 becomes exactly 0.8333.
  if (kind === 'pct' && typeof v === 'number') return Math.round(v * 100) / 10_000;
  return v;
}

function shown(v: CellValue, kind: ColumnKind): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  const d = kindDecimals(kind);
  return kind === 'pct' ? `${v.toFixed(2)} %` : d === 0 ? String(v) : v.toFixed(d);
}

/** A table with a bold header row at `firstRow`, column number formats and fitted widths (also used by the quality report). */
export function addTable(ws: ExcelJS.Worksheet, table: Table, firstRow: number): void {
  const header = ws.getRow(firstRow);
  table.columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = { bold: true };
    cell.alignment = { wrapText: true, vertical: 'top' };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
  });
  header.commit();
  // Number formats on the columns, before the rows: new cells take their column's style, which
  // is much cheaper than one style object per cell (10,000 agent rows).
  table.columns.forEach((c, i) => {
    const fmt = NUM_FMT[c.kind];
    if (fmt) ws.getColumn(i + 1).numFmt = fmt;
  });
  table.rows.forEach((r, ri) => {
    const row = ws.getRow(firstRow + 1 + ri);
    r.forEach((v, i) => {
      row.getCell(i + 1).value = cellValue(v, table.columns[i]?.kind ?? 'text');
    });
  });
  table.columns.forEach((c, i) => {
    let w = Math.min(c.header.length, MAX_HEADER_WIDTH);
    for (const r of table.rows) w = Math.max(w, shown(r[i] ?? null, c.kind).length);
    ws.getColumn(i + 1).width = Math.min(w + 2, MAX_WIDTH);
  });
  ws.views = [{ state: 'frozen', xSplit: 1, ySplit: firstRow, topLeftCell: ws.getCell(firstRow + 1, 2).address, activeCell: 'A1' }];
}

/** A sheet of its own: the table first (its header frozen like the other sheets), the label / value lines below it. */
function addSection(ws: ExcelJS.Worksheet, s: SectionLayout): void {
  addTable(ws, s.table, 1);
  const first = s.table.rows.length + 3;
  s.lines.forEach(([k, v], i) => {
    ws.getCell(first + i, 1).value = k;
    ws.getCell(first + i, 1).font = { bold: true };
    ws.getCell(first + i, 2).value = v;
  });
}

/** A report workbook whose document dates are the report's fixed date (same input, same bytes). */
export function openReportWorkbook(title: string, fixedDate: Date): ExcelJS.Workbook {
  const wb = new (exceljs().Workbook)();
  wb.creator = 'Tablero';
  wb.lastModifiedBy = 'Tablero';
  wb.created = fixedDate;
  wb.modified = fixedDate;
  wb.title = title;
  return wb;
}

/** The workbook's bytes with every ZIP entry dated at the report's fixed date. */
export async function reportWorkbookBytes(wb: ExcelJS.Workbook, fixedDate: Date): Promise<Buffer> {
  return setZipTimes(Buffer.from(await wb.xlsx.writeBuffer()), fixedDate);
}

export interface XlsxOptions {
  /** Document dates and ZIP entry times. */
  fixedDate: Date;
}

export async function writeXlsx(layout: ReportLayout, o: XlsxOptions): Promise<Buffer> {
  const wb = openReportWorkbook(`${layout.title} ${layout.period}`, o.fixedDate);

  const summary = wb.addWorksheet(layout.summary.name);
  const title = summary.getCell(1, 1);
  title.value = `${layout.title} ${layout.period}`;
  title.font = { bold: true, size: 14 };
  summary.getCell(2, 1).value = layout.warning ?? layout.status;
  if (layout.warning) summary.getCell(2, 1).font = { bold: true, color: { argb: 'FFC00000' } };
  addTable(summary, layout.summary, 4);

  for (const t of [layout.by_day, layout.by_hour, layout.by_agent]) addTable(wb.addWorksheet(t.name), t, 1);

  if (layout.escalations) addSection(wb.addWorksheet(layout.t.esc.sheet), layout.escalations);
  if (layout.funnel) addSection(wb.addWorksheet(layout.t.fun.sheet), layout.funnel);
  if (layout.channels) addSection(wb.addWorksheet(layout.t.chn.sheet), layout.channels);

  const defs = wb.addWorksheet(layout.t.sheet.definitions);
  const lines: Array<[string, string]> = [...layout.definitions, layout.generated];
  lines.forEach(([k, v], i) => {
    defs.getCell(i + 1, 1).value = k;
    defs.getCell(i + 1, 1).font = { bold: true };
    defs.getCell(i + 1, 2).value = v;
  });
  defs.getColumn(1).width = Math.max(...lines.map(([k]) => k.length)) + 2;
  defs.getColumn(2).width = Math.min(Math.max(...lines.map(([, v]) => v.length)) + 2, 120);
  const qd = layout.queue_definitions;
  const start = lines.length + 2;
  defs.getCell(start, 1).value = qd.name;
  defs.getCell(start, 1).font = { bold: true, size: 12 };
  qd.columns.forEach((c, i) => {
    const cell = defs.getCell(start + 1, i + 1);
    cell.value = c.header;
    cell.font = { bold: true };
    cell.alignment = { wrapText: true, vertical: 'top' };
  });
  qd.rows.forEach((r, ri) => r.forEach((v, i) => {
    const kind = qd.columns[i]?.kind ?? 'text';
    const cell = defs.getCell(start + 2 + ri, i + 1);
    cell.value = cellValue(v, kind);
    const fmt = NUM_FMT[kind];
    if (fmt) cell.numFmt = fmt;
  }));
  defs.views = [{ state: 'normal', activeCell: 'A1' }];

  return reportWorkbookBytes(wb, o.fixedDate);
}
