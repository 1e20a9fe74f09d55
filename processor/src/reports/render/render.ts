// A report model to the bytes of one file (CSV, XLSX or PDF). CPU-bound (a 500-queue PDF takes
// seconds): run through the render pool (pool.ts), which does it in worker threads so the
// server's event loop stays free (issue 14).
import { localToEpoch } from '../../core/calendar.ts';
import { writeCsv, type CsvSeparator } from '../core/csv.ts';
import { layoutReport } from '../core/layout.ts';
import { parseMonth, type DataFingerprint, type MonthlyReport, type ReportFormat, type ReportLang } from '../core/model.ts';
import { writePdf } from './pdf.ts';
import { writeXlsx } from './xlsx.ts';

export interface RenderOptions {
  format: ReportFormat;
  lang: ReportLang;
  sep?: CsvSeparator | undefined;
  nowMs: number;
  live: DataFingerprint | null;
}

export interface Rendered {
  body: Buffer;
  warning: string | null;
}

export async function renderReport(report: MonthlyReport, o: RenderOptions): Promise<Rendered> {
  const layout = layoutReport(report, { lang: o.lang, generatedAtMs: o.nowMs, live: o.live });
  // Document dates: the first instant of the period, so they never depend on when the file was made.
  const m = parseMonth(report.first_month);
  const fixedDate = new Date(m ? localToEpoch(m.year, m.month, 1, 0, 0, report.tz) * 1000 : 0);
  let body: Buffer;
  switch (o.format) {
    case 'csv':
      body = writeCsv(layout, o.sep ?? (o.lang === 'es' ? ';' : ','));
      break;
    case 'xlsx':
      body = await writeXlsx(layout, { fixedDate });
      break;
    case 'pdf':
      body = await writePdf(layout, report, { fixedDate });
      break;
  }
  return { body, warning: layout.warning };
}

