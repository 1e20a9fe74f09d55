// Monthly indicator reports (issue #6): export a month (from the live stints, or from the frozen
// figures of a closed month), close a month, and run export schedules. Used by the `tablero
// export` command and the dashboard's /api/exports routes through the composition root.
//
// Invariants:
// - A closed month is exported from its stored model only: settings or calendar changes and
//   late stints never change its figures. The live fingerprint is still computed, to warn.
// - The file bytes depend on the model, the language/separator and the generation time only
//   (fixed document dates and ZIP times), so two exports of a closed month differ in the
//   generation line alone.
// - Only aggregates are read (sums per queue and hour, per queue and agent): memory is bounded
//   by queues x days x 24 and agents, whatever the number of stints.
import { mkdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClickHouse } from '@tablero/sql';
import type { Logger } from 'pino';
import { localToEpoch } from '../core/calendar.ts';
import type { ClosedMonthStatus } from '../contract.ts';
import type { ProcessorSettings } from '../core/settings.ts';
import { queryEscalationMonthly } from '../escalations/queries.ts';
import type { CsvSeparator } from './core/csv.ts';
import { texts } from './core/texts.ts';
import { buildMonthlyReport, dataChanged, monthKey, nextMonth, parseMonth, type DataFingerprint, type MonthlyReport, type QueueDefinition, type ReportFormat, type ReportLang } from './core/model.ts';
import { dueRun, folderInside, reportFileName, reportMonthOf, runDay, runId, type ExportSchedule } from './core/schedule.ts';
import { sharedRenderPool } from './render/pool.ts';
import { cdrFingerprint, contactsFingerprint, lastRunTimes, listClosedMonths, listSchedules, loadClosedMonth, recordRun, saveClosedMonth, stintFingerprint } from './store/report-store.ts';
import { queryFunnel } from '../store/funnel-query.ts';
import { queryContactKpis } from '../contacts/contact-query.ts';
import { emptyFunnelRow, serviceDefinition, type FunnelConfig } from '../core/funnel.ts';
import type { FunnelRow } from '../contract.ts';
import { planRead, readAgentSums, readPeriodSums, resolverFor, statedDefinition, type KpiReadOptions, type PeriodSums } from '../store/kpi-query.ts';

export interface ReportContext {
  ch: ClickHouse;
  log: Logger;
  /** Site time zone when no calendar is stored. */
  defaultTz: string;
  /** Settings under the stored versions (the processor's configured ones); default the built-in defaults. */
  baseSettings?: ProcessorSettings;
  /**
   * The call funnel's services per site (TABLERO_FUNNEL); absent or no services for the site = no
   * funnel section. Read through the funnel read (store/funnel-query.ts) like GET /api/funnel.
   */
  funnel?: FunnelConfig;
  /** Sends scheduled files by e-mail (the composition root's SMTP transport); absent = no SMTP configured. */
  mailer?: ReportMailer;
}

/** One message with a run's files, in the schedule's language. */
export interface ReportMail {
  to: string[];
  subject: string;
  text: string;
  attachments: Array<{ filename: string; content: Buffer; contentType: string }>;
}

/** Resolves once the SMTP server accepted the message for every recipient; rejects otherwise. */
export type ReportMailer = (mail: ReportMail) => Promise<void>;

/** Bad input from a user (unknown month, month not over, ...): CLI exit 2, HTTP 400/409. */
export class ReportRequestError extends Error {
  override name = 'ReportRequestError';
  constructor(
    readonly code: 'bad_month' | 'month_not_over' | 'bad_option',
    message: string,
  ) {
    super(message);
  }
}

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

export interface MonthlyExportRequest {
  site: string;
  month: string;
  /** Empty = every queue with data. */
  queues: string[];
  format: ReportFormat;
  lang: ReportLang;
  /** CSV only; default `;` in Spanish, `,` in English. */
  sep?: CsvSeparator;
  nowMs: number;
}

