// The quarterly complaints (PQRSD) report for the Superintendencia Financiera (issue 17): export a
// quarter (computed now, or the frozen figures of a closed quarter), close a quarter, list the
// closed ones. Used by `tablero export quarterly|close-quarter` and the dashboard's
// /api/exports/quarterly and /api/quarters routes through the composition root.
//
// Invariants (the monthly report's, for tickets):
// - A closed quarter is exported from its stored model only: later ticket events, terms or
//   calendar changes never change its figures; the live fingerprint is still computed, to warn.
// - The bytes depend on the model, the language/separator and the generation line only.
import { TABLES, type ClickHouse } from '@tablero/sql';
import type { Logger } from 'pino';
import { localToEpoch } from '../../core/calendar.ts';
import { parseQuarter, quarterBounds, siteQuarterly, ticketFingerprint, type QuarterlyComplaints } from '../../escalations/core/quarterly.ts';
import { escalationModelAt } from '../../escalations/queries.ts';
import { loadTicketEvents } from '../../escalations/store/ticket-store.ts';
import type { CsvSeparator } from '../core/csv.ts';
import type { ReportFormat, ReportLang } from '../core/model.ts';
import { ReportRequestError, CONTENT_TYPES, type MonthlyExport } from '../service.ts';
import { ReportStoreError } from '../store/report-store.ts';
import { layoutQuarterly, type QuarterlyReport } from './layout.ts';
import { writeQuarterlyCsv, writeQuarterlyPdf, writeQuarterlyXlsx } from './render.ts';

export interface QuarterlyContext {
  ch: ClickHouse;
  log: Logger;
  /** Site time zone when no calendar is stored. */
  defaultTz: string;
}

/** The same shape as a monthly export: file name, type, bytes, closed or not, data changed since closing. */
export type QuarterlyExport = MonthlyExport;

function checkQuarter(quarter: string): void {
  if (!parseQuarter(quarter)) throw new ReportRequestError('bad_month', `quarter must be YYYY-Qn (n 1 to 4), got '${quarter.slice(0, 20)}'`);
}

/** The quarter of a site from the stored ticket events, with the terms and calendars in force at `nowMs`. */
export async function computeQuarterly(ctx: QuarterlyContext, o: { site: string; quarter: string; nowMs: number }): Promise<QuarterlyComplaints> {
  checkQuarter(o.quarter);
  const [model, events] = await Promise.all([escalationModelAt(ctx.ch, { tz: ctx.defaultTz }, o.nowMs), loadTicketEvents(ctx.ch, o.site)]);
  return siteQuarterly(model, o.site, o.quarter, events);
}

/** The fingerprint now of the events a closed quarter was computed from. */
async function liveFingerprint(ctx: QuarterlyContext, r: QuarterlyComplaints): Promise<string> {
  const [, end] = quarterBounds(r.quarter, r.tz);
  const events = await loadTicketEvents(ctx.ch, r.site);
  return ticketFingerprint(events.filter((e) => e.site === r.site && e.ts < end)).value;
}

export function quarterlyFileName(site: string, quarter: string, format: ReportFormat): string {
  return `pqrsd-${site}-${quarter}.${format}`;
}

export async function renderQuarterly(r: QuarterlyReport, o: { format: ReportFormat; lang: ReportLang; sep?: CsvSeparator; nowMs: number; live: string | null }): Promise<{ body: Buffer; warning: string | null }> {
  const layout = layoutQuarterly(r, { lang: o.lang, generatedAtMs: o.nowMs, live: o.live });
  const q = parseQuarter(r.quarter) as { year: number; q: number };
  // Document dates: the quarter's first instant, never the time the file was made.
  const fixedDate = new Date(localToEpoch(q.year, 3 * (q.q - 1) + 1, 1, 0, 0, r.tz) * 1000);
  const body =
    o.format === 'csv' ? writeQuarterlyCsv(layout, o.sep ?? (o.lang === 'es' ? ';' : ',')) : o.format === 'xlsx' ? await writeQuarterlyXlsx(layout, { fixedDate }) : await writeQuarterlyPdf(layout, { fixedDate });
  return { body, warning: layout.warning };
}

export async function exportQuarterly(ctx: QuarterlyContext, req: { site: string; quarter: string; format: ReportFormat; lang: ReportLang; sep?: CsvSeparator; nowMs: number }): Promise<QuarterlyExport> {
  checkQuarter(req.quarter);
  const closed = await loadClosedQuarter(ctx.ch, req.site, req.quarter);
  const report: QuarterlyReport = closed ?? { ...(await computeQuarterly(ctx, req)), frozen: null };
  const live = closed ? await liveFingerprint(ctx, report) : report.fingerprint.value;
  const { body, warning } = await renderQuarterly(report, { format: req.format, lang: req.lang, ...(req.sep ? { sep: req.sep } : {}), nowMs: req.nowMs, live });
  const changed = live !== report.fingerprint.value;
  if (changed) ctx.log.warn({ site: req.site, quarter: req.quarter, closed_fingerprint: report.fingerprint.value, live_fingerprint: live }, 'closed quarter data changed since closing');
  return { filename: quarterlyFileName(req.site, req.quarter, req.format), content_type: CONTENT_TYPES[req.format], body, closed: closed !== null, data_changed: changed, warning };
}

