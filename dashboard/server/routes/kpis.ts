// GET /api/kpis: the same rows as `tablero kpis --json`, computed by the processor's query.
import { ALL_ROLES } from '../core/roles.ts';
import { parseKpiQuery, rangeRejection } from '../core/kpi-query.ts';
import type { App, AppContext } from '../context.ts';
import { BadQueryError, KpiQueryFailedError } from '../errors.ts';

export function kpiRoutes(app: App, ctx: AppContext): void {
  app.get('/api/kpis', { config: { access: ALL_ROLES } }, async (req) => {
    const parsed = parseKpiQuery(req.query as Record<string, unknown>);
    if (!parsed.ok) throw new BadQueryError(parsed.param, parsed.reason);
    try {
      return await ctx.deps.queryKpis(parsed.value);
    } catch (err) {
      const rejected = rangeRejection(err);
      if (rejected !== null) throw new BadQueryError('from/to', rejected);
      req.log.error({ err, from: parsed.value.from, to: parsed.value.to }, 'kpi query failed');
      throw new KpiQueryFailedError({ cause: err });
    }
  });
}