export interface MonthlyExport {
  filename: string;
  content_type: string;
  body: Buffer;
  closed: boolean;
  /** A closed month whose stints changed since closing. */
  data_changed: boolean;
  /** The warning printed in the file, if any. */
  warning: string | null;
}

function monthBounds(month: string, tz: string): { from_s: number; to_s: number } {
  const m = parseMonth(month);
  if (!m) throw new ReportRequestError('bad_month', `month must be YYYY-MM, got '${month}'`);
  const n = nextMonth(m.year, m.month);
  return { from_s: localToEpoch(m.year, m.month, 1, 0, 0, tz), to_s: localToEpoch(n.year, n.month, 1, 0, 0, tz) };
}

/**
 * The report of a month computed from the stored stints through the one KPI read module: each
 * stint judged by the definition in force at its enter time (docs/kpi-definitions.md §12), the
 * periods in the time zone of the site calendar in force at `nowMs`. A queue states the
 * definition of its newest stints (of the month's end when it has none).
 */
export async function computeMonthlyReport(ctx: ReportContext, o: { site: string; month: string; queues: string[]; nowMs: number }): Promise<MonthlyReport> {
  const m = parseMonth(o.month);
  if (!m) throw new ReportRequestError('bad_month', `month must be YYYY-MM, got '${o.month}'`);
  const n = nextMonth(m.year, m.month);
  const readOpts: KpiReadOptions = { defaultTz: ctx.defaultTz, now: () => o.nowMs, ...(ctx.baseSettings ? { baseSettings: ctx.baseSettings } : {}) };
  const resolver = await resolverFor(ctx.ch, readOpts);
  const plan = planRead(resolver, { site: o.site, from: `${o.month}-01`, to: `${monthKey(n.year, n.month)}-01`, queues: o.queues }, readOpts);
  const hours = await readPeriodSums(ctx.ch, plan, 'hour');
  const agents = await readAgentSums(ctx.ch, plan);
  const fingerprint = await stintFingerprint(ctx.ch, { site: o.site, from_s: plan.from_s, to_s: plan.to_s });
  // The site's escalation indicators, with the terms and calendars in force at the same instant.
  const escalations = await queryEscalationMonthly(ctx.ch, { tz: ctx.defaultTz }, o.site, o.month, o.nowMs);
  const newest = new Map<string, PeriodSums>();
  for (const h of hours) newest.set(h.queue, h); // sorted by period: the last one is the newest
  const definitionOf = (queue: string): QueueDefinition => {
    const p = newest.get(queue) ?? { ...plan.definitionAtEnd(queue), spans_change: false };
    const d = statedDefinition(plan, p, []);
    return {
      formula: d.formula, threshold_s: d.threshold_s, strict: d.strict, short_abandon_s: d.short_abandon_s, count_refused: d.count_refused,
      include_out_of_hours: d.include_out_of_hours, target_pct: d.target_pct, settings_version: d.settings_version, site_defaults_version: d.site_defaults_version,
    };
  };
  const calendar = resolver.calendarAt(o.site, plan.to_s * 1000 - 1);
  const funnel = await monthFunnel(ctx, { site: o.site, from: `${o.month}-01`, to: `${monthKey(n.year, n.month)}-01`, tz: plan.tz, nowMs: o.nowMs });
  // With a funnel section, the CDR rows of the month are fingerprinted too (late CDR -> warning once closed).
  const cdr = funnel ? { cdr: await cdrFingerprint(ctx.ch, { site: o.site, from_s: plan.from_s, to_s: plan.to_s }) } : {};
  // Contacts of other channels, as GET /api/contacts/kpis answers the month (by=month, the site's zone).
  const channels = await queryContactKpis(ctx.ch, { from: `${o.month}-01`, to: `${monthKey(n.year, n.month)}-01`, by: 'month', site: o.site, tz: plan.tz }, {
    defaultTz: ctx.defaultTz, now: () => o.nowMs, ...(ctx.baseSettings ? { baseSettings: ctx.baseSettings } : {}),
  });
  // With a channels section, the month's contacts are fingerprinted too (late contacts -> warning once closed).
  const contacts = channels.length > 0 ? { contacts: await contactsFingerprint(ctx.ch, { site: o.site, from_s: plan.from_s, to_s: plan.to_s }) } : {};
  return buildMonthlyReport({
    site: o.site, first_month: o.month, last_month: o.month, tz: plan.tz, calendar, hours, agents,
    definitionOf, queues: o.queues, fingerprint: { ...fingerprint, ...cdr, ...contacts }, escalations, funnel, channels,
  });
}

