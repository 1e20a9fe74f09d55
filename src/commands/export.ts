// `tablero export`: the monthly indicator report (issue #6, docs/interfaces.md).
//   tablero export monthly --month YYYY-MM [--queue Q]... --format csv|xlsx|pdf --out FILE [--lang es|en] [--sep ';'|',']
//   tablero export close --month YYYY-MM [--by NAME]
//   tablero export quality --month YYYY-MM --format xlsx|pdf --out FILE [--lang es|en]
//   tablero export quarterly --quarter YYYY-Qn --format csv|xlsx|pdf --out FILE [--lang es|en] (export-quarterly.ts)
//   tablero export close-quarter --quarter YYYY-Qn [--by NAME]
// With a running `tablero start` on the same data directory (embedded ClickHouse: one process
// per directory), both go through its HTTP API with the local CLI token; otherwise they open the
// store. Also builds the dashboard's ExportsPort from the processor's reports (composition root).
import type { Logger } from 'pino';
import type { ClickHouse } from '@tablero/sql';
import type { FunnelConfig } from '@tablero/processor';
import {
  QUALITY_REPORT_FORMATS, renderQualityReport, type QualityReportFormat,
  CSV_SEPARATORS, REPORT_FORMATS, REPORT_LANGS, closeMonth, closedMonthsStatus, exportMonthly, listRuns, listSchedules, parseMonth, saveSchedule,
  type CsvSeparator, type ReportFormat, type ReportLang,
} from '@tablero/processor/reports';
// The dashboard (the audit trail) and the quality service load only for the subcommands that use
// them: `tablero export monthly` must not pay for the whole web server at start (issue 18 "Start").
import type { ExportsPort, QualityReportsPort } from '@tablero/dashboard';
import { runCloseQuarter, runQuarterly } from './export-quarterly.ts';
import { fetchFile, withStore, writeOut } from './report-io.ts';
import type { Command } from '../cli.ts';
import type { SmtpSettings } from '../mail.ts';
import { loadConfig } from '../config.ts';
import { findRunning, type RunningInstance } from '../runtime.ts';
import { apiRequest } from './api-client.ts';
import { UsageError, stringList } from './usage.ts';

/** The processor's reports bound to one ClickHouse, site and time zone, as the dashboard needs them. */
export function reportsPort(ch: ClickHouse, log: Logger, site: string, tz: string, exportsDir: string, smtp: SmtpSettings | null = null, funnel: FunnelConfig = {}): ExportsPort {
  // The funnel services as GET /api/funnel reads them: the report's funnel section is the same rows.
  const ctx = { ch, log, defaultTz: tz, funnel };
  return {
    monthly: (q) => exportMonthly(ctx, { site: q.site ?? site, month: q.month, queues: q.queues, format: q.format, lang: q.lang, ...(q.sep ? { sep: q.sep } : {}), nowMs: q.nowMs }),
    closeMonth: (q) => closeMonth(ctx, { site, month: q.month, closedBy: q.closedBy, nowMs: q.nowMs }),
    closedMonths: () => closedMonthsStatus(ctx, site),
    runs: () => listRuns(ch),
    schedules: () => listSchedules(ch),
    saveSchedule: (spec, by, nowMs) => saveSchedule(ch, { spec: { site, tz, ...(spec as Record<string, unknown>) }, createdBy: by, nowMs, exportsDir }),
    mail: () => (smtp === null ? null : { host: smtp.host, port: smtp.port, tls: smtp.tls, from: smtp.from, auth: smtp.user !== undefined }),
  };
}

/** The processor's quality report writers, as the dashboard's /api/qa/report/file needs them. */
export function qualityReportsPort(): QualityReportsPort {
  return { render: (report, o) => renderQualityReport(report, o) };
}

interface QualityOptions {
  month: string;
  format: QualityReportFormat;
  lang: ReportLang;
  out: string;
}

function parseQuality(values: Record<string, unknown>): QualityOptions {
  const month = values.month;
  if (typeof month !== 'string' || !parseMonth(month)) throw new UsageError('--month must be YYYY-MM');
  const format = values.format;
  if (!QUALITY_REPORT_FORMATS.includes(format as QualityReportFormat)) throw new UsageError(`--format must be one of ${QUALITY_REPORT_FORMATS.join(', ')}`);
  const out = values.out;
  if (typeof out !== 'string' || out.length === 0) throw new UsageError('--out FILE is required');
  const lang = values.lang ?? 'es';
  if (!REPORT_LANGS.includes(lang as ReportLang)) throw new UsageError('--lang must be es or en');
  for (const k of ['queue', 'sep', 'by'] as const) if (values[k] !== undefined) throw new UsageError(`--${k} does not apply to the quality report`);
  return { month, format: format as QualityReportFormat, lang: lang as ReportLang, out };
}

