// GET /api/live/supervisor: agent states, waiting callers and today's abandoned callers for the
// supervisor live view, as the processor last published them (kpi.supervisor.<site>, kept by the
// live hub; the same messages reach /ws/live). Caller numbers are personal data: roles that do
// not call anyone back see them masked.
import { ALL_ROLES } from '../core/roles.ts';
import type { App, AppContext } from '../context.ts';

export function supervisorRoutes(app: App, ctx: AppContext): void {
  app.get('/api/live/supervisor', { config: { access: ALL_ROLES } }, async (req) => ctx.hub.supervisorView(req.session?.role));
}
