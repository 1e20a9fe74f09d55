// GET /api/live/supervisor: agent states, waiting callers and today's abandoned callers for the
// supervisor live view (queue figures and alerts come over /ws/live). Caller numbers are
// personal data: roles that do not call anyone back see them masked.
import { ALL_ROLES, type Role } from '../core/roles.ts';
import { maskCaller } from '../core/supervisor.ts';
import type { App, AppContext } from '../context.ts';
import { ReportFailedError } from '../errors.ts';
import { SupervisorFeed, type SupervisorView } from '../live/supervisor-feed.ts';

/** Roles that see caller numbers in full (they call abandoned callers back). */
export const SEES_CALLER_NUMBERS: readonly Role[] = ['admin', 'manager', 'supervisor'];

export function maskView(v: SupervisorView): SupervisorView {
  return {
    ...v,
    waiting: v.waiting.map((w) => ({ ...w, caller: maskCaller(w.caller) })),
    abandoned: v.abandoned.map((a) => ({ ...a, caller: maskCaller(a.caller) })),
  };
}

export function supervisorRoutes(app: App, ctx: AppContext): void {
  const feed = new SupervisorFeed({
    ch: ctx.deps.ch,
    log: ctx.deps.log,
    now: ctx.now,
    tz: ctx.opts.siteTz ?? 'UTC',
    ...(ctx.deps.memberAliases ? { aliases: ctx.deps.memberAliases } : {}),
  });

  app.get('/api/live/supervisor', { config: { access: ALL_ROLES } }, async (req) => {
    let view: SupervisorView;
    try {
      view = await feed.view();
    } catch (err) {
      req.log.error({ err }, 'supervisor view failed');
      throw new ReportFailedError({ cause: err });
    }
    const role = req.session?.role;
    return role !== undefined && SEES_CALLER_NUMBERS.includes(role) ? view : maskView(view);
  });
}
