// PDF of the monthly report (pdfkit, A4 landscape): title and status, the summary table, the
// unanswered calls by outcome, a service-level-by-day chart per queue (ECharts SSR SVG, replayed
// as vectors by ../core/svg-subset.ts), the escalations (PQRSD) page when the month has some,
// the call funnel page when funnel services are configured, the other channels page when the
// month has contacts, the definitions page; page numbers and the data
// fingerprint on every page. Deterministic: fixed document dates (and so a fixed file id) and
// the built-in Helvetica (no font subsetting), so the bytes depend on the content only.
// Spanish numbers use a decimal comma, English a decimal point.
import type PDFDocumentClass from 'pdfkit';
import { lazyModule } from '../../lazy-module.ts';
import { kindDecimals, type CellValue, type Column, type ColumnKind, type ReportLayout, type Table } from '../core/layout.ts';
import type { MonthlyReport } from '../core/model.ts';
import { parseSvg, type SvgDrawing } from '../core/svg-subset.ts';
import { slByDaySvg } from './chart.ts';

type Doc = PDFKit.PDFDocument;
/** pdfkit, loaded on the first document (lazy-module.ts). */
const pdfkit = lazyModule<typeof PDFDocumentClass>('pdfkit');

const MARGIN = 36;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const BODY_SIZE = 8;
const CHART_H = 190;

export interface PdfOptions {
  fixedDate: Date;
}

function fmt(v: CellValue, kind: ColumnKind, lang: 'es' | 'en'): string {
  if (v === null) return '-';
  if (typeof v === 'string') return v;
  const d = kindDecimals(kind);
  const s = d === 0 ? String(v) : v.toFixed(d);
  return lang === 'es' ? s.replace('.', ',') : s;
}

function pick(t: Table, keys: string[]): { columns: Column[]; rows: CellValue[][] } {
  const idx = keys.map((k) => {
    const i = t.columns.findIndex((c) => c.key === k);
    if (i < 0) throw new RangeError(`no column ${k} in ${t.name}`);
    return i;
  });
  return { columns: idx.map((i) => t.columns[i] as Column), rows: t.rows.map((r) => idx.map((i) => r[i] ?? null)) };
}

function bottom(doc: Doc): number {
  return doc.page.height - MARGIN - 14;
}

/** A table across the page width (first column `firstWidth`), the header repeated on each new page (also used by the quality report). */
export function drawTable(doc: Doc, layout: Pick<ReportLayout, 'lang'>, cols: Column[], rows: CellValue[][], firstWidth: number): void {
  const x0 = MARGIN;
  const total = doc.page.width - 2 * MARGIN;
  const rest = (total - firstWidth) / Math.max(1, cols.length - 1);
  const widths = cols.map((_, i) => (i === 0 ? firstWidth : rest));
  doc.font(BOLD).fontSize(7);
  const headerH = Math.max(...cols.map((c, i) => doc.heightOfString(c.header, { width: (widths[i] ?? 0) - 4 }))) + 6;
  const rowH = BODY_SIZE + 6;
  const header = (): void => {
    let x = x0;
    const y = doc.y;
    doc.rect(x0, y, total, headerH).fill('#e8eef7');
    doc.fillColor('#000000').font(BOLD).fontSize(7);
    cols.forEach((c, i) => {
      const w = widths[i] ?? 0;
      doc.text(c.header, x + 2, y + 3, { width: w - 4, align: i === 0 ? 'left' : 'right' });
      x += w;
    });
    doc.y = y + headerH;
  };
  header();
  rows.forEach((r, ri) => {
    if (doc.y + rowH > bottom(doc)) {
      doc.addPage();
      header();
    }
    const y = doc.y;
    if (ri % 2 === 1) doc.rect(x0, y, total, rowH).fill('#f5f5f5');
    doc.fillColor('#000000').font(FONT).fontSize(BODY_SIZE);
    let x = x0;
    r.forEach((v, i) => {
      const w = widths[i] ?? 0;
      doc.text(fmt(v, cols[i]?.kind ?? 'text', layout.lang), x + 2, y + 3, { width: w - 4, align: i === 0 ? 'left' : 'right', lineBreak: false, ellipsis: true });
      x += w;
    });
    doc.y = y + rowH;
  });
  doc.x = MARGIN;
}

