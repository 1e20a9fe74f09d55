// GET /api/fcr: the same rows as `tablero fcr --json` (typification and first-contact resolution,
// docs/kpi-definitions.md §14), read by the processor through the injected port.
import type { FcrQuery } from '@tablero/processor/contract';
import { ALL_ROLES } from '../core/roles.ts';
import { parseKpiQuery, rangeRejection } from '../core/kpi-query.ts';
import type { App, AppContext } from '../context.ts';
import { BadQueryError, FcrFailedError, FcrUnavailableError } from '../errors.ts';

const FCR_PARAMS: ReadonlySet<string> = new Set(['from', 'to', 'queue', 'by', 'tz', 'site']);

export function fcrRoutes(app: App, ctx: AppContext): void {
  // Counts per queue and period, no caller numbers: every logged-in role, like /api/kpis.
  app.get('/api/fcr', { config: { access: ALL_ROLES } }, async (req) => {
    const port = ctx.deps.fcr;
    if (!port) throw new FcrUnavailableError();
    const parsed = parseKpiQuery(req.query as Record<string, unknown>, FCR_PARAMS);
    if (!parsed.ok) throw new BadQueryError(parsed.param, parsed.reason);
    const { from, to, queues, by, tz, site } = parsed.value;
    const q: FcrQuery = { from, to, ...(queues ? { queues } : {}), ...(by ? { by } : {}), ...(tz ? { tz } : {}), ...(site ? { site } : {}) };
    try {
      return await port(q);
    } catch (err) {
      const rejected = rangeRejection(err);
      if (rejected !== null) throw new BadQueryError('from/to', rejected);
      req.log.error({ err, from, to }, 'fcr query failed');
      throw new FcrFailedError({ cause: err });
    }
  });
}
