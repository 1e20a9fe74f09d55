// XLSX (exceljs) and PDF (pdfkit, A4 landscape) of the monthly quality report, drawn with the
// indicator report's table writers (addTable, drawTable), so both reports format cells alike:
// percentages as fractions with format 0.00 % in XLSX, decimal commas in Spanish PDFs.
// Deterministic like the indicator report: fixed document dates and ZIP entry times (the month's
// first instant), the built-in Helvetica; the bytes depend on the content and generation line only.
import type { Table } from '../core/layout.ts';
import { drawTable, heading, openReportPdf, pageFooters } from '../render/pdf.ts';
import { addTable, openReportWorkbook, reportWorkbookBytes } from '../render/xlsx.ts';
import type { QualityLayout } from './layout.ts';

const MARGIN = 36;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';

export async function writeQualityXlsx(layout: QualityLayout, o: { fixedDate: Date }): Promise<Buffer> {
  const wb = openReportWorkbook(`${layout.title} ${layout.period}`, o.fixedDate);

  // First sheet: the title, then the figures per team (the coordinators' first look).
  const summary = wb.addWorksheet(layout.t.sheet.summary);
  summary.getCell(1, 1).value = `${layout.title} ${layout.period}`;
  summary.getCell(1, 1).font = { bold: true, size: 14 };
  summary.getCell(2, 1).value = `${layout.t.def.tz}: ${layout.info.find(([k]) => k === layout.t.def.tz)?.[1] ?? ''} · ${layout.generated[0]}: ${layout.generated[1]}`;
  addTable(summary, layout.teams, 4);

  for (const t of [layout.agents, layout.calibration, layout.analysts, layout.surveys_queue, layout.surveys_agent, layout.training_teams, layout.training_agents]) addTable(wb.addWorksheet(t.name), t, 1);

  const defs = wb.addWorksheet(layout.t.sheet.definitions);
  const lines = [...layout.info, layout.generated];
  lines.forEach(([k, v], i) => {
    defs.getCell(i + 1, 1).value = k;
    defs.getCell(i + 1, 1).font = { bold: true };
    defs.getCell(i + 1, 2).value = v;
  });
  defs.getColumn(1).width = Math.max(...lines.map(([k]) => k.length)) + 2;
  defs.getColumn(2).width = Math.min(Math.max(...lines.map(([, v]) => v.length)) + 2, 120);

  return reportWorkbookBytes(wb, o.fixedDate);
}

export async function writeQualityPdf(layout: QualityLayout, o: { fixedDate: Date }): Promise<Buffer> {
  const t = layout.t;
  const { doc, bytes } = openReportPdf(`${layout.title} ${layout.period}`, o.fixedDate);
  const width = doc.page.width - 2 * MARGIN;
  const section = (table: Table, firstWidth: number): void => {
    // Keep a heading with at least its header and a few rows.
    if (doc.y + 80 > doc.page.height - MARGIN - 14) doc.addPage();
    heading(doc, table.name);
    if (table.rows.length === 0) {
      doc.font(FONT).fontSize(8).fillColor('#000000').text(t.def.none, MARGIN, doc.y, { width });
    } else {
      drawTable(doc, layout, table.columns, table.rows, firstWidth);
    }
    doc.moveDown(0.8);
  };

  doc.font(BOLD).fontSize(18).fillColor('#000000').text(`${layout.title} ${layout.period}`, MARGIN, MARGIN, { width });
  doc.moveDown(0.2);
  doc.font(FONT).fontSize(9).text(`${t.def.tz}: ${layout.info.find(([k]) => k === t.def.tz)?.[1] ?? ''}   ${layout.generated[0]}: ${layout.generated[1]}`, { width });
  doc.moveDown(0.6);
  section(layout.teams, 110);
  section(layout.agents, 110);
  doc.addPage();
  section(layout.calibration, 150);
  section(layout.analysts, 150);
  doc.addPage();
  section(layout.surveys_queue, 110);
  section(layout.surveys_agent, 110);
  doc.addPage();
  section(layout.training_teams, 110);
  section(layout.training_agents, 110);

  doc.addPage();
  heading(doc, t.sheet.definitions, 12);
  for (const [k, v] of [...layout.info, layout.generated]) {
    const y = doc.y;
    doc.font(BOLD).fontSize(8).fillColor('#000000').text(k, MARGIN, y, { width: 150 });
    const h1 = doc.y - y;
    doc.font(FONT).text(v, MARGIN + 155, y, { width: width - 155 });
    doc.y = Math.max(doc.y, y + h1) + 2;
  }

  pageFooters(doc, `${layout.title} ${layout.period}`, (page, pages) => t.def.page(page, pages));
  doc.end();
  return bytes;
}