/** Replays an ECharts SVG drawing at (x, y), one SVG pixel = one point. */
export function drawSvg(doc: Doc, drawing: SvgDrawing, x: number, y: number): void {
  for (const op of drawing.ops) {
    doc.save();
    doc.transform(1, 0, 0, 1, x, y);
    doc.transform(...op.matrix);
    if (op.kind === 'path') {
      doc.path(op.d);
      if (op.stroke) {
        doc.lineWidth(op.strokeWidth).strokeColor(op.stroke.color, op.stroke.opacity);
        if (op.dash) doc.dash(op.dash[0] ?? 1, { space: op.dash[1] ?? op.dash[0] ?? 1 });
      }
      if (op.fill) doc.fillColor(op.fill.color, op.fill.opacity);
      if (op.fill && op.stroke) doc.fillAndStroke();
      else if (op.fill) doc.fill();
      else doc.stroke();
      if (op.dash) doc.undash();
    } else {
      doc.font(op.bold ? BOLD : FONT).fontSize(op.fontSize).fillColor(op.fill.color, op.fill.opacity);
      const w = doc.widthOfString(op.text);
      const tx = op.x - (op.anchor === 'middle' ? w / 2 : op.anchor === 'end' ? w : 0);
      doc.text(op.text, tx, op.y, { lineBreak: false, baseline: op.baseline });
    }
    doc.restore();
  }
}

export function heading(doc: Doc, text: string, size = 11): void {
  doc.x = MARGIN;
  doc.font(BOLD).fontSize(size).fillColor('#000000').text(text, MARGIN, doc.y, { width: doc.page.width - 2 * MARGIN });
  doc.moveDown(0.3);
}

/** Bold labels with their values beside them (definitions, escalation lines). */
function labelLines(doc: Doc, lines: Array<[string, string]>, width: number, colorOf: (label: string) => string): void {
  for (const [k, v] of lines) {
    const y = doc.y;
    doc.font(BOLD).fontSize(BODY_SIZE).fillColor(colorOf(k)).text(k, MARGIN, y, { width: 150 });
    const h1 = doc.y - y;
    doc.font(FONT).text(v, MARGIN + 155, y, { width: width - 155 });
    doc.y = Math.max(doc.y, y + h1) + 2;
    doc.fillColor('#000000');
  }
}

