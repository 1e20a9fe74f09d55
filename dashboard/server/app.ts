// buildApp: the dashboard's Fastify app (REST, WebSocket fan-out, ingest push, the SPA's
// files). It never listens; startDashboard (start.ts) does. Access is decided in one hook from
// each route's declared `access`, so no route can forget it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { SessionManager, SESSION_COOKIE, apiSession, type ActiveSession } from './auth/sessions.ts';
import { originAllowed } from './core/origin.ts';
import { KIOSK_HEADER, roleAllowed, type Access } from './core/roles.ts';
import { safeEqual } from './core/session.ts';
import type { App, AppContext } from './context.ts';
import {
  detailsOf,
  BadOriginError,
  CsrfError,
  ForbiddenError,
  NotFoundError,
  SourceTokenError,
  UnauthenticatedError,
} from './errors.ts';
import { installAuditTrail } from './audit-trail.ts';
import { LiveHub } from './live/hub.ts';
import { adminRoutes } from './routes/admin.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { escalationRoutes } from './routes/escalations.ts';
import { contactRoutes } from './routes/contacts.ts';
import { exportRoutes } from './routes/exports.ts';
import { quarterlyRoutes } from './routes/quarterly.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { ingestRoutes } from './routes/ingest.ts';
import { kpiRoutes } from './routes/kpis.ts';
import { funnelRoutes } from './routes/funnel.ts';
import { fcrRoutes } from './routes/fcr.ts';
import { liveRoutes } from './routes/live.ts';
import { qaRoutes } from './routes/qa.ts';
import { campaignRoutes } from './routes/campaigns.ts';
import { qualityRoutes } from './routes/quality.ts';
import { callRoutes } from './routes/calls.ts';
import { reportRoutes } from './routes/reports.ts';
import { settingsRoutes } from './routes/settings.ts';
import { supervisorRoutes } from './routes/supervisor.ts';
import { decodeIngestBody } from './routes/ingest-encoding.ts';
import { findKioskToken, sha256Hex, supervisedQueues, validKioskHashes } from './store/auth-store.ts';
import type { DashboardDeps, DashboardOptions } from './types.ts';

export const CSRF_HEADER = 'x-csrf-token';
/** Live clients send nothing of substance; a small cap keeps a hostile one cheap. */
const WS_MAX_PAYLOAD_BYTES = 4096;
const GUARDED_PREFIXES = ['/api/', '/ws/', '/ingest/'];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // Kiosk links carry their token in the query string: never leak it in a Referer.
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
    "media-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; " +
    "base-uri 'self'; form-action 'self'",
};

function guarded(url: string): boolean {
  return GUARDED_PREFIXES.some((p) => url.startsWith(p));
}

/** The URL without its query string, for logs (kiosk tokens travel in the query). */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? (m[1] as string) : null;
}

