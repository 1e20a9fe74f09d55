// The audit trail of every administrative change (issue 17). Each mutating /api/ route declares
// in its config how it is audited, and registering one that does not fails at start (like
// `access`), so no new route can be forgotten:
// - `{ action }`: after a successful answer (2xx) the app records one entry: the session's user,
//   the client address, the target (what the handler named, else the route's parameters), and
//   the `before` / `after` the handler noted (else the request body), secrets redacted;
// - `'handler'`: the handler records its own entries (logins, user changes: several actions);
// - `{ exempt }`: the route changes nothing administrative (a running score preview), with why.
import type { FastifyRequest } from 'fastify';
import type { App, AppContext } from './context.ts';
import { recordAudit, redact, type AuditAction, type AuditValue } from './store/audit-store.ts';

export type AuditSpec = { action: AuditAction } | 'handler' | { exempt: string };

/** What a handler tells the hook about its change (all optional). */
export interface AuditNote {
  target?: string;
  before?: unknown;
  after?: unknown;
  /** Other facts of the change (a version number, sessions ended...). */
  facts?: Record<string, unknown>;
}

export const MUTATING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AuditedRoute {
  method: string;
  url: string;
  audit: AuditSpec;
}

const registered = new WeakMap<object, AuditedRoute[]>();
const everyRoute = new WeakMap<object, Array<{ method: string; url: string }>>();

/** Every route of an app, any method (the immutability test tries each one). */
export function allRoutes(app: App): ReadonlyArray<{ method: string; url: string }> {
  return everyRoute.get(app) ?? [];
}

/** The mutating /api/ routes of an app and how each is audited (the route test enumerates them). */
export function auditedRoutes(app: App): readonly AuditedRoute[] {
  return registered.get(app) ?? [];
}

function methodsOf(m: string | string[]): string[] {
  return (Array.isArray(m) ? m : [m]).map((x) => x.toUpperCase());
}

/** Installs the declaration check and the recording hook; call before any route is registered. */
export function installAuditTrail(app: App, ctx: AppContext): void {
  const list: AuditedRoute[] = [];
  registered.set(app, list);
  const all: Array<{ method: string; url: string }> = [];
  everyRoute.set(app, all);
  app.addHook('onRoute', (route) => {
    for (const method of methodsOf(route.method)) all.push({ method, url: route.url });
    if (!route.url.startsWith('/api/')) return;
    for (const method of methodsOf(route.method)) {
      if (!MUTATING_METHODS.has(method)) continue;
      const audit = route.config?.audit;
      if (audit === undefined) throw new Error(`route ${method} ${route.url} changes state but declares no audit`);
      list.push({ method, url: route.url, audit });
    }
  });
  app.addHook('onSend', async (req, reply, payload) => {
    if (!MUTATING_METHODS.has(req.method) || reply.statusCode >= 300) return payload;
    const spec = req.routeOptions.config.audit;
    if (spec === undefined || spec === 'handler' || !('action' in spec)) return payload;
    await recordAudit(ctx.deps.ch, {
      atMs: ctx.now(),
      actor: req.session?.username ?? '',
      action: spec.action,
      target: req.auditNote?.target ?? targetOf(req),
      address: req.ip,
      detail: detailOf(req),
    });
    return payload;
  });
}

function targetOf(req: FastifyRequest): string {
  const params = (req.params ?? {}) as Record<string, unknown>;
  return Object.values(params).map(String).join('/');
}

function detailOf(req: FastifyRequest): Record<string, AuditValue> {
  const note = req.auditNote ?? {};
  const params = (req.params ?? {}) as Record<string, unknown>;
  const body = req.body === undefined ? null : req.body;
  const after = note.after !== undefined ? note.after : Object.keys(params).length > 0 && body !== null && typeof body === 'object' ? { ...params, ...(body as object) } : body;
  return {
    before: redact(note.before === undefined ? null : note.before),
    after: redact(after),
    ...(note.facts ? (redact(note.facts) as Record<string, AuditValue>) : {}),
  };
}

/** What the trail keeps of a CSV import (a list may hold 300,000 rows): its counts, not its text. */
export function importCounts(r: { lines: number; accepted: number; new: number; rejected: number }): Record<string, number> {
  return { lines: r.lines, accepted: r.accepted, new: r.new, rejected: r.rejected };
}

/** Adds to the note the hook records for this request. */
export function noteAudit(req: FastifyRequest, note: AuditNote): void {
  req.auditNote = { ...(req.auditNote ?? {}), ...note };
}