/**
 * The month's call funnel as GET /api/funnel answers it (from, to, by=month, the site's zone),
 * every configured service listed (zeros when it had no inbound call); null when the site has no
 * funnel services. Site-wide: not filtered by the report's queues (a service is not a queue).
 */
async function monthFunnel(ctx: ReportContext, o: { site: string; from: string; to: string; tz: string; nowMs: number }): Promise<FunnelRow[] | null> {
  const settings = ctx.funnel?.[o.site];
  if (!ctx.funnel || !settings || settings.services.length === 0) return null;
  const rows = await queryFunnel(ctx.ch, { from: o.from, to: o.to, by: 'month', site: o.site, tz: o.tz }, {
    defaultTz: ctx.defaultTz, now: () => o.nowMs, funnel: ctx.funnel, ...(ctx.baseSettings ? { baseSettings: ctx.baseSettings } : {}),
  });
  const month = o.from.slice(0, 7);
  return settings.services.map((svc) => rows.find((r) => r.service === svc.service) ?? emptyFunnelRow(svc.service, month, serviceDefinition(o.site, o.tz, svc, settings.ivr)));
}

/**
 * The data a closed month was computed from, fingerprinted now as it was at closing: the stints
 * hashed with the closing's scheme (a month closed with an older scheme is not reported as
 * changed), the CDR rows when the month was closed with a funnel section, and the contacts
 * when it was closed with a channels section.
 */
async function liveFingerprint(ctx: ReportContext, site: string, month: string, frozen: MonthlyReport): Promise<DataFingerprint> {
  const bounds = { site, ...monthBounds(month, frozen.tz) };
  const live = await stintFingerprint(ctx.ch, bounds, frozen.fingerprint.scheme);
  return {
    ...live,
    ...(frozen.fingerprint.cdr ? { cdr: await cdrFingerprint(ctx.ch, bounds) } : {}),
    ...(frozen.fingerprint.contacts ? { contacts: await contactsFingerprint(ctx.ch, bounds) } : {}),
  };
}

export async function exportMonthly(ctx: ReportContext, req: MonthlyExportRequest): Promise<MonthlyExport> {
  if (!parseMonth(req.month)) throw new ReportRequestError('bad_month', `month must be YYYY-MM, got '${req.month}'`);
  const closed = await loadClosedMonth(ctx.ch, req.site, req.month);
  let report: MonthlyReport;
  let live: DataFingerprint | null;
  if (closed) {
    const frozen = closed.report;
    report = req.queues.length ? { ...frozen, queues: frozen.queues.filter((q) => req.queues.includes(q.queue)) } : frozen;
    live = await liveFingerprint(ctx, req.site, req.month, frozen);
  } else {
    report = await computeMonthlyReport(ctx, req);
    live = report.fingerprint;
  }
  // Rendered in a worker thread (render/pool.ts): a big PDF must not stall the caller's event loop.
  const { body, warning } = await sharedRenderPool().render(report, { format: req.format, lang: req.lang, sep: req.sep, nowMs: req.nowMs, live });
  const changed = dataChanged(report, live);
  if (changed) ctx.log.warn({ site: req.site, month: req.month, closed_fingerprint: report.fingerprint.value, live_fingerprint: live?.value }, 'closed month data changed since closing');
  return {
    filename: reportFileName(req.site, req.month, req.format),
    content_type: CONTENT_TYPES[req.format],
    body,
    closed: closed !== null,
    data_changed: changed,
    warning,
  };
}

