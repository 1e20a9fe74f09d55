// The quarterly complaints (PQRSD) report over HTTP (issue 17): the file download, closing a
// quarter and the closed quarters, for managers and admins (the exporters). The report work is
// the processor's, injected by the composition root as `deps.quarterly`; this file checks roles
// and parameters and moves bytes.
import createError from '@fastify/error';
import { EXPORTERS } from '../core/roles.ts';
import type { App, AppContext } from '../context.ts';
import { noteAudit } from '../audit-trail.ts';
import { BadQueryError, BadRequestError } from '../errors.ts';
import { ExportFailedError, ExportsUnavailableError } from './exports.ts';

export const QuarterNotOverError = createError('TABLERO_ERR_QUARTER_NOT_OVER', '%s', 409, undefined, false);

const FORMATS = ['csv', 'xlsx', 'pdf'] as const;
const QUARTER = /^(20\d\d)-Q[1-4]$/;

export interface QuarterlyExportQuery {
  quarter: string;
  format: (typeof FORMATS)[number];
  lang: 'es' | 'en';
  sep?: ';' | ',';
  /** Default the deployment's site. */
  site?: string;
}

/** What the composition root provides (the processor's quarterly report, bound to its ClickHouse and site). */
export interface QuarterlyPort {
  quarterly(q: QuarterlyExportQuery & { nowMs: number }): Promise<{ filename: string; content_type: string; body: Buffer; closed: boolean; data_changed: boolean }>;
  /** Rejects with an error whose `code` is 'month_not_over' for a quarter that has not ended. */
  closeQuarter(q: { quarter: string; closedBy: string; nowMs: number }): Promise<unknown>;
  closedQuarters(): Promise<unknown[]>;
}

export type ParsedQuarterlyQuery = { ok: true; value: QuarterlyExportQuery } | { ok: false; param: string; reason: string };

/** Validates `GET /api/exports/quarterly` parameters; a rejection names the parameter. */
export function parseQuarterlyQuery(q: Record<string, unknown>, defaultLang: 'es' | 'en'): ParsedQuarterlyQuery {
  for (const k of Object.keys(q)) if (!['quarter', 'format', 'lang', 'sep', 'site'].includes(k)) return { ok: false, param: k, reason: 'unknown parameter' };
  const str = (v: unknown): string | undefined | null => (v === undefined ? undefined : typeof v === 'string' ? v : null);
  const quarter = str(q['quarter']);
  if (!quarter || !QUARTER.test(quarter)) return { ok: false, param: 'quarter', reason: 'must be YYYY-Qn (n 1 to 4)' };
  const format = str(q['format']) ?? 'xlsx';
  if (!(FORMATS as readonly (string | null)[]).includes(format)) return { ok: false, param: 'format', reason: `must be one of ${FORMATS.join(', ')}` };
  const lang = str(q['lang']) ?? defaultLang;
  if (lang !== 'es' && lang !== 'en') return { ok: false, param: 'lang', reason: 'must be es or en' };
  const value: QuarterlyExportQuery = { quarter, format: format as QuarterlyExportQuery['format'], lang };
  const sep = str(q['sep']);
  if (sep !== undefined) {
    if (sep !== ';' && sep !== ',') return { ok: false, param: 'sep', reason: "must be ';' or ','" };
    value.sep = sep;
  }
  const site = str(q['site']);
  if (site !== undefined) {
    if (site === null || !/^[A-Za-z0-9_-]{1,64}$/.test(site)) return { ok: false, param: 'site', reason: 'must be 1 to 64 letters, digits, _ or -' };
    value.site = site;
  }
  return { ok: true, value };
}

export function quarterlyRoutes(app: App, ctx: AppContext): void {
  const port = (): QuarterlyPort => {
    if (!ctx.deps.quarterly) throw new ExportsUnavailableError();
    return ctx.deps.quarterly;
  };

  app.get('/api/exports/quarterly', { config: { access: EXPORTERS } }, async (req, reply) => {
    const parsed = parseQuarterlyQuery(req.query as Record<string, unknown>, req.session?.lang ?? 'es');
    if (!parsed.ok) throw new BadQueryError(parsed.param, parsed.reason);
    let out: Awaited<ReturnType<QuarterlyPort['quarterly']>>;
    try {
      out = await port().quarterly({ ...parsed.value, nowMs: ctx.now() });
    } catch (err) {
      req.log.error({ err, quarter: parsed.value.quarter, format: parsed.value.format }, 'quarterly export failed');
      throw new ExportFailedError({ cause: err });
    }
    req.log.info({ quarter: parsed.value.quarter, format: parsed.value.format, bytes: out.body.length, by: req.session?.username }, 'quarterly report exported');
    return reply
      .header('content-type', out.content_type)
      .header('content-disposition', `attachment; filename="${out.filename}"`)
      .header('cache-control', 'no-store')
      .header('x-tablero-quarter', out.closed ? 'closed' : 'open')
      .header('x-tablero-data-changed', String(out.data_changed))
      .send(out.body);
  });

  app.post<{ Params: { quarter: string } }>('/api/quarters/:quarter/close', { config: { access: EXPORTERS, audit: { action: 'quarter_closed' } } }, async (req, reply) => {
    const quarter = req.params.quarter;
    if (!QUARTER.test(quarter)) throw new BadRequestError(`quarter must be YYYY-Qn (n 1 to 4), got '${quarter.slice(0, 20)}'`);
    try {
      const result = await port().closeQuarter({ quarter, closedBy: req.session?.username ?? 'unknown', nowMs: ctx.now() });
      noteAudit(req, { target: quarter, after: result });
      req.log.info({ quarter, by: req.session?.username }, 'quarter closed');
      return reply.code(201).send(result);
    } catch (err) {
      if (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'month_not_over') throw new QuarterNotOverError((err as Error).message);
      req.log.error({ err, quarter }, 'closing a quarter failed');
      throw new ExportFailedError({ cause: err });
    }
  });

  app.get('/api/quarters', { config: { access: EXPORTERS } }, async () => port().closedQuarters());
}
