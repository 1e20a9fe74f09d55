// Login, logout and the current user. The session lives in an HttpOnly, SameSite=Strict cookie;
// the CSRF token is returned in the body (never in a cookie) for the SPA to echo in x-csrf-token.
import type { FastifyReply } from 'fastify';
import { verifyAgainstDummy, verifyPassword } from '../auth/password.ts';
import { SESSION_COOKIE, type ActiveSession } from '../auth/sessions.ts';
import { ALL_ROLES, LANGS, type Lang } from '../core/roles.ts';
import { SESSION_TTL_MS } from '../core/session.ts';
import type { App, AppContext } from '../context.ts';
import { LoginError, RateLimitError, UnauthenticatedError } from '../errors.ts';
import { findUser, setUserLang } from '../store/auth-store.ts';

export const LOGIN_ATTEMPTS_PER_MINUTE = 10;

export interface MeBody {
  username: string;
  role: string;
  lang: Lang;
  csrf: string;
}

function me(s: Pick<ActiveSession, 'username' | 'role' | 'lang' | 'csrf'>): MeBody {
  return { username: s.username, role: s.role, lang: s.lang, csrf: s.csrf };
}

function requireSession(session: ActiveSession | null): ActiveSession {
  // The access hook already refused requests without a session; this narrows the type.
  if (!session) throw new UnauthenticatedError();
  return session;
}

export function authRoutes(app: App, ctx: AppContext): void {
  const cookieBase = {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: ctx.opts.secureCookies === true,
  };
  const clearCookie = (reply: FastifyReply): void => {
    reply.clearCookie(SESSION_COOKIE, cookieBase);
  };

  app.post<{ Body: { username: string; password: string } }>(
    '/api/login',
    {
      config: {
        access: 'public',
        rateLimit: {
          max: LOGIN_ATTEMPTS_PER_MINUTE,
          timeWindow: 60_000,
          // After body validation, so the key can name the username being tried.
          hook: 'preHandler',
          keyGenerator: (req) => {
            const body = req.body as { username?: unknown } | undefined;
            const username = typeof body?.username === 'string' ? body.username.toLowerCase() : '';
            return `login|${req.ip}|${username}`;
          },
          errorResponseBuilder: (_req, context) => new RateLimitError(context.after),
        },
      },
      schema: {
        body: {
          type: 'object',
          required: ['username', 'password'],
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 64 },
            password: { type: 'string', minLength: 1, maxLength: 1024 },
          },
        },
      },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      const user = await findUser(ctx.deps.ch, username);
      // Unknown, disabled and wrong-password logins cost the same and answer the same.
      const ok = user && !user.disabled ? await verifyPassword(password, user.password_hash) : await verifyAgainstDummy(password);
      if (!ok || !user) {
        req.log.info({ ip: req.ip }, 'login refused');
        throw new LoginError();
      }
      const { token, session } = ctx.sessions.issue(user);
      reply.setCookie(SESSION_COOKIE, token, { ...cookieBase, maxAge: Math.floor(SESSION_TTL_MS / 1000) });
      req.log.info({ username: user.username, role: user.role }, 'login');
      return me(session);
    },
  );

  app.post('/api/logout', { config: { access: ALL_ROLES } }, async (req, reply) => {
    const session = requireSession(req.session);
    if (!session.viaToken) {
      ctx.sessions.revoke(session);
      ctx.hub.closeSession(session.nonce);
    }
    clearCookie(reply);
    return reply.code(204).send();
  });

  app.get('/api/me', { config: { access: ALL_ROLES } }, async (req) => me(requireSession(req.session)));

  app.patch<{ Body: { lang: Lang } }>(
    '/api/me',
    {
      config: { access: ALL_ROLES },
      schema: {
        body: {
          type: 'object',
          required: ['lang'],
          additionalProperties: false,
          properties: { lang: { type: 'string', enum: [...LANGS] } },
        },
      },
    },
    async (req) => {
      const session = requireSession(req.session);
      const updated = await setUserLang(ctx.deps.ch, session.username, req.body.lang);
      if (!updated) throw new UnauthenticatedError();
      return me({ ...session, lang: updated.lang });
    },
  );
}