export interface CloseResult {
  site: string;
  month: string;
  version: number;
  fingerprint: string;
  stints: number;
  queues: number;
}

/** Freezes a month that is over: its figures, definitions and fingerprint as of `nowMs`. */
export async function closeMonth(ctx: ReportContext, o: { site: string; month: string; closedBy: string; nowMs: number }): Promise<CloseResult> {
  const report = await computeMonthlyReport(ctx, { site: o.site, month: o.month, queues: [], nowMs: o.nowMs });
  const { to_s } = monthBounds(o.month, report.tz);
  if (to_s * 1000 > o.nowMs) throw new ReportRequestError('month_not_over', `${o.month} is not over yet in ${report.tz}; a month can be closed once it has ended`);
  const version = await saveClosedMonth(ctx.ch, { site: o.site, month: o.month, closed_at_ms: o.nowMs, closed_by: o.closedBy, report });
  ctx.log.info({ site: o.site, month: o.month, version, fingerprint: report.fingerprint.value, by: o.closedBy }, 'month closed');
  return { site: o.site, month: o.month, version, fingerprint: report.fingerprint.value, stints: report.fingerprint.stints, queues: report.queues.length };
}

export type { ClosedMonthStatus };

/** The closed months of a site with the late-data check each export makes (one fingerprint query per month). */
export async function closedMonthsStatus(ctx: ReportContext, site: string): Promise<ClosedMonthStatus[]> {
  const out: ClosedMonthStatus[] = [];
  // One after another: the embedded ClickHouse serves one query at a time anyway.
  for (const m of await listClosedMonths(ctx.ch, site)) {
    const frozen = await loadClosedMonth(ctx.ch, site, m.month);
    if (!frozen) continue;
    const live = await liveFingerprint(ctx, site, m.month, frozen.report);
    out.push({ ...m, live_fingerprint: live.value, data_changed: dataChanged(frozen.report, live) });
  }
  return out;
}

// ---------------------------------------------------------------- scheduled exports

export interface ScheduledRunResult {
  run_id: string;
  status: 'ok' | 'failed';
  files: string[];
  error: string;
}

/** Writes a file atomically: a reader of the folder never sees half a report. */
async function writeAtomic(path: string, body: Buffer): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, body);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** What the scheduler needs: the exports folder (TABLERO_EXPORTS_DIR) every schedule writes inside. */
export type SchedulerContext = ReportContext & { exportsDir: string };

/**
 * The schedule's folder, created, when it lies inside the exports folder once symbolic links are
 * resolved (a schedule saved before the rule, or a link placed inside, cannot lead elsewhere).
 */
