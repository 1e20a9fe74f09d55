import { describe, expect, it } from 'vitest';
import { textOf } from '../../lib/catalog.ts';
import { qaErrorText, qaReasonText } from './qa-errors.ts';
import { QA_TEXTS, type QaTextKey } from './texts.ts';

const es = (key: QaTextKey, params?: Record<string, string | number>): string => textOf(QA_TEXTS, 'es', key, params);
const en = (key: QaTextKey, params?: Record<string, string | number>): string => textOf(QA_TEXTS, 'en', key, params);

describe('the quality service refusals in words', () => {
  it.each([
    ['the recording URL template must contain {callid}', 'La plantilla del enlace debe contener {callid}.', 'The link template must contain {callid}.'],
    ['answered call 1765.9 not found', 'No hay una llamada atendida con el id 1765.9.', 'There is no answered call with id 1765.9.'],
    ['form f-1 version 3 not found', 'No existe ese formato de evaluación.', 'That evaluation form does not exist.'],
    ['item fix takes a whole number from 0 to 4', 'El ítem fix admite un número entero de 0 a 4.', 'Item fix takes a whole number from 0 to 4.'],
    ['a session without a reference needs at least two analysts', 'Una sesión por consenso necesita al menos dos analistas.', 'A consensus session needs at least two analysts.'],
    ['at most 20 analysts', 'Demasiados analistas en una sesión.', 'Too many analysts in one session.'],
  ])('%s', (reason, spanish, english) => {
    expect([qaReasonText(reason, es), qaReasonText(reason, en)]).toEqual([spanish, english]);
  });

  it('leaves a reason it does not know as the server gave it', () => {
    expect(qaReasonText('something new', es)).toBeNull();
    expect(qaErrorText(new Error('something new'), es)).toBe('something new');
  });
});
