// Turns the session cookie into the current user, and issues and revokes sessions. The user row
// is read on every check, so a role change or a disabled account takes effect at once.
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
  /** Nonces of sessions ended by logout -> their expiry; pruned as they expire. */
  private readonly revoked = new Map<string, number>();

  constructor(
    secret: string,
    private readonly ch: ClickHouse,
    private readonly now: () => number,
  ) {
    this.keys = deriveKeys(secret);
  }

  issue(user: { username: string; role: Role; lang: Lang }): { token: string; session: ActiveSession } {
    const iat = this.now();
    const nonce = randomBytes(18).toString('base64url');
    const exp = iat + SESSION_TTL_MS;
    const token = signSession(this.keys, { u: user.username, n: nonce, iat, exp });
    return {
      token,
      session: { username: user.username, role: user.role, lang: user.lang, nonce, expiresAtMs: exp, csrf: csrfToken(this.keys, nonce), viaToken: false },
    };
  }

  /** The session named by a cookie value, or null when absent, forged, expired, revoked or its user is gone. */
  async resolve(cookie: string | undefined): Promise<ActiveSession | null> {
    if (!cookie) return null;
    const now = this.now();
    const verified = verifySession(this.keys, cookie, now);
    if (!verified.ok) return null;
    const claims = verified.value;
    if (this.revoked.has(claims.n)) return null;
    const user = await findUser(this.ch, claims.u);
    if (!user || user.disabled) return null;
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

  revoke(session: ActiveSession): void {
    const now = this.now();
    for (const [nonce, exp] of this.revoked) if (exp <= now) this.revoked.delete(nonce);
    this.revoked.set(session.nonce, session.expiresAtMs);
  }
}
