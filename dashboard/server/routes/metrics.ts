// GET /metrics: this process's Prometheus metrics (processor/src/metrics.ts), for the scraper's
// token or an admin session (access 'metrics'). The live WebSocket clients of this app are one of
// them; the rest is whatever else runs in the process (`tablero start` runs all three services).
import { enableProcessMetrics, metricsText, registerWebSocketClients } from '@tablero/processor/metrics';
import type { App, AppContext } from '../context.ts';

export function metricsRoutes(app: App, ctx: AppContext): void {
  enableProcessMetrics();
  const unregister = registerWebSocketClients(() => ctx.hub.stats().clients);
  app.addHook('onClose', async () => unregister());
  app.get('/metrics', { config: { access: 'metrics' } }, async (_req, reply) => {
    const m = await metricsText();
    return reply.header('content-type', m.contentType).header('cache-control', 'no-store').send(m.body);
  });
}
