// Session tokens: `v1.<payload>.<mac>`, HMAC-SHA256 over the payload with a key derived from the
// session secret. The signature only proves the cookie was issued here; whether the session is
// still open is the store's answer (store/session-store.ts), keyed by the nonce. The CSRF token is derived from the nonce
// with a second key, so it needs no storage and changes with every login.
// Pure: the clock comes in as `nowMs`.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const MIN_SECRET_BYTES = 32;

export interface SessionClaims {
  /** Username. */
  u: string;
  /** Random nonce naming this session (logout revokes it). */
  n: string;
  /** Issued at, epoch ms. */
  iat: number;
  /** Expires at, epoch ms. */
  exp: number;
}

export interface SessionKeys {
  mac: Buffer;
  csrf: Buffer;
}

export class SessionSecretError extends Error {
  override name = 'SessionSecretError';
}

export function deriveKeys(secret: string): SessionKeys {
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    throw new SessionSecretError(`sessionSecret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  return {
    mac: createHmac('sha256', secret).update('tablero session mac v1').digest(),
    csrf: createHmac('sha256', secret).update('tablero csrf v1').digest(),
  };
}

function mac(keys: SessionKeys, payload: string): string {
  return createHmac('sha256', keys.mac).update(payload).digest('base64url');
}

export function signSession(keys: SessionKeys, claims: SessionClaims): string {
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `v1.${payload}.${mac(keys, payload)}`;
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  // Lengths of MACs and CSRF tokens are public; comparing them first leaks nothing.
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export type VerifyResult = { ok: true; value: SessionClaims } | { ok: false; reason: 'malformed' | 'bad_mac' | 'expired' };

export function verifySession(keys: SessionKeys, token: string, nowMs: number): VerifyResult {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1') return { ok: false, reason: 'malformed' };
  const payload = parts[1] as string;
  const given = parts[2] as string;
  if (!safeEqual(mac(keys, payload), given)) return { ok: false, reason: 'bad_mac' };
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!isClaims(claims)) return { ok: false, reason: 'malformed' };
  if (claims.exp <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, value: claims };
}

function isClaims(v: unknown): v is SessionClaims {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  return (
    typeof c['u'] === 'string' &&
    typeof c['n'] === 'string' &&
    typeof c['iat'] === 'number' &&
    typeof c['exp'] === 'number'
  );
}

export function csrfToken(keys: SessionKeys, nonce: string): string {
  return createHmac('sha256', keys.csrf).update(nonce).digest('base64url');
}