export async function buildApp(deps: DashboardDeps, opts: DashboardOptions): Promise<FastifyInstance> {
  const now = deps.now ?? Date.now;
  const sessions = new SessionManager(opts.sessionSecret, deps.ch, now);
  const hub = new LiveHub({
    bus: deps.bus,
    log: deps.log,
    now,
    validKiosks: (hashes) => validKioskHashes(deps.ch, hashes),
    openSessions: (nonces) => sessions.stillOpen(nonces),
    ...(opts.wsMaxBufferedBytes === undefined ? {} : { maxBufferedBytes: opts.wsMaxBufferedBytes }),
    ...(opts.wsHeartbeatMs === undefined ? {} : { heartbeatMs: opts.wsHeartbeatMs }),
  });
  const ctx: AppContext = { deps, opts, sessions, hub, now };
  const sourceTokens = new Map(Object.entries(opts.sourceTokens ?? {}).map(([hash, src]) => [hash.toLowerCase(), src]));
  const allowedOrigins = opts.allowedOrigins ?? [];
  const metricsTokenHash = opts.metricsTokenHash?.toLowerCase() ?? null;
  const apiTokens = new Map(Object.entries(opts.apiTokens ?? {}).map(([hash, who]) => [hash.toLowerCase(), who]));

  /** The caller's session from the cookie, or from an API bearer token (scripts, the CLI). */
  const sessionOf = async (req: FastifyRequest): Promise<ActiveSession | null> => {
    const fromCookie = await sessions.resolve(req.cookies[SESSION_COOKIE]);
    if (fromCookie) return fromCookie;
    const token = bearer(req);
    const who = token === null ? undefined : apiTokens.get(sha256Hex(token));
    return who ? apiSession(who) : null;
  };

  const app: App = Fastify({
    // Typed as Fastify's base logger so routes see one logger type; it is the same pino instance.
    loggerInstance: deps.log as FastifyBaseLogger,
    // Requests are logged by the onResponse hook below, without query strings.
    logController: new LogController({ disableRequestLogging: true }),
    // req.ip is the client behind a trusted proxy (the login throttle counts per address).
    trustProxy: opts.trustProxy !== undefined && opts.trustProxy.length > 0 ? opts.trustProxy : false,
  });

  app.decorateRequest('session', null);
  app.decorateRequest('viewer', null);
  app.decorateRequest('source', null);
  app.decorateRequest('auditNote', null);

  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyWebsocket, {
    options: { maxPayload: WS_MAX_PAYLOAD_BYTES },
    // Shutdown closes live clients through the hub (close frame, then drop after a grace).
    preClose: async function (this: FastifyInstance) {
      await hub.closeAll();
      this.websocketServer.close();
    },
  });

  app.addHook('onRoute', (route) => {
    if (route.config?.access === undefined && guarded(route.url)) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no access`);
    }
  });

  // Every mutating /api/ route declares how it is audited; successes are recorded (audit-trail.ts).
  installAuditTrail(app, ctx);

  app.addHook('onRequest', async (req) => {
    const access: Access = req.routeOptions.config.access ?? 'public';
    if (access === 'public') return;
    if (access === 'source') {
      const token = bearer(req);
      const source = token === null ? undefined : sourceTokens.get(sha256Hex(token));
      if (!source) throw new SourceTokenError();
      req.source = source;
      return;
    }
    if (access === 'metrics') {
      // The scraper's token (compared as hashes, so in constant time), else an admin session.
      const token = bearer(req);
      if (token !== null && metricsTokenHash !== null && safeEqual(sha256Hex(token), metricsTokenHash)) return;
      const session = await sessionOf(req);
      if (!session) throw new UnauthenticatedError();
      if (session.role !== 'admin') throw new ForbiddenError(pathOf(req.url));
      return;
    }
    const session = await sessionOf(req);
    req.session = session;
    if (access === 'board') {
      if (session) return;
      const given = req.headers[KIOSK_HEADER];
      const found = typeof given === 'string' && given.length > 0 ? await findKioskToken(deps.ch, sha256Hex(given)) : null;
      if (!found || found.revoked) throw new UnauthenticatedError();
      return;
    }
    if (access === 'live') {
      if (session) {
        req.viewer = {
          user: { username: session.username, role: session.role, lang: session.lang },
          kioskHash: null,
          sessionNonce: session.nonce,
          expiresAtMs: session.expiresAtMs,
          // A supervisor with a queue list sees those queues live too, as in GET /api/calls.
          rights: { sites: null, queues: await supervisedQueues(deps.ch, session) },
        };
      } else {
        const kiosk = (req.query as Record<string, unknown>)['kiosk'];
        const token = typeof kiosk === 'string' && kiosk.length > 0 ? kiosk : null;
        const found = token === null ? null : await findKioskToken(deps.ch, sha256Hex(token));
        if (!found || found.revoked) throw new UnauthenticatedError();
        // What the link shows (migration 132); empty lists = everything.
        const rights = { sites: found.sites.length > 0 ? found.sites : null, queues: found.queues.length > 0 ? found.queues : null };
        req.viewer = { user: null, kioskHash: found.hash, sessionNonce: null, expiresAtMs: null, rights };
      }
      const origin = req.headers.origin;
      if (!originAllowed(origin, req.headers.host, allowedOrigins)) throw new BadOriginError(String(origin));
      return;
    }
    if (!session) throw new UnauthenticatedError();
    // Bearer tokens are never sent by a browser on its own, so only cookie sessions need CSRF checks.
    // Checked before the role: a write carrying another session's token is told so (the page then
    // learns its session changed) instead of being judged against the new session's role.
    if (!SAFE_METHODS.has(req.method) && !session.viaToken) {
      const given = req.headers[CSRF_HEADER];
      if (typeof given !== 'string' || !safeEqual(given, session.csrf)) throw new CsrfError();
    }
    if (!roleAllowed(access, session.role)) throw new ForbiddenError(pathOf(req.url));
  });

  const headers: Record<string, string> = { ...SECURITY_HEADERS };
  if (opts.hstsMaxAgeS !== undefined) headers['strict-transport-security'] = `max-age=${opts.hstsMaxAgeS}`;
  app.addHook('onSend', async (_req, reply) => {
    for (const [name, value] of Object.entries(headers)) {
      if (!reply.hasHeader(name)) reply.header(name, value);
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    const fields = { method: req.method, path: pathOf(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (reply.statusCode >= 500) req.log.warn(fields, 'request failed');
    else req.log.debug(fields, 'request');
  });

  // Gzip-encoded pushes are decoded, other encodings refused (routes/ingest-encoding.ts).
  app.addHook('preParsing', async (req, reply, payload) => (req.url.startsWith('/ingest/') ? decodeIngestBody(req, reply, payload) : payload));

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    if (err.validation) {
      return reply.code(400).send({ code: 'TABLERO_ERR_BAD_REQUEST', message: err.message });
    }
    const typed = typeof err.code === 'string' && err.code.startsWith('TABLERO_ERR_');
    if (status < 500) {
      const code = typed
        ? err.code
        : status === 413
          ? 'TABLERO_ERR_TOO_LARGE'
          : status === 415
            ? 'TABLERO_ERR_UNSUPPORTED_MEDIA_TYPE'
            : 'TABLERO_ERR_BAD_REQUEST';
      return reply.code(status).send({ ...detailsOf(err), code, message: err.message });
    }
    if (typed) {
      // Typed server-side failures were logged where they happened, with their context.
      return reply.code(status).send({ code: err.code, message: err.message });
    }
    req.log.error({ err, method: req.method, path: pathOf(req.url) }, 'unhandled error');
    return reply.code(500).send({ code: 'TABLERO_ERR_INTERNAL', message: 'internal error' });
  });

  const staticDir = opts.staticDir === undefined ? null : resolve(opts.staticDir);
  const spa = staticDir !== null && existsSync(resolve(staticDir, 'index.html'));
  if (staticDir !== null && !spa) deps.log.warn({ staticDir }, 'no index.html in the static directory; serving the API only');

  app.setNotFoundHandler(async (req, reply) => {
    const path = pathOf(req.url);
    if (path.startsWith('/api/')) {
      // Unknown API paths say no more to strangers than known ones do.
      const session = await sessionOf(req);
      if (!session) throw new UnauthenticatedError();
      throw new NotFoundError(path);
    }
    const isPage = (req.method === 'GET' || req.method === 'HEAD') && !guarded(path) && !/\.[A-Za-z0-9]+$/.test(path);
    if (spa && isPage) {
      // Client-side routes (#/... and history paths) all load the SPA.
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    throw new NotFoundError(path);
  });

  if (spa && staticDir !== null) {
    await app.register(fastifyStatic, {
      root: staticDir,
      cacheControl: false,
      setHeaders: (res, filePath) => {
        // Vite names assets by content hash, so they never change; index.html must be revalidated.
        res.header('cache-control', filePath.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }

  healthRoutes(app, ctx);
  metricsRoutes(app, ctx);
  authRoutes(app, ctx);
  kpiRoutes(app, ctx);
  funnelRoutes(app, ctx);
  fcrRoutes(app, ctx);
  exportRoutes(app, ctx);
  quarterlyRoutes(app, ctx);
  adminRoutes(app, ctx);
  auditRoutes(app, ctx);
  liveRoutes(app, ctx);
  ingestRoutes(app, ctx);
  qaRoutes(app, ctx);
  campaignRoutes(app, ctx);
  escalationRoutes(app, ctx);
  contactRoutes(app, ctx);
  supervisorRoutes(app, ctx);
  reportRoutes(app, ctx);
  callRoutes(app, ctx);
  qualityRoutes(app, ctx);
  settingsRoutes(app, ctx);

  hub.start();
  app.addHook('onClose', async () => {
    hub.stop();
  });
  return app;
}
