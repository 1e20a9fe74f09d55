// Monthly indicator reports over HTTP (issue #6): the file download, closing a month, closed
// months, export schedules and the record of scheduled runs. The report work is the
// processor's, injected by the composition root as `deps.exports` (the dashboard never imports
// processor internals); this file checks roles and parameters and moves bytes.
import createError from '@fastify/error';
import { monthProblem } from '../core/month.ts';
import { EXPORTERS } from '../core/roles.ts';
import type { App, AppContext } from '../context.ts';
import { noteAudit } from '../audit-trail.ts';
import { BadQueryError, BadRequestError } from '../errors.ts';

const FORMATS = ['csv', 'xlsx', 'pdf'] as const;
const LANGS = ['es', 'en'] as const;
const SEPS = [';', ','] as const;
const MAX_QUEUES = 500;

export const ExportsUnavailableError = createError('TABLERO_ERR_EXPORTS_UNAVAILABLE', 'exports are not available in this process', 503);
export const MonthNotOverError = createError('TABLERO_ERR_MONTH_NOT_OVER', '%s', 409, undefined, false);
export const ExportFailedError = createError('TABLERO_ERR_EXPORT', 'the export failed', 500);

export interface MonthlyExportQuery {
  month: string;
  queues: string[];
  format: (typeof FORMATS)[number];
  lang: (typeof LANGS)[number];
  sep?: (typeof SEPS)[number];
  /** Default the deployment's site. */
  site?: string;
}

/** What the composition root provides (the processor's reports, bound to its ClickHouse and site). */
export interface ExportsPort {
  monthly(q: MonthlyExportQuery & { nowMs: number }): Promise<{
    filename: string;
    content_type: string;
    body: Buffer;
    closed: boolean;
    data_changed: boolean;
    warning: string | null;
  }>;
  /** Rejects with an error whose `code` is 'month_not_over' for a month that has not ended. */
  closeMonth(q: { month: string; closedBy: string; nowMs: number }): Promise<unknown>;
  closedMonths(): Promise<unknown[]>;
  runs(): Promise<unknown[]>;
  schedules(): Promise<unknown[]>;
  /** Rejects with an error named 'ScheduleSpecError' for an invalid schedule. */
  saveSchedule(spec: unknown, by: string, nowMs: number): Promise<unknown>;
  /** Where scheduled files are e-mailed from; null = no SMTP configured. Never the password. */
  mail(): MailStatus | null;
}

export interface MailStatus {
  host: string;
  port: number;
  tls: 'starttls' | 'implicit' | 'none';
  from: string;
  /** Whether a user and password are set (their values stay on the server). */
  auth: boolean;
}

export type ParsedExportQuery = { ok: true; value: MonthlyExportQuery } | { ok: false; param: string; reason: string };

function one(v: unknown): string | undefined | null {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : null;
}

