// The settings form's own check and its reading of the service's refusals: every refusal the
// service's check (processor/src/campaigns/core/settings.ts) gives is put in the page's words.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAMPAIGN_SETTINGS } from '@tablero/processor/contract';
import { checkSettings } from '../../../../processor/src/campaigns/core/settings.ts';
import { CAMPAIGN_TEXTS } from './texts.ts';
import { checkDraft, draftOf, serviceRefusal, type SettingsDraft } from './settings-form.ts';
import { textOf } from '../../lib/catalog.ts';

const draft = (over: Partial<SettingsDraft> = {}): SettingsDraft => ({ ...draftOf(DEFAULT_CAMPAIGN_SETTINGS), ...over });
const code = (c: string, contacted = false, success = false) => ({ code: c, label_es: 'Es', label_en: 'En', contacted, success });
const defaults = DEFAULT_CAMPAIGN_SETTINGS.codes;

describe('checkDraft', () => {
  it('gives the body to save: lists split on commas and spaces, the window a number, values trimmed', () => {
    expect(checkDraft(draft({ codes: [...defaults, { ...code(' promesa_2 ', true), label_es: ' Promesa ' }], prefixes: '57, 9 ,', contexts: 'from-internal  out.1', window: ' 900 ' })))
      .toEqual({ ok: true, body: { codes: [...defaults, { code: 'promesa_2', label_es: 'Promesa', label_en: 'En', contacted: true, success: false }], phone_prefixes: ['57', '9'], outbound_contexts: ['from-internal', 'out.1'], match_window_s: 900 } });
  });

  it('refuses with the first fault, positions counted from 1', () => {
    const refusal = (d: SettingsDraft) => {
      const r = checkDraft(d);
      return r.ok ? null : r.refusal;
    };
    expect(refusal(draft({ codes: [] }))).toEqual({ key: 's_count', params: { max: 40 } });
    expect(refusal(draft({ codes: Array.from({ length: 41 }, (_, i) => code(`c${i}`)) }))).toEqual({ key: 's_count', params: { max: 40 } });
    for (const bad of ['Venta', '1a', 'a-b', '', `a${'b'.repeat(40)}`]) expect(refusal(draft({ codes: [...defaults, code(bad)] }))).toEqual({ key: 's_code_format', params: { n: 8 } });
    expect(refusal(draft({ codes: [...defaults, code('busy')] }))).toEqual({ key: 's_twice', params: { code: 'busy' } });
    expect(refusal(draft({ codes: [{ ...code('x'), label_en: ' ' }] }))).toEqual({ key: 's_labels', params: { n: 1, max: 80 } });
    expect(refusal(draft({ codes: [code('x', false, true)] }))).toEqual({ key: 's_success_contact', params: { code: 'x' } });
    expect(refusal(draft({ prefixes: '57, +9' }))).toEqual({ key: 's_prefix', params: { v: '+9' } });
    expect(refusal(draft({ contexts: 'a/b' }))).toEqual({ key: 's_context', params: { v: 'a/b' } });
    expect(refusal(draft({ prefixes: Array.from({ length: 51 }, () => '1').join(',') }))).toEqual({ key: 's_list_size', params: { max: 50 } });
    for (const w of ['', '-1', '1.5', '86401', 'diez']) expect(refusal(draft({ window: w }))).toEqual({ key: 's_window', params: { max: 86400 } });
    expect(refusal(draft({ window: '86400' }))).toBeNull();
  });
});

describe("the service's refusals in the page's words", () => {
  const said = (input: Record<string, unknown>): string => {
    const r = checkSettings(input, DEFAULT_CAMPAIGN_SETTINGS);
    if (r.ok) throw new Error('accepted');
    return r.reason;
  };
  const words = (reason: string, lang: 'es' | 'en'): string | null => {
    const r = serviceRefusal(reason);
    return r === null ? null : textOf(CAMPAIGN_TEXTS, lang, r.key, r.params);
  };

  it('each refusal of checkSettings, in Spanish and English', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ codes: [] }, 'Debe haber de 1 a 40 códigos.', 'There must be 1 to 40 codes.'],
      [{ codes: [...defaults, code('Venta')] }, 'Código 8: solo letras minúsculas, dígitos y _, empezando por una letra (hasta 40).', 'Code 8: only lower-case letters, digits and _, starting with a letter (up to 40).'],
      [{ codes: [...defaults, code('busy')] }, 'El código busy está dos veces.', 'Code busy is there twice.'],
      [{ codes: [{ ...code('x'), label_es: '' }] }, 'Código 1: escriba el nombre en español y en inglés (hasta 80 caracteres).', 'Code 1: give the Spanish and the English name (up to 80 characters).'],
      [{ codes: [code('x', false, true)] }, 'Código x: un éxito también es un contacto (marque «Es contacto»).', 'Code x: a success is a contact too (tick "Is a contact").'],
      [{ codes: defaults.filter((c) => c.code !== 'busy') }, 'El código busy debe quedar: el CDR lo da a los intentos que nadie tipificó.', 'Code busy must stay: the CDR gives it to attempts nobody typified.'],
      [{ phone_prefixes: 'x' }, 'Cada lista admite hasta 50 valores.', 'Each list takes up to 50 values.'],
      [{ outbound_contexts: Array.from({ length: 51 }, () => 'a') }, 'Cada lista admite hasta 50 valores.', 'Each list takes up to 50 values.'],
      [{ phone_prefixes: ['57', '+9'] }, 'Prefijo inválido: «+9» (1 a 6 dígitos).', 'Invalid prefix: "+9" (1 to 6 digits).'],
      [{ outbound_contexts: ['a/b'] }, 'Contexto inválido: «a/b» (letras, dígitos, _ . -; hasta 80).', 'Invalid context: "a/b" (letters, digits, _ . -; up to 80).'],
      [{ match_window_s: 1.5 }, 'La ventana es un número entero de segundos de 0 a 86400.', 'The window is a whole number of seconds from 0 to 86400.'],
    ];
    for (const [input, es, en] of cases) expect([words(said(input), 'es'), words(said(input), 'en')]).toEqual([es, en]);
  });

  it('an unknown reason is not dressed up', () => {
    expect(serviceRefusal('settings must be an object')).toBeNull();
  });
});
