// Report figures beyond /api/kpis: GET /api/reports/wait-distribution (answered and abandoned
// callers per wait bucket) and GET /api/reports/agents (answered, AHT, pause time by reason).
// Both take from, to (exclusive), repeatable queue and tz, like /api/kpis.
import { ALL_ROLES, type Role } from '../core/roles.ts';
import { WAIT_EDGES_S, agentPerformance, parseRangeQuery, waitHistogram, type RangeQuery } from '../core/reports.ts';
import type { App, AppContext } from '../context.ts';
import { BadQueryError, ReportFailedError } from '../errors.ts';
import { agentCalls, agentPauses, waitDistribution } from '../store/report-store.ts';

/** Agent figures are about people: the roles that manage them. */
export const AGENT_REPORT_ROLES: readonly Role[] = ['admin', 'manager', 'supervisor'];

export function reportRoutes(app: App, ctx: AppContext): void {
  const ch = ctx.deps.ch;
  const tz = ctx.opts.siteTz ?? 'UTC';
  const range = (raw: unknown): RangeQuery => {
    const parsed = parseRangeQuery(raw as Record<string, unknown>, tz);
    if (!parsed.ok) throw new BadQueryError(parsed.param, parsed.reason);
    return parsed.value;
  };
  const failed = (err: unknown, what: string, q: RangeQuery): never => {
    ctx.deps.log.error({ err, report: what, from: q.from, to: q.to }, 'report query failed');
    throw new ReportFailedError({ cause: err });
  };

  app.get('/api/reports/wait-distribution', { config: { access: ALL_ROLES } }, async (req) => {
    const q = range(req.query);
    try {
      const rows = await waitDistribution(ch, q, WAIT_EDGES_S);
      return { tz: q.tz, buckets: waitHistogram(rows) };
    } catch (err) {
      return failed(err, 'wait-distribution', q);
    }
  });

  app.get('/api/reports/agents', { config: { access: AGENT_REPORT_ROLES } }, async (req) => {
    const q = range(req.query);
    try {
      const [calls, pauses] = await Promise.all([agentCalls(ch, q), agentPauses(ch, q)]);
      return { tz: q.tz, ...agentPerformance(calls, pauses) };
    } catch (err) {
      return failed(err, 'agents', q);
    }
  });
}
