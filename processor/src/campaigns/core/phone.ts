// The phone normalization rule (docs/kpi-definitions.md §16), applied alike to the numbers of a
// contact list and to the dialed number (`dst`) of CDR legs, so both compare as equal text:
// 1. keep the digits only (spaces, dashes, dots, parentheses and a leading + go);
// 2. strip the longest configured prefix the digits start with (a trunk's 9, a country code
//    57 or 591, 0057...), once, when at least MIN_PHONE_DIGITS digits are left after it;
// 3. the result must have MIN_PHONE_DIGITS to MAX_PHONE_DIGITS digits, else it is no phone.
// Pure.

export const MIN_PHONE_DIGITS = 7;
export const MAX_PHONE_DIGITS = 15;

export function normalizePhone(raw: string, prefixes: readonly string[]): string | null {
  const digits = raw.replace(/\D+/g, '');
  let best = '';
  for (const p of prefixes) if (p.length > best.length && digits.startsWith(p) && digits.length - p.length >= MIN_PHONE_DIGITS) best = p;
  const out = digits.slice(best.length);
  return out.length >= MIN_PHONE_DIGITS && out.length <= MAX_PHONE_DIGITS ? out : null;
}

/** The last MIN_PHONE_DIGITS digits: what the CDR read filters on before the exact comparison. */
export function phoneTail(norm: string): string {
  return norm.slice(-MIN_PHONE_DIGITS);
}
