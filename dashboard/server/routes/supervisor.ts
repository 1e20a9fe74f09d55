// GET /api/live/supervisor: agent states, waiting callers and today's abandoned callers for the
// supervisor live view, as the processor last published them (kpi.supervisor.<site>, kept by the
// live hub; the same messages reach /ws/live). Caller numbers are personal data: roles that do
// not call anyone back see them masked.
import { ALL_ROLES } from '../core/roles.ts';
import type { App, AppContext } from '../context.ts';
import { supervisedQueues } from '../store/auth-store.ts';

export function supervisorRoutes(app: App, ctx: AppContext): void {
  // A supervisor with a queue list sees the agents, callers and stale calls of those queues only (as on /ws/live).
  app.get('/api/live/supervisor', { config: { access: ALL_ROLES } }, async (req) => {
    const queues = req.session ? await supervisedQueues(ctx.deps.ch, req.session) : null;
    return ctx.hub.supervisorView(req.session?.role, { sites: null, queues });
  });
}
