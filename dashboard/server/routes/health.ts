// GET /api/health: liveness and readiness for load balancers and operators. Facts only, no data.
import type { App, AppContext } from '../context.ts';
import { processorHealthOf } from '../core/quality.ts';

const CLICKHOUSE_TIMEOUT_MS = 2_000;

async function clickhouseUp(ctx: AppContext): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), CLICKHOUSE_TIMEOUT_MS);
  });
  const probe = ctx.deps.ch.client
    .query({ query: 'SELECT 1 AS ok', format: 'JSONEachRow' })
    .then(async (rs) => (await rs.json<{ ok: number }>()).length === 1)
    .catch(() => false);
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What anyone may learn about a source: its site, kind and when it last spoke; not its path or volumes. */
const PUBLIC_SOURCE_FIELDS = ['site', 'kind', 'last_line_at_ms', 'last_event_ts'];
/** The processor's storage health is facts without data (counts, error codes, table names): public. */

function publicFacts(extra: Record<string, unknown>): Record<string, unknown> {
  const sources = extra.sources;
  if (!Array.isArray(sources)) return extra;
  return {
    ...extra,
    sources: sources.map((s: unknown) =>
      typeof s === 'object' && s !== null
        ? Object.fromEntries(Object.entries(s).filter(([k]) => PUBLIC_SOURCE_FIELDS.includes(k)))
        : {},
    ),
  };
}

export function healthRoutes(app: App, ctx: AppContext): void {
  app.get('/api/health', { config: { access: 'public' } }, async (_req, reply) => {
    const bus = ctx.deps.bus.healthy();
    const clickhouse = await clickhouseUp(ctx);
    let extra: Record<string, unknown> = {};
    let extraOk = true;
    if (ctx.deps.health) {
      try {
        extra = await ctx.deps.health();
      } catch (err) {
        extraOk = false;
        ctx.deps.log.warn({ err }, 'health facts unavailable');
      }
    }
    // A processor in this process that has not stored a pending commit for a while is not ready
    // either (issue 14: a stuck consumer used to leave health at ok).
    // In this process (`tablero start`), else as the processor publishes it on the bus.
    const processor = processorHealthOf(extra) ?? ctx.hub.processorHealth();
    const ok = bus && clickhouse && extraOk && processor?.status !== 'degraded';
    // 503 when degraded, so a load balancer or orchestrator can act on the status code alone.
    return reply.code(ok ? 200 : 503).send({ ...publicFacts(extra), ...(processor ? { processor } : {}), status: ok ? 'ok' : 'degraded', bus, clickhouse });
  });
}
