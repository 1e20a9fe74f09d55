// Login, logout, the current user and the user's own password. The session lives in an HttpOnly,
// SameSite=Strict cookie; the CSRF token is returned in the body (never in a cookie) for the SPA
// to echo in x-csrf-token. Logins are throttled per account and per address (core/login-throttle.ts)
// from the attempts in the audit trail, so the limits hold across restarts and processes.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { verifyAgainstDummy, verifyPassword } from '../auth/password.ts';
import { KeyedLock } from '../auth/keyed-lock.ts';
import { SESSION_COOKIE, type ActiveSession } from '../auth/sessions.ts';
import { loginVerdict, LOOKBACK_MS, type LoginAttempt } from '../core/login-throttle.ts';
import { ALL_ROLES, LANGS, type Lang } from '../core/roles.ts';
import { SESSION_TTL_MS } from '../core/session.ts';
import type { App, AppContext } from '../context.ts';
import { noteAudit } from '../audit-trail.ts';
import {
  BadRequestError,
  LoginError,
  RateLimitError,
  UnauthenticatedError,
  WrongPasswordError,
  httpUserError,
  withDetails,
} from '../errors.ts';
import { MAX_PASSWORD_LENGTH } from '../../shared/password-policy.ts';
import { loginAttempts, recordAudit } from '../store/audit-store.ts';
import { assertPasswordPolicy, findUser, setUserLang, updateUser, type StoredUser } from '../store/auth-store.ts';
import type { SessionEnd } from '../store/session-store.ts';

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

/**
 * Ends every session and live socket of `username` but the caller's own (`keepNonce`), at once in
 * this process; other dashboard processes close their sockets at their next heartbeat.
 */
export async function endOtherAccess(
  ctx: AppContext,
  username: string,
  reason: SessionEnd,
  keepNonce: string | null,
): Promise<{ ended_sessions: number; closed_sockets: number }> {
  const ended = await ctx.sessions.endAllOf(username, reason, keepNonce);
  return { ended_sessions: ended, closed_sockets: ctx.hub.closeUser(username, keepNonce) };
}

