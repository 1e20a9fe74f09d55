import { describe, expect, it } from 'vitest';
import { csrfToken, deriveKeys, SessionSecretError, signSession, verifySession, type SessionClaims } from './session.ts';

const keys = deriveKeys('0123456789abcdef0123456789abcdef');
const claims: SessionClaims = { u: 'ana', n: 'nonce-1', iat: 1_000, exp: 2_000 };

describe('session tokens', () => {
  it('round-trips claims before expiry', () => {
    expect(verifySession(keys, signSession(keys, claims), 1_999)).toEqual({ ok: true, value: claims });
  });

  it('expires at exp', () => {
    expect(verifySession(keys, signSession(keys, claims), 2_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token signed with another secret', () => {
    const other = deriveKeys('another secret of thirty-two bytes!');
    expect(verifySession(keys, signSession(other, claims), 1_500)).toEqual({ ok: false, reason: 'bad_mac' });
  });

  it('refuses a payload changed after signing', () => {
    const [v, , mac] = signSession(keys, claims).split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, u: 'root' })).toString('base64url');
    expect(verifySession(keys, `${v}.${forged}.${mac}`, 1_500)).toEqual({ ok: false, reason: 'bad_mac' });
  });

  it.each(['', 'v1.abc', 'v2.a.b', 'v1.a.b.c'])('refuses malformed %j', (token) => {
    expect(verifySession(keys, token, 1_500)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a correctly signed payload that lacks the claim fields', () => {
    const token = signSession(keys, { u: 'ana' } as unknown as SessionClaims);
    expect(verifySession(keys, token, 1_500)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('derives a CSRF token per nonce that differs from the MAC key output', () => {
    expect(csrfToken(keys, 'nonce-1')).toBe(csrfToken(keys, 'nonce-1'));
    expect(csrfToken(keys, 'nonce-1')).not.toBe(csrfToken(keys, 'nonce-2'));
    expect(csrfToken(keys, 'nonce-1')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('demands a secret of at least 32 bytes', () => {
    expect(() => deriveKeys('short')).toThrow(SessionSecretError);
  });
});
