// Report figures beyond /api/kpis: GET /api/reports/wait-distribution (counted answered and
// abandoned callers per wait bucket) and GET /api/reports/agents (answered, AHT, pause time by
// reason). Both take the parameters of /api/kpis but `by`, and are read by the processor's one
// KPI read module (stored definitions and calendars): the dashboard computes no figure itself.
import { AGENT_REPORT_READERS, ALL_ROLES } from '../core/roles.ts';
import { RANGE_PARAMS, parseKpiQuery, rangeRejection, type KpiQuery } from '../core/kpi-query.ts';
import type { App, AppContext } from '../context.ts';
import { BadQueryError, ReportFailedError, ReportsUnavailableError } from '../errors.ts';
import type { ReportsPort } from '../types.ts';

export function reportRoutes(app: App, ctx: AppContext): void {
  const range = (raw: unknown): KpiQuery => {
    const parsed = parseKpiQuery(raw as Record<string, unknown>, RANGE_PARAMS);
    if (!parsed.ok) throw new BadQueryError(parsed.param, parsed.reason);
    return parsed.value;
  };
  const read = async <T>(what: string, q: KpiQuery, run: (port: ReportsPort) => Promise<T>): Promise<T> => {
    const port = ctx.deps.reports;
    if (!port) throw new ReportsUnavailableError();
    try {
      return await run(port);
    } catch (err) {
      const rejected = rangeRejection(err);
      if (rejected !== null) throw new BadQueryError('from/to', rejected);
      ctx.deps.log.error({ err, report: what, from: q.from, to: q.to }, 'report query failed');
      throw new ReportFailedError({ cause: err });
    }
  };

  app.get('/api/reports/wait-distribution', { config: { access: ALL_ROLES } }, async (req) => {
    const q = range(req.query);
    return read('wait-distribution', q, (port) => port.waitDistribution(q));
  });

  app.get('/api/reports/agents', { config: { access: AGENT_REPORT_READERS } }, async (req) => {
    const q = range(req.query);
    return read('agents', q, (port) => port.agents(q));
  });
}
