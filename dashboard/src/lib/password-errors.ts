// The texts for refused logins and password changes, from the server's stable codes and their
// details: the seconds to wait (TABLERO_ERR_RATE_LIMIT, `retry_after_s`) and the policy's reason
// (TABLERO_ERR_WEAK_PASSWORD, `reason`, shared/password-policy.ts). Kept as keys so a shown
// error follows a language switch.

import { isPasswordProblem } from '../../shared/password-policy.ts';
import { ApiError } from './api.ts';
import type { MessageKey, MessageParams } from './messages.ts';

export interface KeyedText {
  key: MessageKey;
  params?: MessageParams;
}

/** The text for a password-related refusal, or null when `err` is not one. */
export function passwordErrorText(err: unknown): KeyedText | null {
  if (!(err instanceof ApiError)) return null;
  if (err.code === 'TABLERO_ERR_RATE_LIMIT') {
    const s = err.details['retry_after_s'];
    return { key: 'login.rate', params: { s: typeof s === 'number' ? s : '?' } };
  }
  if (err.code === 'TABLERO_ERR_WRONG_PASSWORD') return { key: 'password.wrong_current' };
  if (err.code === 'TABLERO_ERR_WEAK_PASSWORD') {
    const reason = err.details['reason'];
    if (isPasswordProblem(reason)) return { key: `password.problem.${reason}` };
  }
  return null;
}