export async function writePdf(layout: ReportLayout, report: MonthlyReport, o: PdfOptions): Promise<Buffer> {
  const t = layout.t;
  const PDFDocument = pdfkit();
  const doc: Doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    bufferPages: true,
    info: {
      Title: `${layout.title} ${layout.period}`,
      Author: 'Tablero',
      Creator: 'Tablero',
      Producer: 'Tablero',
      CreationDate: o.fixedDate,
      ModDate: o.fixedDate,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;

  // Page 1: title, status, summary.
  doc.font(BOLD).fontSize(18).fillColor('#000000').text(`${layout.title} ${layout.period}`, MARGIN, MARGIN, { width });
  doc.moveDown(0.2);
  doc.font(FONT).fontSize(9).text(`${t.def.site}: ${report.site}   ${t.def.tz}: ${report.tz}`, { width });
  doc.text(layout.status, { width });
  if (layout.warning) {
    doc.moveDown(0.2);
    doc.font(BOLD).fontSize(9).fillColor('#c00000').text(layout.warning, { width });
    doc.fillColor('#000000');
  }
  doc.moveDown(0.6);
  heading(doc, t.sheet.summary);
  const main = pick(layout.summary, [
    'queue', 'offered', 'answered', 'answered_within', 'unanswered', 'abandoned', 'sl_pct', 'threshold_s', 'target_pct', 'met',
    'abandon_rate_pct', 'asa_s', 'aht_s', 'longest_wait_s',
  ]);
  drawTable(doc, layout, main.columns, main.rows, 90);
  doc.moveDown(0.8);
  heading(doc, t.def.unansweredByOutcome);
  const outcomes = pick(layout.summary, [
    'queue', 'abandoned', 'timeout', 'exit_key', 'exit_empty', 'withdrawn', 'failed', 'unanswered', 'refused', 'short_abandoned', 'out_of_hours',
  ]);
  drawTable(doc, layout, outcomes.columns, outcomes.rows, 90);

  // One chart per queue, two per page.
  doc.addPage();
  for (const q of report.queues) {
    if (doc.y + CHART_H + 30 > bottom(doc)) doc.addPage();
    heading(doc, t.def.slByDay(q.queue), 10);
    const svg = slByDaySvg({
      days: q.by_day.map((d) => d.day.slice(8, 10)),
      sl: q.by_day.map((d) => d.sl_pct),
      target_pct: q.definition.target_pct,
      targetLabel: t.def.targetLine,
      axisLabel: t.def.slAxis,
      width: Math.floor(width),
      height: CHART_H,
    });
    const y = doc.y;
    drawSvg(doc, parseSvg(svg), MARGIN, y);
    doc.y = y + CHART_H + 12;
    doc.x = MARGIN;
  }

  // Escalations (PQRSD), on a page of their own when the month has some.
  if (layout.escalations) {
    doc.addPage();
    heading(doc, t.esc.title, 12);
    drawTable(doc, layout, layout.escalations.table.columns, layout.escalations.table.rows, 130);
    doc.moveDown(0.8);
    labelLines(doc, layout.escalations.lines.map(([k, v]) => [k, String(v)]), width, () => '#000000');
  }

  // The call funnel, on a page of their own when funnel services are configured: the counts as a
  // table, each service's definition (text columns, too long for a cell) and the column definitions as lines.
  if (layout.funnel) {
    const fun = layout.funnel.table;
    const counts = fun.columns.filter((c) => c.key === 'service' || c.kind === 'int').map((c) => c.key);
    doc.addPage();
    heading(doc, t.fun.title, 12);
    const picked = pick(fun, counts);
    drawTable(doc, layout, picked.columns, picked.rows, 90);
    doc.moveDown(0.8);
    const texts = fun.columns.map((c, i) => [c, i] as const).filter(([c]) => c.kind === 'text' && c.key !== 'service');
    labelLines(doc, fun.rows.flatMap((r) => texts.map(([c, i]): [string, string] => [`${String(r[0])} · ${c.header}`, String(r[i] ?? '')])), width, () => '#000000');
    doc.moveDown(0.8);
    labelLines(doc, layout.funnel.lines.map(([k, v]) => [k, String(v)]), width, () => '#000000');
  }

  // Other channels, on a page of their own when the month has contacts: the main figures as a
  // table, each channel's threshold, the ratings and the column definitions as lines.
  if (layout.channels) {
    const chn = layout.channels.table;
    const shown = ['channel', 'received', 'answered', 'abandoned', 'unanswered', 'waiting', 'answered_within', 'within_pct', 'first_response_avg_s', 'first_response_max_s', 'handle_avg_s', 'rated', 'csat_pct'];
    doc.addPage();
    heading(doc, t.chn.title, 12);
    const picked = pick(chn, shown);
    drawTable(doc, layout, picked.columns, picked.rows, 90);
    doc.moveDown(0.8);
    const at = chn.columns.findIndex((c) => c.key === 'threshold');
    labelLines(doc, chn.rows.map((r): [string, string] => [`${String(r[0])} · ${t.chn.col.threshold}`, String(r[at] ?? '')]), width, () => '#000000');
    doc.moveDown(0.8);
    labelLines(doc, layout.channels.lines.map(([k, v]) => [k, String(v)]), width, () => '#000000');
  }

  // Definitions.
  doc.addPage();
  heading(doc, t.sheet.definitions, 12);
  labelLines(doc, [...layout.definitions, layout.generated], width, (k) => (k === t.def.warning && layout.warning ? '#c00000' : '#000000'));
  doc.moveDown(0.8);
  heading(doc, layout.queue_definitions.name, 10);
  drawTable(doc, layout, layout.queue_definitions.columns, layout.queue_definitions.rows, 70);

  // Footer on every page: page numbers and the fingerprint.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const keep = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing below the bottom margin would open a new page
    doc.font(FONT).fontSize(7).fillColor('#555555');
    const y = doc.page.height - MARGIN + 8;
    doc.text(`${layout.title} ${layout.period} · ${report.site} · ${t.def.fingerprint}: ${report.fingerprint.value}`, MARGIN, y, { width: width / 2 + 120, lineBreak: false });
    doc.text(t.def.page(i - range.start + 1, range.count), MARGIN, y, { width, align: 'right', lineBreak: false });
    doc.page.margins.bottom = keep;
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

/**
 * A new A4 landscape report document with fixed document dates (so the bytes depend on the
 * content only) and the promise of its bytes once `doc.end()` was called (quality and quarterly reports).
 */
export function openReportPdf(title: string, fixedDate: Date): { doc: Doc; bytes: Promise<Buffer> } {
  const PDFDocument = pdfkit();
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: title, Author: 'Tablero', Creator: 'Tablero', Producer: 'Tablero', CreationDate: fixedDate, ModDate: fixedDate },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const bytes = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, bytes };
}

/** A footer on every buffered page: `left` on the left, `right(page, pages)` on the right. */
export function pageFooters(doc: Doc, left: string, right: (page: number, pages: number) => string): void {
  const width = doc.page.width - 2 * MARGIN;
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const keep = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing below the bottom margin would open a new page
    doc.font(FONT).fontSize(7).fillColor('#555555');
    const y = doc.page.height - MARGIN + 8;
    doc.text(left, MARGIN, y, { width: (width * 2) / 3, lineBreak: false });
    doc.text(right(i - range.start + 1, range.count), MARGIN, y, { width, align: 'right', lineBreak: false });
    doc.page.margins.bottom = keep;
  }
}
