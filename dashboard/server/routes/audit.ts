// The audit trail, read-only (admins): GET /api/audit (filters and server paging), GET
// /api/audit/file (the filtered entries as CSV or XLSX) and GET /api/audit/users-report (users
// created, changed and removed in a period: the ICETEX control). No route writes to audit_log
// except by acting: there is no update or delete of an entry anywhere.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ADMIN_ONLY } from '../core/roles.ts';
import type { App, AppContext } from '../context.ts';
import { parseAuditQuery } from '../core/audit-query.ts';
import { BadQueryError } from '../errors.ts';
import { USER_ACTIONS, allAudit, queryAudit, type AuditFilter } from '../store/audit-store.ts';
import { AUDIT_FILE_FORMATS, writeAuditFile, type AuditFileFormat } from '../store/audit-files.ts';

/** Entries per file at most (a year of a busy site's changes and logins fits many times over). */
export const MAX_AUDIT_FILE_ROWS = 200_000;

const CONTENT_TYPES: Record<AuditFileFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export function auditRoutes(app: App, ctx: AppContext): void {
  const ch = ctx.deps.ch;
  const tz = (): string => ctx.opts.siteTz ?? 'UTC';
  const parse = (q: unknown) => {
    const r = parseAuditQuery(q as Record<string, unknown>, tz());
    if (!r.ok) throw new BadQueryError(r.param, r.reason);
    return r;
  };

  app.get('/api/audit', { config: { access: ADMIN_ONLY } }, async (req) => {
    const p = parse(req.query);
    const { total, rows } = await queryAudit(ch, p.filter, { offset: (p.page - 1) * p.size, limit: p.size });
    return { total, page: p.page, size: p.size, tz: tz(), rows };
  });

  const file = (kind: 'audit' | 'users') => async (req: FastifyRequest, reply: FastifyReply) => {
    const q = req.query as Record<string, unknown>;
    const p = parse({ ...q, page: undefined, size: undefined });
    const format = (q['format'] ?? 'csv') as string;
    if (!(AUDIT_FILE_FORMATS as readonly string[]).includes(format)) throw new BadQueryError('format', 'must be csv or xlsx');
    const lang = (q['lang'] ?? req.session?.lang ?? 'es') as string;
    if (lang !== 'es' && lang !== 'en') throw new BadQueryError('lang', 'must be es or en');
    const filter: AuditFilter = kind === 'users' ? { ...p.filter, actions: p.filter.actions?.length ? p.filter.actions.filter((a) => (USER_ACTIONS as readonly string[]).includes(a)) : USER_ACTIONS } : p.filter;
    const rows = await allAudit(ch, filter, MAX_AUDIT_FILE_ROWS);
    const from = typeof q['from'] === 'string' ? q['from'] : '';
    const to = typeof q['to'] === 'string' ? q['to'] : '';
    const period = from || to ? `${from}..${to}` : '';
    const body = await writeAuditFile(rows, { format: format as AuditFileFormat, lang, tz: tz(), title: kind, period });
    const name = `${kind === 'users' ? 'usuarios' : 'auditoria'}${from ? `-${from}` : ''}${to ? `-${to}` : ''}.${format}`;
    req.log.info({ kind, format, entries: rows.length, by: req.session?.username }, 'audit exported');
    return reply
      .header('content-type', CONTENT_TYPES[format as AuditFileFormat])
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .header('x-tablero-entries', String(rows.length))
      .send(body);
  };
  app.get('/api/audit/file', { config: { access: ADMIN_ONLY } }, file('audit'));
  app.get('/api/audit/users-report', { config: { access: ADMIN_ONLY } }, file('users'));
}
