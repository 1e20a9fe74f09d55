// The one password policy (shared/password-policy.ts) with the bundled common list: what it
// accepts and what it refuses, with the reason.
import { describe, expect, it } from 'vitest';
import { checkPassword, commonPasswords } from './common-passwords.ts';

describe('password policy', () => {
  it.each<[string, string | null]>([
    ['correct horse battery', null],
    ['contraseña-del-turno', null],
    ['ñandú ágil', null],
    // 10 code points, though 11 UTF-16 units would be counted for the emoji otherwise.
    ['abcdefgh😀x', null],
    ['', 'blank'],
    ['            ', 'blank'],
    ['\t \n  \u00a0  ', 'blank'],
    ['short', 'too_short'],
    ['123456789', 'too_short'],
    ['nueve car', 'too_short'],
    ['x'.repeat(1025), 'too_long'],
    ['password123', 'common'],
    ['Password123', 'common'],
    ['  CONTRASEÑA123 ', 'common'],
    ['qwertyuiop', 'common'],
    ['1234567890', 'common'],
    ['tablero2026', 'common'],
    ['aaaaaaaaaa', 'common'],
  ])('%j -> %s', (password, reason) => {
    expect(checkPassword(password)).toBe(reason);
  });

  it('ships a few hundred entries of 10 characters or more, in lower case', () => {
    const list = [...commonPasswords()];
    expect(list.length).toBe(575);
    expect(list.filter((p) => [...p].length < 10)).toEqual([]);
    expect(list.filter((p) => p !== p.toLowerCase())).toEqual([]);
  });
});
