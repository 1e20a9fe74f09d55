// The audit trail, read-only (admins): GET /api/audit (filters and server paging), GET
// /api/audit/file (the filtered entries as CSV or XLSX) and GET /api/audit/users-report (users
// created, changed and removed in a period: the ICETEX control). No route writes to audit_log
// except by acting: there is no update or delete of an entry anywhere.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ADMIN_ONLY } from '../core/roles.ts';
import type { App, AppContext } from '../context.ts';
import { parseAuditQuery } from '../core/audit-query.ts';
import { BadQueryError } from '../errors.ts';
import { queryAudit } from '../store/audit-store.ts';
import { auditFile } from '../store/audit-files.ts';

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
    const q = { ...(req.query as Record<string, unknown>) };
    if (q['lang'] === undefined) q['lang'] = req.session?.lang ?? 'es';
    const r = await auditFile(ch, kind, q, tz());
    if (!r.ok) throw new BadQueryError(r.param, r.reason);
    req.log.info({ kind, format: r.format, entries: r.entries, by: req.session?.username }, 'audit exported');
    return reply
      .header('content-type', r.content_type)
      .header('content-disposition', `attachment; filename="${r.filename}"`)
      .header('cache-control', 'no-store')
      .header('x-tablero-entries', String(r.entries))
      .send(r.body);
  };
  app.get('/api/audit/file', { config: { access: ADMIN_ONLY } }, file('audit'));
  app.get('/api/audit/users-report', { config: { access: ADMIN_ONLY } }, file('users'));
}
