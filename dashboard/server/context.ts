// Shared state of one dashboard app, handed to every route module, and the request fields the
// access hook fills in.
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { SessionManager, ActiveSession } from './auth/sessions.ts';
import type { AuditNote, AuditSpec } from './audit-trail.ts';
import type { Access } from './core/roles.ts';
import type { LiveHub, LiveViewer } from './live/hub.ts';
import type { DashboardDeps, DashboardOptions } from './types.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route (core/roles.ts); required under /api/, /ws/ and /ingest/. */
    access?: Access;
    /** How a route that changes state (POST/PUT/PATCH/DELETE under /api/) is audited (audit-trail.ts); required there. */
    audit?: AuditSpec;
  }
  interface FastifyRequest {
    /** The caller's session, when the route needs one (set by the access hook). */
    session: ActiveSession | null;
    /** Who opened a live socket (set by the access hook on /ws/live). */
    viewer: LiveViewer | null;
    /** The push source named by the bearer token (set by the access hook on /ingest/*). */
    source: { site: string; name: string } | null;
    /** What the handler tells the audit hook about its change (audit-trail.ts). */
    auditNote: AuditNote | null;
  }
}

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger>;

export interface AppContext {
  deps: DashboardDeps;
  opts: DashboardOptions;
  sessions: SessionManager;
  hub: LiveHub;
  now: () => number;
}
