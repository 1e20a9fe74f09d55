import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { translate } from './messages.ts';
import { passwordErrorText } from './password-errors.ts';

const err = (status: number, code: string, details: Record<string, string | number> = {}) => new ApiError(status, code, 'x', { details });

describe('passwordErrorText', () => {
  it.each<[string, unknown, string | null, string | null]>([
    ['a lockout', err(429, 'TABLERO_ERR_RATE_LIMIT', { retry_after_s: 60 }), 'Demasiados intentos fallidos. Vuelva a intentar en 60 s.', 'Too many failed attempts. Try again in 60 s.'],
    ['a lockout without seconds', err(429, 'TABLERO_ERR_RATE_LIMIT'), 'Demasiados intentos fallidos. Vuelva a intentar en ? s.', 'Too many failed attempts. Try again in ? s.'],
    ['a wrong current password', err(403, 'TABLERO_ERR_WRONG_PASSWORD'), 'La contraseña actual no es correcta.', 'The current password is wrong.'],
    ['a common password', err(400, 'TABLERO_ERR_WEAK_PASSWORD', { reason: 'common' }), 'Esa contraseña es demasiado común; elija una menos predecible.', 'That password is too common; choose a less predictable one.'],
    ['a short password', err(400, 'TABLERO_ERR_WEAK_PASSWORD', { reason: 'too_short' }), 'La contraseña debe tener al menos 10 caracteres.', 'The password must have at least 10 characters.'],
    ['a blank password', err(400, 'TABLERO_ERR_WEAK_PASSWORD', { reason: 'blank' }), 'La contraseña no puede ser solo espacios.', 'The password must not be only spaces.'],
    ['an unknown reason', err(400, 'TABLERO_ERR_WEAK_PASSWORD', { reason: 'new' }), null, null],
    ['another error', err(403, 'TABLERO_ERR_CSRF'), null, null],
    ['not an API error', new Error('x'), null, null],
  ])('%s', (_name, e, es, en) => {
    const text = passwordErrorText(e);
    expect(text === null ? null : translate('es', text.key, text.params)).toBe(es);
    expect(text === null ? null : translate('en', text.key, text.params)).toBe(en);
  });
});