export interface CloseQuarterResult {
  site: string;
  quarter: string;
  version: number;
  fingerprint: string;
  tickets: number;
}

/** Freezes a quarter that is over: its figures, terms, calendar and fingerprint as of `nowMs`. */
export async function closeQuarter(ctx: QuarterlyContext, o: { site: string; quarter: string; closedBy: string; nowMs: number }): Promise<CloseQuarterResult> {
  const report = await computeQuarterly(ctx, o);
  const [, end] = quarterBounds(o.quarter, report.tz);
  if (end * 1000 > o.nowMs) throw new ReportRequestError('month_not_over', `${o.quarter} is not over yet in ${report.tz}; a quarter can be closed once it has ended`);
  const prev = await select<{ v: unknown }>(ctx.ch, `SELECT max(version) AS v FROM ${TABLES.reportQuarters} FINAL WHERE site = {site:String} AND quarter = {quarter:String}`, { site: o.site, quarter: o.quarter });
  const version = Number(prev[0]?.v ?? 0) + 1;
  try {
    await ctx.ch.client.insert({
      table: TABLES.reportQuarters,
      format: 'JSONEachRow',
      values: [{ site: o.site, quarter: o.quarter, version, closed_at: Math.trunc(o.nowMs), closed_by: o.closedBy, fingerprint: report.fingerprint.value, tickets: report.tickets.length, model: JSON.stringify(report) }],
    });
  } catch (err) {
    throw new ReportStoreError(`closing ${o.site} ${o.quarter} failed`, { cause: err });
  }
  ctx.log.info({ site: o.site, quarter: o.quarter, version, fingerprint: report.fingerprint.value, by: o.closedBy }, 'quarter closed');
  return { site: o.site, quarter: o.quarter, version, fingerprint: report.fingerprint.value, tickets: report.tickets.length };
}

async function select<T>(ch: ClickHouse, query: string, query_params: Record<string, unknown>): Promise<T[]> {
  try {
    const rs = await ch.client.query({ query, query_params, format: 'JSONEachRow' });
    return await rs.json<T>();
  } catch (err) {
    throw new ReportStoreError('reading closed quarters failed', { cause: err });
  }
}

/** The newest closed version of a quarter, or null when it is open. */
export async function loadClosedQuarter(ch: ClickHouse, site: string, quarter: string): Promise<QuarterlyReport | null> {
  const r = await select<{ version: number; closed_at_ms: number; closed_by: string; model: string }>(
    ch,
    `SELECT version, toUnixTimestamp64Milli(closed_at) AS closed_at_ms, closed_by, model FROM ${TABLES.reportQuarters} FINAL
     WHERE site = {site:String} AND quarter = {quarter:String} ORDER BY version DESC LIMIT 1`,
    { site, quarter },
  );
  const f = r[0];
  if (!f) return null;
  const model = JSON.parse(f.model) as QuarterlyComplaints;
  return { ...model, frozen: { version: Number(f.version), closed_at_ms: Number(f.closed_at_ms), closed_by: f.closed_by } };
}

export interface ClosedQuarterStatus {
  quarter: string;
  version: number;
  closed_at_ms: number;
  closed_by: string;
  fingerprint: string;
  tickets: number;
  live_fingerprint: string;
  data_changed: boolean;
}

/** The closed quarters of a site (newest version of each), with the late-data check. */
export async function closedQuarters(ctx: QuarterlyContext, site: string): Promise<ClosedQuarterStatus[]> {
  const rows = await select<{ quarter: string; v: number; at: number; by: string; fp: string; n: number }>(
    ctx.ch,
    `SELECT quarter, max(version) AS v, argMax(toUnixTimestamp64Milli(closed_at), version) AS at, argMax(closed_by, version) AS by,
            argMax(fingerprint, version) AS fp, argMax(tickets, version) AS n
     FROM ${TABLES.reportQuarters} FINAL WHERE site = {site:String} GROUP BY quarter ORDER BY quarter`,
    { site },
  );
  const out: ClosedQuarterStatus[] = [];
  for (const r of rows) {
    const frozen = await loadClosedQuarter(ctx.ch, site, r.quarter);
    const live = frozen ? await liveFingerprint(ctx, frozen) : r.fp;
    out.push({ quarter: r.quarter, version: Number(r.v), closed_at_ms: Number(r.at), closed_by: r.by, fingerprint: r.fp, tickets: Number(r.n), live_fingerprint: live, data_changed: live !== r.fp });
  }
  return out;
}
