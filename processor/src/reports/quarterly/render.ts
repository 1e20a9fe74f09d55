// CSV, XLSX (exceljs) and PDF (pdfkit, A4 landscape) of the quarterly complaints report, drawn
// with the monthly report's cell writers (csvCell, addTable, drawTable), so numbers look alike:
// percentages as fractions with format 0.00 % in XLSX, decimal commas in Spanish CSV (`;`) and
// PDF. Deterministic like the monthly report: fixed document dates and ZIP entry times (the
// quarter's first instant), so two exports of a closed quarter differ in the generation line only.
import { csvCell, csvText, type CsvSeparator } from '../core/csv.ts';
import type { Table } from '../core/layout.ts';
import { drawTable, heading, openReportPdf, pageFooters } from '../render/pdf.ts';
import { addTable, openReportWorkbook, reportWorkbookBytes } from '../render/xlsx.ts';
import type { QuarterlyLayout } from './layout.ts';

const MARGIN = 36;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';

export function writeQuarterlyCsv(layout: QuarterlyLayout, sep: CsvSeparator): Buffer {
  const section = (table: Table): string[] => [
    csvText(table.name, sep),
    table.columns.map((c) => csvText(c.header, sep)).join(sep),
    ...table.rows.map((r) => r.map((v, i) => csvCell(v, table.columns[i]?.kind ?? 'text', sep)).join(sep)),
    '',
  ];
  const pair = ([k, v]: [string, string]): string => `${csvText(k, sep)}${sep}${csvText(v, sep)}`;
  const lines = [
    [csvText(layout.title, sep), csvText(layout.period, sep)].join(sep),
    csvText(layout.t.regulator, sep),
    ...(layout.warning ? [csvText(layout.warning, sep)] : []),
    ...layout.info.map(pair),
    '',
    ...section(layout.by_type),
    ...section(layout.by_channel),
    ...section(layout.by_area),
    ...section(layout.by_status),
    ...section(layout.tickets),
    ...layout.definitions.map(pair),
    pair(layout.generated),
  ];
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

export async function writeQuarterlyXlsx(layout: QuarterlyLayout, o: { fixedDate: Date }): Promise<Buffer> {
  const wb = openReportWorkbook(`${layout.title} ${layout.period}`, o.fixedDate);
  const summary = wb.addWorksheet(layout.t.sheet.summary);
  summary.getCell(1, 1).value = `${layout.title} ${layout.period}`;
  summary.getCell(1, 1).font = { bold: true, size: 14 };
  summary.getCell(2, 1).value = layout.t.regulator;
  let row = 3;
  if (layout.warning) summary.getCell(row++, 1).value = layout.warning;
  for (const [k, v] of layout.info) {
    summary.getCell(row, 1).value = k;
    summary.getCell(row, 1).font = { bold: true };
    summary.getCell(row, 2).value = v;
    row += 1;
  }
  summary.getColumn(1).width = 36;
  summary.getColumn(2).width = 60;
  for (const t of [layout.by_type, layout.by_channel, layout.by_area, layout.by_status, layout.tickets]) addTable(wb.addWorksheet(t.name), t, 1);
  const defs = wb.addWorksheet(layout.t.sheet.defs);
  [...layout.definitions, layout.generated].forEach(([k, v], i) => {
    defs.getCell(i + 1, 1).value = k;
    defs.getCell(i + 1, 1).font = { bold: true };
    defs.getCell(i + 1, 2).value = v;
    defs.getCell(i + 1, 2).alignment = { wrapText: true, vertical: 'top' };
  });
  defs.getColumn(1).width = 36;
  defs.getColumn(2).width = 120;
  return reportWorkbookBytes(wb, o.fixedDate);
}

export async function writeQuarterlyPdf(layout: QuarterlyLayout, o: { fixedDate: Date }): Promise<Buffer> {
  const { doc, bytes } = openReportPdf(`${layout.title} ${layout.period}`, o.fixedDate);
  const width = doc.page.width - 2 * MARGIN;
  const lines = (pairs: Array<[string, string]>, labelWidth: number): void => {
    for (const [k, v] of pairs) {
      const y = doc.y;
      doc.font(BOLD).fontSize(8).fillColor('#000000').text(k, MARGIN, y, { width: labelWidth });
      const h1 = doc.y - y;
      doc.font(FONT).text(v, MARGIN + labelWidth + 5, y, { width: width - labelWidth - 5 });
      doc.y = Math.max(doc.y, y + h1) + 2;
    }
  };
  const section = (table: Table, firstWidth: number): void => {
    if (doc.y + 80 > doc.page.height - MARGIN - 14) doc.addPage();
    heading(doc, table.name);
    drawTable(doc, layout, table.columns, table.rows, firstWidth);
    doc.moveDown(0.8);
  };
  doc.font(BOLD).fontSize(16).fillColor('#000000').text(`${layout.title} ${layout.period}`, MARGIN, MARGIN, { width });
  doc.font(FONT).fontSize(9).text(layout.t.regulator, { width });
  doc.moveDown(0.4);
  if (layout.warning) {
    doc.font(BOLD).fontSize(9).fillColor('#b00020').text(layout.warning, { width });
    doc.fillColor('#000000');
  }
  lines(layout.info, 170);
  doc.moveDown(0.6);
  section(layout.by_type, 120);
  section(layout.by_channel, 120);
  doc.addPage();
  section(layout.by_area, 120);
  section(layout.by_status, 200);
  doc.addPage();
  heading(doc, layout.t.sheet.defs, 12);
  lines([...layout.definitions, layout.generated], 170);

  const fingerprint = layout.info.find(([k]) => k === layout.t.fingerprint)?.[1] ?? '';
  pageFooters(doc, `${layout.title} ${layout.period} · ${fingerprint}`, (page, pages) => `${page} / ${pages}`);
  doc.end();
  return bytes;
}