export function authRoutes(app: App, ctx: AppContext): void {
  const ch = ctx.deps.ch;
  const cookieBase = {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: ctx.opts.secureCookies === true,
  };
  const clearCookie = (reply: FastifyReply): void => {
    reply.clearCookie(SESSION_COOKIE, cookieBase);
  };
  const attempts = new KeyedLock();

  /**
   * Checks `password` for `username` under the throttle: refuses with 429 while a lock runs, and
   * records the outcome (a failure, and a lockout when it starts one). `what` tells the audit
   * which door was tried. Resolves with the user when the password is right.
   */
  async function throttledCheck(req: FastifyRequest, reply: FastifyReply, username: string, password: string, what: 'login' | 'password_change'): Promise<StoredUser | null> {
    const address = req.ip;
    return attempts.with([`u|${username}`, `a|${address}`], async () => {
      const now = ctx.now();
      const recent = await loginAttempts(ch, username, address, now - LOOKBACK_MS);
      const verdict = loginVerdict(recent, username, address, now);
      if (verdict.waitMs > 0) {
        const s = Math.ceil(verdict.waitMs / 1000);
        reply.header('retry-after', String(s));
        req.log.info({ address, scope: verdict.scope, wait_s: s }, 'login throttled');
        throw withDetails(new RateLimitError(String(s)), { retry_after_s: s });
      }
      const user = await findUser(ch, username);
      // Unknown, disabled and wrong-password logins cost the same and answer the same.
      const ok = user && !user.disabled ? await verifyPassword(password, user.password_hash) : await verifyAgainstDummy(password);
      const atMs = ctx.now();
      if (ok && user) return user;
      await recordAudit(ch, { atMs, actor: username, action: 'login_failed', target: username, address, detail: { via: what } });
      const failed: LoginAttempt = { ok: false, username, address, atMs };
      const after = loginVerdict([...recent, failed], username, address, atMs);
      if (after.scope !== null) {
        await recordAudit(ch, {
          atMs,
          actor: username,
          action: 'login_locked',
          target: after.scope === 'account' ? username : '',
          address,
          detail: { scope: after.scope, failures: after.failures, wait_s: Math.ceil(after.waitMs / 1000) },
        });
      }
      req.log.info({ address, via: what }, 'login refused');
      return null;
    });
  }

  app.post<{ Body: { username: string; password: string } }>(
    '/api/login',
    {
      // Recorded by throttledCheck (failures, lockouts) and below (the login).
      config: { access: 'public', audit: 'handler' },
      schema: {
        body: {
          type: 'object',
          required: ['username', 'password'],
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 64 },
            password: { type: 'string', minLength: 1, maxLength: MAX_PASSWORD_LENGTH },
          },
        },
      },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      const user = await throttledCheck(req, reply, username, password, 'login');
      if (!user) throw new LoginError();
      const { token, session } = await ctx.sessions.issue(user);
      // A successful login ends the account's run of failures (core/login-throttle.ts).
      await recordAudit(ch, { atMs: ctx.now(), actor: user.username, action: 'login', target: user.username, address: req.ip });
      reply.setCookie(SESSION_COOKIE, token, { ...cookieBase, maxAge: Math.floor(SESSION_TTL_MS / 1000) });
      req.log.info({ username: user.username, role: user.role }, 'login');
      return me(session);
    },
  );

  app.post('/api/logout', { config: { access: ALL_ROLES, audit: 'handler' } }, async (req, reply) => {
    const session = requireSession(req.session);
    if (!session.viaToken) {
      await ctx.sessions.end(session, 'logout');
      ctx.hub.closeSession(session.nonce);
      await recordAudit(ch, { atMs: ctx.now(), actor: session.username, action: 'logout', target: session.username, address: req.ip });
    }
    clearCookie(reply);
    return reply.code(204).send();
  });

  app.get('/api/me', { config: { access: ALL_ROLES } }, async (req) => me(requireSession(req.session)));

  app.patch<{ Body: { lang: Lang } }>(
    '/api/me',
    {
      config: { access: ALL_ROLES, audit: { action: 'user_lang_changed' } },
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
      const updated = await setUserLang(ch, session.username, req.body.lang);
      if (!updated) throw new UnauthenticatedError();
      noteAudit(req, { target: session.username, before: { lang: session.lang }, after: { lang: updated.lang } });
      return me({ ...session, lang: updated.lang });
    },
  );

  // The user's own password: the current one is required (and guessing it counts as a failed
  // login), the new one must pass the policy; every other session and socket of the user ends.
  app.post<{ Body: { current_password: string; new_password: string } }>(
    '/api/me/password',
    {
      config: { access: ALL_ROLES, audit: 'handler' },
      schema: {
        body: {
          type: 'object',
          required: ['current_password', 'new_password'],
          additionalProperties: false,
          properties: {
            current_password: { type: 'string', minLength: 1, maxLength: MAX_PASSWORD_LENGTH },
            new_password: { type: 'string' },
          },
        },
      },
    },
    async (req, reply) => {
      const session = requireSession(req.session);
      if (session.viaToken) throw new BadRequestError('an API token has no password to change');
      const { current_password, new_password } = req.body;
      try {
        assertPasswordPolicy(new_password);
      } catch (err) {
        throw httpUserError(err);
      }
      const user = await throttledCheck(req, reply, session.username, current_password, 'password_change');
      if (!user) throw new WrongPasswordError();
      await updateUser(ch, session.username, { password: new_password });
      const effect = await endOtherAccess(ctx, session.username, 'password_changed', session.nonce);
      await recordAudit(ch, {
        atMs: ctx.now(),
        actor: session.username,
        action: 'password_changed',
        target: session.username,
        address: req.ip,
        detail: effect,
      });
      req.log.info({ username: session.username, ...effect }, 'password changed');
      return effect;
    },
  );
}
