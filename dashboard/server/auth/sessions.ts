// Turns the session cookie into the current user, and issues and ends sessions. The cookie is
// signed (a forged one costs no store read); the session itself lives in the store (table
// `sessions`), so a logout or a forced end holds across restarts and dashboard processes. The
// session and the user row are read on every check, so an ended session, a role change or a
// disabled account take effect at once.
import { randomBytes } from 'node:crypto';
import type { ClickHouse } from '@tablero/sql';
import {
  SESSION_TTL_MS,
  csrfToken,
  deriveKeys,
  signSession,
  verifySession,
  type SessionKeys,
} from '../core/session.ts';
import type { Lang, Role } from '../core/roles.ts';
import { findUser } from '../store/auth-store.ts';
import { endSession, endUserSessions, openSessions, startSession, type SessionEnd } from '../store/session-store.ts';

export const SESSION_COOKIE = 'tablero_session';

export interface ActiveSession {
  username: string;
  role: Role;
  lang: Lang;
  nonce: string;
  expiresAtMs: number;
  csrf: string;
  /** True for API bearer tokens (no cookie, so no CSRF check and nothing to log out). */
  viaToken: boolean;
}

/** A session for an API bearer token from DashboardOptions.apiTokens; it lasts as long as the process. */
export function apiSession(who: { username: string; role: Role; lang?: Lang }): ActiveSession {
  return {
    username: who.username,
    role: who.role,
    lang: who.lang ?? 'en',
    nonce: `api:${who.username}`,
    expiresAtMs: Number.MAX_SAFE_INTEGER,
    csrf: '',
    viaToken: true,
  };
}

export class SessionManager {
  private readonly keys: SessionKeys;

  constructor(
    secret: string,
    private readonly ch: ClickHouse,
    private readonly now: () => number,
  ) {
    this.keys = deriveKeys(secret);
  }

  /** A new session, stored before its cookie is handed out. */
  async issue(user: { username: string; role: Role; lang: Lang }): Promise<{ token: string; session: ActiveSession }> {
    const iat = this.now();
    const nonce = randomBytes(18).toString('base64url');
    const exp = iat + SESSION_TTL_MS;
    await startSession(this.ch, { nonce, username: user.username, atMs: iat, expiresAtMs: exp });
    const token = signSession(this.keys, { u: user.username, n: nonce, iat, exp });
    return {
      token,
      session: { username: user.username, role: user.role, lang: user.lang, nonce, expiresAtMs: exp, csrf: csrfToken(this.keys, nonce), viaToken: false },
    };
  }

  /** The session named by a cookie value, or null when absent, forged, expired, ended or its user is gone or disabled. */
  async resolve(cookie: string | undefined): Promise<ActiveSession | null> {
    if (!cookie) return null;
    const now = this.now();
    const verified = verifySession(this.keys, cookie, now);
    if (!verified.ok) return null;
    const claims = verified.value;
    const [open, user] = await Promise.all([openSessions(this.ch, [claims.n]), findUser(this.ch, claims.u)]);
    if (!open.has(claims.n) || !user || user.disabled) return null;
    return {
      username: user.username,
      role: user.role,
      lang: user.lang,
      nonce: claims.n,
      expiresAtMs: claims.exp,
      csrf: csrfToken(this.keys, claims.n),
      viaToken: false,
    };
  }

  /** Ends one session (logout). */
  async end(session: ActiveSession, reason: SessionEnd): Promise<void> {
    await endSession(this.ch, session, reason, this.now());
  }

  /** Ends every session of a user but `keepNonce`'s; returns how many ended. */
  endAllOf(username: string, reason: SessionEnd, keepNonce: string | null = null): Promise<number> {
    return endUserSessions(this.ch, username, reason, this.now(), keepNonce);
  }

  /** Of the given session nonces, those still open (the live hub's heartbeat re-checks its sockets). */
  stillOpen(nonces: string[]): Promise<Set<string>> {
    return openSessions(this.ch, nonces);
  }
}