/** A file answered by the running Tablero's API (GET `path` with the local CLI token). */
export async function fileViaApi(running: RunningInstance, path: string): Promise<Buffer> {
  const res = await fetchFile(running, path);
  return Buffer.from(await res.arrayBuffer());
}

function qualityViaApi(running: RunningInstance, o: QualityOptions): Promise<Buffer> {
  return fileViaApi(running, `/api/qa/report/file?${new URLSearchParams({ month: o.month, format: o.format, lang: o.lang }).toString()}`);
}

interface MonthlyOptions {
  month: string;
  queues: string[];
  format: ReportFormat;
  lang: ReportLang;
  sep?: CsvSeparator;
  out: string;
  site?: string;
}

function parseMonthly(values: Record<string, unknown>): MonthlyOptions {
  const month = values.month;
  if (typeof month !== 'string' || !parseMonth(month)) throw new UsageError('--month must be YYYY-MM');
  const format = values.format;
  if (!REPORT_FORMATS.includes(format as ReportFormat)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
  const out = values.out;
  if (typeof out !== 'string' || out.length === 0) throw new UsageError('--out FILE is required');
  const lang = values.lang ?? 'es';
  if (!REPORT_LANGS.includes(lang as ReportLang)) throw new UsageError('--lang must be es or en');
  const o: MonthlyOptions = { month, queues: [...new Set(stringList(values.queue))], format: format as ReportFormat, lang: lang as ReportLang, out };
  if (values.sep !== undefined) {
    if (!CSV_SEPARATORS.includes(values.sep as CsvSeparator)) throw new UsageError(`--sep must be ';' or ','`);
    if (o.format !== 'csv') throw new UsageError('--sep applies to --format csv only');
    o.sep = values.sep as CsvSeparator;
  }
  if (values.site !== undefined) {
    if (typeof values.site !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(values.site)) throw new UsageError('--site must be 1 to 64 letters, digits, _ or -');
    o.site = values.site;
  }
  return o;
}

async function viaApi(running: RunningInstance, o: MonthlyOptions): Promise<{ body: Buffer; warning: string | null; closed: boolean }> {
  const p = new URLSearchParams({ month: o.month, format: o.format, lang: o.lang });
  for (const q of o.queues) p.append('queue', q);
  if (o.sep) p.set('sep', o.sep);
  if (o.site) p.set('site', o.site);
  const res = await fetchFile(running, `/api/exports/monthly?${p.toString()}`);
  const changed = res.headers.get('x-tablero-data-changed') === 'true';
  return {
    body: Buffer.from(await res.arrayBuffer()),
    warning: changed ? 'the data changed since the month was closed (see the warning in the file)' : null,
    closed: res.headers.get('x-tablero-month') === 'closed',
  };
}

const usage = `Usage: tablero export monthly --month YYYY-MM [--queue Q]... --format csv|xlsx|pdf --out FILE [--lang es|en] [--sep ';'|','] [--site ID]
       tablero export close --month YYYY-MM [--by NAME]
       tablero export quality --month YYYY-MM --format xlsx|pdf --out FILE [--lang es|en]
       tablero export quarterly --quarter YYYY-Qn --format csv|xlsx|pdf --out FILE [--lang es|en] [--sep ';'|','] [--site ID]
       tablero export close-quarter --quarter YYYY-Qn [--by NAME]
  monthly  the monthly indicator report (per queue: offered, answered within T, SL with its formula,
           target and met, abandonment, ASA, AHT, longest wait; by day, by hour, by agent; definitions).
           A closed month is exported from its frozen figures, with a warning if the data changed since.
           CSV: UTF-8 with BOM; --sep ';' (default in Spanish) writes decimal commas, ',' decimal points.
  close    freezes a month that is over: its figures, definitions and a fingerprint of its data.
  quality  the monthly quality report: evaluations done vs target, average score, critical accuracy
           by category per agent and team, the calibration sessions of the month, CSAT and surveys.
  quarterly      the quarterly complaints (PQRSD) report for the Superintendencia Financiera: tickets of
                 the quarter by type, channel and area (pending from previous periods, received, resolved,
                 in process), on-time rate, average business days to answer, status at quarter end, and
                 every ticket. A closed quarter is exported from its frozen figures.
  close-quarter  freezes a quarter that is over (figures, terms, calendar, fingerprint of the tickets).
  close and close-quarter are recorded in the audit trail (actor cli:<OS user> on the store).`;

export const exportCommand: Command = {
  summary: 'monthly indicator report (CSV, XLSX, PDF), closing a month, monthly quality report (XLSX, PDF), quarterly PQRSD report',
  usage,
  allowPositionals: true,
  options: {
    month: { type: 'string' },
    queue: { type: 'string', multiple: true },
    format: { type: 'string' },
    out: { type: 'string' },
    lang: { type: 'string' },
    sep: { type: 'string' },
    by: { type: 'string' },
    site: { type: 'string' },
    quarter: { type: 'string' },
  },
  async run(values, positionals) {
    const [sub, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const cfg = loadConfig();
    const site = cfg.TABLERO_SITE;
    const running = cfg.CLICKHOUSE_URL ? null : findRunning(cfg.dataDir);
    if (sub === 'quarterly') return runQuarterly(cfg, running, values);
    if (sub === 'close-quarter') return runCloseQuarter(cfg, running, values);
    if (values.quarter !== undefined) throw new UsageError('--quarter applies to quarterly and close-quarter only');
    if (sub === 'monthly') {
      const o = parseMonthly(values);
      let result: { body: Buffer; warning: string | null; closed: boolean };
      if (running) {
        process.stderr.write(`using the running Tablero at ${running.url} (it holds ${cfg.dataDir})\n`);
        result = await viaApi(running, o);
      } else {
        result = await withStore(cfg, async (ch, log) => {
          const r = await exportMonthly({ ch, log, defaultTz: cfg.siteTz, funnel: cfg.TABLERO_FUNNEL }, { site: o.site ?? site, month: o.month, queues: o.queues, format: o.format, lang: o.lang, ...(o.sep ? { sep: o.sep } : {}), nowMs: Date.now() });
          return { body: r.body, warning: r.warning, closed: r.closed };
        });
      }
      await writeOut(o.out, result.body);
      if (result.warning) process.stderr.write(`warning: ${result.warning}\n`);
      process.stdout.write(`${o.out}: ${result.body.length} bytes (${o.month}, ${result.closed ? 'closed month, frozen figures' : 'open month'})\n`);
      return 0;
    }
    if (sub === 'quality') {
      const o = parseQuality(values);
      let body: Buffer;
      if (running) {
        process.stderr.write(`using the running Tablero at ${running.url} (it holds ${cfg.dataDir})\n`);
        body = await qualityViaApi(running, o);
      } else {
        body = await withStore(cfg, async (ch, log) => {
          const { createQualityService } = await import('@tablero/processor/quality');
          const r = await createQualityService({ ch, log, tz: cfg.siteTz }).monthlyReport(o.month, null);
          if (!r.ok) throw new UsageError(r.reason);
          return (await renderQualityReport(r.value, { format: o.format, lang: o.lang, nowMs: Date.now() })).body;
        });
      }
      await writeOut(o.out, body);
      process.stdout.write(`${o.out}: ${body.length} bytes (quality report ${o.month})\n`);
      return 0;
    }
    if (sub === 'close') {
      const month = values.month;
      if (typeof month !== 'string' || !parseMonth(month)) throw new UsageError('--month must be YYYY-MM');
      const by = typeof values.by === 'string' && values.by ? values.by : (process.env.USER ?? 'cli');
      let r: unknown;
      if (running) {
        process.stderr.write(`using the running Tablero at ${running.url} (it holds ${cfg.dataDir})\n`);
        r = await apiRequest(running, 'POST', `/api/months/${month}/close`, {});
      } else {
        r = await withStore(cfg, async (ch, log) => {
          try {
            const result = await closeMonth({ ch, log, defaultTz: cfg.siteTz, funnel: cfg.TABLERO_FUNNEL }, { site, month, closedBy: by, nowMs: Date.now() });
            const { cliActor, recordAudit } = await import('@tablero/dashboard');
            await recordAudit(ch, { atMs: Date.now(), actor: cliActor(), action: 'month_closed', target: month, address: '', detail: { before: null, after: { ...result } } });
            return result;
          } catch (err) {
            if (err instanceof Error && err.name === 'ReportRequestError') throw new UsageError(err.message);
            throw err;
          }
        });
      }
      process.stdout.write(`${JSON.stringify(r)}\n`);
      return 0;
    }
    throw new UsageError(sub === undefined ? `a subcommand is required\n${usage}` : `unknown subcommand '${sub}' (monthly, close, quality, quarterly or close-quarter)`);
  },
};
