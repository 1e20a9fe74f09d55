// The bundled list of common passwords (common-passwords.txt beside this file), read once when
// first needed; nothing is downloaded at run time. With it, the shared policy's check.
import { readFileSync } from 'node:fs';
import { commonKey, passwordProblem, type PasswordProblem } from '../../shared/password-policy.ts';

const LIST_FILE = new URL('./common-passwords.txt', import.meta.url);

let common: ReadonlySet<string> | null = null;

export function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    readFileSync(LIST_FILE, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map(commonKey),
  );
  return common;
}

/** What the policy finds wrong with `password` (length, blank, common), or null when accepted. */
export function checkPassword(password: string): PasswordProblem | null {
  return passwordProblem(password, (key) => commonPasswords().has(key));
}
