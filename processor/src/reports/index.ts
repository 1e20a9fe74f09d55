// @tablero/processor/reports: the monthly indicator report (issue #6), for the composition root
// (the `tablero export` command, the dashboard's /api/exports routes, the export scheduler).
export {
  exportMonthly, closeMonth, closedMonthsStatus, computeMonthlyReport, runSchedule, startExportScheduler, ReportRequestError, CONTENT_TYPES,
  type ReportContext, type SchedulerContext, type MonthlyExportRequest, type MonthlyExport, type CloseResult, type ClosedMonthStatus, type ReportMail, type ReportMailer, type ScheduledRunResult, type ExportScheduler,
} from './service.ts';
export { REPORT_FORMATS, REPORT_LANGS, parseMonth, type ReportFormat, type ReportLang, type MonthlyReport } from './core/model.ts';
export { CSV_SEPARATORS, type CsvSeparator } from './core/csv.ts';
export type { ExportSchedule } from './core/schedule.ts';
export {
  saveSchedule, listSchedules, listRuns, listClosedMonths, ScheduleSpecError, ReportStoreError, type ExportRun,
} from './store/report-store.ts';
export { renderQualityReport, QUALITY_REPORT_FORMATS, type QualityReportFormat, type QualityReportFile } from './quality/index.ts';
export {
  exportQuarterly, closeQuarter, closedQuarters, computeQuarterly, renderQuarterly, loadClosedQuarter, quarterlyFileName,
  type QuarterlyContext, type QuarterlyExport, type CloseQuarterResult, type ClosedQuarterStatus,
} from './quarterly/service.ts';
export { layoutQuarterly, quarterlyTexts, type QuarterlyReport, type QuarterlyLayout } from './quarterly/layout.ts';
export { parseQuarter, quarterBounds, type QuarterlyComplaints } from '../escalations/core/quarterly.ts';
