// The monthly quality report files (issue #8): XLSX and PDF of the quality service's
// monthlyReport(), for the `tablero export quality` command and the dashboard's
// /api/qa/report/file route (through the composition root).
import { localToEpoch } from '../../core/calendar.ts';
import type { QaMonthlyReport } from '../../quality/contract.ts';
import { parseMonth, type ReportLang } from '../core/model.ts';
import { layoutQualityReport } from './layout.ts';
import { writeQualityPdf, writeQualityXlsx } from './render.ts';
import { sharedRenderPool } from '../render/pool.ts';

export { layoutQualityReport, type QualityLayout } from './layout.ts';
export { qualityTexts, type QualityReportTexts } from './texts.ts';

export const QUALITY_REPORT_FORMATS = ['xlsx', 'pdf'] as const;
export type QualityReportFormat = (typeof QUALITY_REPORT_FORMATS)[number];

const CONTENT_TYPES: Record<QualityReportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

export interface QualityReportFile {
  filename: string;
  content_type: string;
  body: Buffer;
}

export interface QualityRenderOptions {
  format: QualityReportFormat;
  lang: ReportLang;
  nowMs: number;
}

/**
 * The file of a month's quality report; `nowMs` only prints the generation line. Rendered in a
 * worker thread (render/pool.ts), off the caller's event loop.
 */
export function renderQualityReport(report: QaMonthlyReport, o: QualityRenderOptions): Promise<QualityReportFile> {
  return sharedRenderPool().renderQuality(report, o);
}

/** renderQualityReport in this thread (what a render worker runs). */
export async function renderQualityReportHere(report: QaMonthlyReport, o: QualityRenderOptions): Promise<QualityReportFile> {
  const m = parseMonth(report.month);
  if (!m) throw new RangeError(`not a month: ${report.month}`);
  const layout = layoutQualityReport(report, { lang: o.lang, generatedAtMs: o.nowMs });
  // Document dates: the month's first instant, never the time the file was made.
  const fixedDate = new Date(localToEpoch(m.year, m.month, 1, 0, 0, report.tz) * 1000);
  const body = o.format === 'xlsx' ? await writeQualityXlsx(layout, { fixedDate }) : await writeQualityPdf(layout, { fixedDate });
  return { filename: `${layout.t.filePrefix}-${report.month}.${o.format}`, content_type: CONTENT_TYPES[o.format], body };
}