async function scheduleFolder(ctx: SchedulerContext, folder: string): Promise<string> {
  if (!folderInside(folder, ctx.exportsDir)) throw new Error(`the folder ${folder} is outside the exports folder ${ctx.exportsDir} (TABLERO_EXPORTS_DIR)`);
  await mkdir(ctx.exportsDir, { recursive: true, mode: 0o700 });
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const [real, root] = await Promise.all([realpath(folder), realpath(ctx.exportsDir)]);
  if (!folderInside(real, root)) throw new Error(`the folder ${folder} leads to ${real}, outside the exports folder ${root} (TABLERO_EXPORTS_DIR)`);
  return real;
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}` : String(err);
}

function mailText(s: ExportSchedule, month: string, files: string[]): string {
  const list = files.map((f) => `- ${f}`).join('\n');
  return s.lang === 'es'
    ? `Informe mensual de indicadores de ${month}, sede ${s.site}, de la exportación programada "${s.id}".\n\nArchivos adjuntos:\n${list}\n`
    : `Monthly indicator report for ${month}, site ${s.site}, from the scheduled export "${s.id}".\n\nAttached files:\n${list}\n`;
}

/** Runs one occurrence of a schedule and records it (success or failure) in export_runs. */
export async function runSchedule(ctx: SchedulerContext, s: ExportSchedule, scheduledMs: number, now: () => number): Promise<ScheduledRunResult> {
  const started = now();
  const month = reportMonthOf(s, scheduledMs);
  const files: string[] = [];
  const attachments: ReportMail['attachments'] = [];
  let bytes = 0;
  let error = '';
  try {
    const folder = await scheduleFolder(ctx, s.folder);
    for (const format of s.formats) {
      const out = await exportMonthly(ctx, { site: s.site, month, queues: s.queues, format, lang: s.lang, sep: s.sep, nowMs: now() });
      const name = reportFileName(s.site, month, format, s.every === 'daily' ? runDay(s, scheduledMs) : undefined);
      await writeAtomic(join(folder, name), out.body);
      files.push(name);
      attachments.push({ filename: name, content: out.body, contentType: out.content_type });
      bytes += out.body.length;
    }
  } catch (err) {
    error = errorText(err);
    ctx.log.error({ schedule: s.id, month, folder: s.folder, err }, 'scheduled export failed');
  }
  // The files are on disk whatever the mail does; a mail that fails makes the run failed, so
  // the runs list shows it and the operator can send the files by hand.
  if (!error && s.email_to.length > 0) {
    try {
      if (!ctx.mailer) throw new Error('e-mail is not configured on the server (TABLERO_SMTP_HOST)');
      const t = texts(s.lang);
      await ctx.mailer({ to: s.email_to, subject: `${t.title} ${month} (${s.site})`, text: mailText(s, month, files), attachments });
      ctx.log.info({ schedule: s.id, month, recipients: s.email_to.length }, 'scheduled export e-mailed');
    } catch (err) {
      error = `e-mail: ${errorText(err)}`;
      ctx.log.error({ schedule: s.id, month, err }, 'scheduled export e-mail failed');
    }
  }
  const status = error ? 'failed' : 'ok';
  const id = runId(s, scheduledMs);
  await recordRun(ctx.ch, {
    run_id: id, schedule_id: s.id, site: s.site, scheduled_for_ms: scheduledMs, started_at_ms: started, finished_at_ms: now(), month, status, files, bytes, error,
  });
  if (status === 'ok') ctx.log.info({ schedule: s.id, month, files, bytes }, 'scheduled export written');
  return { run_id: id, status, files, error };
}

export interface ExportScheduler {
  /** Checks every schedule once and runs those due (what the timer does every tick). */
  tick(): Promise<ScheduledRunResult[]>;
  stop(): Promise<void>;
}

/**
 * Runs export schedules from the process that owns ClickHouse. A schedule never run before
 * starts counting from the scheduler's start (no surprise export of a past month); a run missed
 * while stopped is caught up once at the next tick.
 */
export function startExportScheduler(ctx: SchedulerContext, o: { now?: () => number; tickMs?: number } = {}): ExportScheduler {
  const now = o.now ?? Date.now;
  const startedAt = now();
  let running: Promise<ScheduledRunResult[]> | null = null;
  const tickOnce = async (): Promise<ScheduledRunResult[]> => {
    const results: ScheduledRunResult[] = [];
    const schedules = await listSchedules(ctx.ch);
    const last = await lastRunTimes(ctx.ch);
    for (const s of schedules) {
      const due = dueRun(s, last.get(s.id) ?? startedAt, now());
      if (due !== null) results.push(await runSchedule(ctx, s, due, now));
    }
    return results;
  };
  const tick = (): Promise<ScheduledRunResult[]> => {
    // One tick at a time: a slow export must not start the same run twice.
    if (!running) running = tickOnce().finally(() => { running = null; });
    return running;
  };
  const timer = setInterval(() => {
    tick().catch((err: unknown) => ctx.log.error({ err }, 'export scheduler tick failed'));
  }, o.tickMs ?? 60_000);
  timer.unref();
  return {
    tick,
    async stop() {
      clearInterval(timer);
      if (running) await running.catch(() => []);
    },
  };
}
