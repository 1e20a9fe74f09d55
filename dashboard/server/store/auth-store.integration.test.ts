// The user and kiosk-token store on a real embedded ClickHouse with the real migrations: the
// functions the CLI calls directly (first admin, kiosk links) and the newest-row-wins updates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../auth/password.ts';
import { DuplicateUserError, InvalidUserError, KioskTokenNotFoundError } from '../errors.ts';
import { openTestDb, type TestDb } from '../testing/support.ts';
import {
  countUsers,
  createKioskToken,
  createUser,
  findKioskToken,
  findUser,
  kioskHashOf,
  revokeKioskToken,
  setUserLang,
  sha256Hex,
  validKioskHashes,
} from './auth-store.ts';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => {
  await db?.cleanup();
});

describe('users', () => {
  it('counts users, starting from none, and stores only a scrypt hash', async () => {
    expect(await countUsers(db.ch)).toBe(0);
    await createUser(db.ch, { username: 'admin', password: 'first admin pw', role: 'admin' });
    expect(await countUsers(db.ch)).toBe(1);
    const stored = await findUser(db.ch, 'admin');
    expect(stored).toEqual({ username: 'admin', password_hash: stored?.password_hash, role: 'admin', lang: 'es', disabled: false, queues: [] });
    expect(stored?.password_hash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
    expect(await verifyPassword('first admin pw', stored?.password_hash ?? '')).toBe(true);
  });

  it('refuses a second user with the same name, and bad fields, naming the field', async () => {
    await expect(createUser(db.ch, { username: 'admin', password: 'another pw 123', role: 'manager' })).rejects.toThrow(DuplicateUserError);
    await expect(createUser(db.ch, { username: '', password: 'another pw 123', role: 'manager' })).rejects.toMatchObject({
      name: 'InvalidUserError',
      field: 'username',
    });
    await expect(createUser(db.ch, { username: 'x', password: 'short', role: 'manager' })).rejects.toThrow(InvalidUserError);
    expect(await countUsers(db.ch)).toBe(1);
  });

  it('keeps the newest row when changes land in the same millisecond', async () => {
    await setUserLang(db.ch, 'admin', 'en');
    await setUserLang(db.ch, 'admin', 'es');
    await setUserLang(db.ch, 'admin', 'en');
    expect((await findUser(db.ch, 'admin'))?.lang).toBe('en');
    expect(await countUsers(db.ch)).toBe(1);
    expect(await setUserLang(db.ch, 'nobody', 'en')).toBeNull();
  });
});

describe('kiosk tokens', () => {
  it('creates, finds by hash and revokes by plain token or by hash', async () => {
    const a = await createKioskToken(db.ch, 'TV a', 'admin');
    const b = await createKioskToken(db.ch, 'TV b', 'admin');
    expect(kioskHashOf(a)).toBe(sha256Hex(a));
    expect(kioskHashOf(sha256Hex(a))).toBe(sha256Hex(a));
    expect(await validKioskHashes(db.ch, [sha256Hex(a), sha256Hex(b), 'f'.repeat(64)])).toEqual(new Set([sha256Hex(a), sha256Hex(b)]));

    await revokeKioskToken(db.ch, a);
    await revokeKioskToken(db.ch, sha256Hex(b));
    await revokeKioskToken(db.ch, b); // already revoked: nothing to do
    expect(await findKioskToken(db.ch, sha256Hex(a))).toMatchObject({ label: 'TV a', created_by: 'admin', revoked: true });
    expect(await validKioskHashes(db.ch, [sha256Hex(a), sha256Hex(b)])).toEqual(new Set());
  });

  it('refuses to revoke a token that does not exist, and an empty label', async () => {
    await expect(revokeKioskToken(db.ch, 'no-such-token')).rejects.toThrow(KioskTokenNotFoundError);
    await expect(createKioskToken(db.ch, '', 'admin')).rejects.toMatchObject({ name: 'InvalidUserError', field: 'label' });
  });
});