/** Validates `GET /api/exports/monthly` parameters; a rejection names the parameter. */
export function parseExportQuery(q: Record<string, unknown>, defaultLang: 'es' | 'en'): ParsedExportQuery {
  for (const k of Object.keys(q)) if (!['month', 'queue', 'format', 'lang', 'sep', 'site'].includes(k)) return { ok: false, param: k, reason: 'unknown parameter' };
  const month = one(q.month);
  if (!month) return { ok: false, param: 'month', reason: 'must be YYYY-MM' };
  const bad = monthProblem(month);
  if (bad !== null) return { ok: false, param: 'month', reason: bad };
  const format = one(q.format) ?? 'xlsx';
  if (!(FORMATS as readonly (string | null)[]).includes(format)) return { ok: false, param: 'format', reason: `must be one of ${FORMATS.join(', ')}` };
  const lang = one(q.lang) ?? defaultLang;
  if (!(LANGS as readonly (string | null)[]).includes(lang)) return { ok: false, param: 'lang', reason: 'must be es or en' };
  const sep = one(q.sep);
  if (sep !== undefined && !(SEPS as readonly (string | null)[]).includes(sep)) return { ok: false, param: 'sep', reason: "must be ';' or ','" };
  const raw = q.queue === undefined ? [] : Array.isArray(q.queue) ? q.queue : [q.queue];
  if (raw.length > MAX_QUEUES || !raw.every((x) => typeof x === 'string' && x.length > 0 && x.length <= 128)) return { ok: false, param: 'queue', reason: 'bad queue name' };
  const value: MonthlyExportQuery = { month, queues: [...new Set(raw as string[])], format: format as MonthlyExportQuery['format'], lang: lang as MonthlyExportQuery['lang'] };
  if (sep) value.sep = sep as MonthlyExportQuery['sep'];
  const site = one(q.site);
  if (site !== undefined) {
    if (site === null || !/^[A-Za-z0-9_-]{1,64}$/.test(site)) return { ok: false, param: 'site', reason: 'must be 1 to 64 letters, digits, _ or -' };
    value.site = site;
  }
  return { ok: true, value };
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

export function exportRoutes(app: App, ctx: AppContext): void {
  const port = (): ExportsPort => {
    if (!ctx.deps.exports) throw new ExportsUnavailableError();
    return ctx.deps.exports;
  };

  app.get('/api/exports/monthly', { config: { access: EXPORTERS } }, async (req, reply) => {
    const parsed = parseExportQuery(req.query as Record<string, unknown>, req.session?.lang ?? 'es');
    if (!parsed.ok) throw new BadQueryError(parsed.param, parsed.reason);
    const exports = port();
    let out: Awaited<ReturnType<ExportsPort['monthly']>>;
    try {
      out = await exports.monthly({ ...parsed.value, nowMs: ctx.now() });
    } catch (err) {
      req.log.error({ err, month: parsed.value.month, format: parsed.value.format }, 'export failed');
      throw new ExportFailedError({ cause: err });
    }
    req.log.info({ month: parsed.value.month, format: parsed.value.format, bytes: out.body.length, by: req.session?.username }, 'report exported');
    return reply
      .header('content-type', out.content_type)
      // File names are ASCII by construction (reportFileName); quoted for the header grammar.
      .header('content-disposition', `attachment; filename="${out.filename}"`)
      .header('cache-control', 'no-store')
      .header('x-tablero-month', out.closed ? 'closed' : 'open')
      .header('x-tablero-data-changed', String(out.data_changed))
      .send(out.body);
  });

  app.post<{ Params: { month: string } }>('/api/months/:month/close', { config: { access: EXPORTERS, audit: { action: 'month_closed' } } }, async (req, reply) => {
    const month = req.params.month;
    const bad = monthProblem(month);
    if (bad !== null) throw new BadRequestError(`month ${bad}, got '${month.slice(0, 20)}'`);
    const exports = port();
    try {
      const result = await exports.closeMonth({ month, closedBy: req.session?.username ?? 'unknown', nowMs: ctx.now() });
      req.log.info({ month, by: req.session?.username }, 'month closed');
      noteAudit(req, { target: month, after: result });
      return reply.code(201).send(result);
    } catch (err) {
      if (errorCode(err) === 'month_not_over') throw new MonthNotOverError((err as Error).message);
      req.log.error({ err, month }, 'closing a month failed');
      throw new ExportFailedError({ cause: err });
    }
  });

  app.get('/api/months', { config: { access: EXPORTERS } }, async () => port().closedMonths());
  app.get('/api/exports/runs', { config: { access: EXPORTERS } }, async () => port().runs());
  app.get('/api/exports/schedules', { config: { access: EXPORTERS } }, async () => port().schedules());
  app.get('/api/exports/mail', { config: { access: EXPORTERS } }, async () => {
    const m = port().mail();
    return m === null ? { configured: false } : { configured: true, ...m };
  });

  // Managers and admins: the folder a schedule names is held inside the server's exports folder.
  app.put<{ Params: { id: string }; Body: unknown }>('/api/exports/schedules/:id', { config: { access: EXPORTERS, audit: { action: 'export_schedule_saved' } } }, async (req) => {
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequestError('the body must be a JSON object');
    const exports = port();
    noteAudit(req, { before: (await exports.schedules()).find((s) => typeof s === 'object' && s !== null && (s as { id?: unknown }).id === req.params.id) ?? null });
    try {
      return await exports.saveSchedule({ ...body, id: req.params.id }, req.session?.username ?? 'unknown', ctx.now());
    } catch (err) {
      if (err instanceof Error && err.name === 'ScheduleSpecError') throw new BadRequestError(err.message);
      throw err;
    }
  });
}
