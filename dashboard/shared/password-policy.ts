// The one password policy, for the API, the CLI (`tablero user add`) and the browser's texts:
// at least 10 characters (counted as Unicode code points after NFC), at most 1024, not only
// whitespace, and not in the bundled list of common passwords (compared ignoring case). The list
// itself is read by the server (server/auth/common-passwords.ts); this module is pure and holds
// the rule and the reason codes the SPA translates.

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

export const PASSWORD_PROBLEMS = ['blank', 'too_short', 'too_long', 'common'] as const;
export type PasswordProblem = (typeof PASSWORD_PROBLEMS)[number];

export function isPasswordProblem(v: unknown): v is PasswordProblem {
  return typeof v === 'string' && (PASSWORD_PROBLEMS as readonly string[]).includes(v);
}

/** The form a password is looked up in the common list: NFC, lower case, trimmed. */
export function commonKey(password: string): string {
  return password.normalize('NFC').toLowerCase().trim();
}

/** What is wrong with `password`, or null when the policy accepts it. */
export function passwordProblem(password: string, isCommon: (key: string) => boolean): PasswordProblem | null {
  if (password.trim() === '') return 'blank';
  const length = [...password.normalize('NFC')].length;
  if (length < MIN_PASSWORD_LENGTH) return 'too_short';
  if (length > MAX_PASSWORD_LENGTH) return 'too_long';
  if (isCommon(commonKey(password))) return 'common';
  return null;
}

/** The API's and the CLI's English text for a problem (the SPA has its own in es and en). */
export const PASSWORD_PROBLEM_TEXT: Readonly<Record<PasswordProblem, string>> = {
  blank: 'the password must not be only spaces',
  too_short: `the password must have at least ${MIN_PASSWORD_LENGTH} characters`,
  too_long: `the password must have at most ${MAX_PASSWORD_LENGTH} characters`,
  common: 'the password is in the list of common passwords; choose a less predictable one',
};
