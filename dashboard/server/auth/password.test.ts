import { describe, expect, it } from 'vitest';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password.ts';

describe('scrypt passwords', () => {
  it('stores a self-describing hash with a random salt per password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
  });

  it('verifies the right password and refuses others', async () => {
    const stored = await hashPassword('contraseña segura');
    expect(await verifyPassword('contraseña segura', stored)).toBe(true);
    expect(await verifyPassword('contraseña segurA', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('treats NFC and NFD spellings of the same text as the same password', async () => {
    const stored = await hashPassword('contrase\u00f1a');
    expect(await verifyPassword('contrasen\u0303a', stored)).toBe(true);
  });

  it.each([
    'plain',
    '$scrypt$ln=15,r=8,p=1$c2FsdA$',
    '$scrypt$ln=25,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U',
    '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$a2V5',
  ])('refuses an unreadable or out-of-bounds hash %s', async (stored) => {
    expect(await verifyPassword('x', stored)).toBe(false);
  });

  it('the dummy verification is always false', async () => {
    expect(await verifyAgainstDummy('anything')).toBe(false);
  });
});
