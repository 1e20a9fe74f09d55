import { describe, expect, it } from 'vitest';
import { CALL_TEXTS } from '../features/calls/texts.ts';
import { EXPORT_TEXTS } from '../features/exports/texts.ts';
import { FUNNEL_TEXTS } from '../features/funnel/texts.ts';
import { ESC_TEXTS } from '../features/escalations/texts.ts';
import { QA_TEXTS } from '../features/qa/texts.ts';
import { TRAINING_TEXTS } from '../features/qa/training-texts.ts';
import { CAMPAIGN_TEXTS } from '../features/campaigns/texts.ts';
import { defineCatalog, hasKey, placeholders, textOf, type Catalog } from './catalog.ts';
import { MESSAGES } from './messages.ts';

// Every catalog of the SPA: a new feature catalog is added here.
const CATALOGS: ReadonlyArray<[string, Catalog<string>]> = [
  ['shell', MESSAGES],
  ['qa', QA_TEXTS],
  ['escalations', ESC_TEXTS],
  ['exports', EXPORT_TEXTS],
  ['funnel', FUNNEL_TEXTS],
  ['calls', CALL_TEXTS],
  ['campaigns', CAMPAIGN_TEXTS],
  ['training', TRAINING_TEXTS],
];

describe.each(CATALOGS)('catalog %s', (_name, catalog) => {
  const keys = Object.keys(catalog.es);

  it('has texts, and the same keys in Spanish and English', () => {
    expect(keys.length).toBeGreaterThan(10);
    expect(Object.keys(catalog.en).sort()).toEqual([...keys].sort());
  });

  it('gives every key a text in both languages, with the same parameters', () => {
    const wrong = keys.filter((k) => {
      const es = catalog.es[k] ?? '';
      const en = catalog.en[k] ?? '';
      return es === '' || en === '' || placeholders(es).sort().join() !== placeholders(en).sort().join();
    });
    expect(wrong).toEqual([]);
  });
});

describe('textOf (the one interpolation)', () => {
  const c = defineCatalog({ hello: 'Hola {name}, {n} de {m} ({name})', plain: 'Sin parámetros' }, { hello: 'Hi {name}, {n} of {m} ({name})', plain: 'No parameters' });

  it.each([
    ['es', 'hello', { name: 'Ana', n: 2, m: 3 }, 'Hola Ana, 2 de 3 (Ana)'],
    ['en', 'hello', { name: 'Ana', n: 0, m: 3 }, 'Hi Ana, 0 of 3 (Ana)'],
    // A parameter the caller forgot stays visible, so the mistake shows on screen.
    ['en', 'hello', { name: 'Ana' }, 'Hi Ana, {n} of {m} (Ana)'],
    ['es', 'plain', undefined, 'Sin parámetros'],
    // A value that looks like a parameter is inserted as written, not filled again.
    ['en', 'hello', { name: '{m}', n: 1, m: 9 }, 'Hi {m}, 1 of 9 ({m})'],
  ] as const)('%s %s %j -> %s', (lang, key, params, expected) => {
    expect(textOf(c, lang, key, params)).toBe(expected);
  });

  it('reads every catalog the same way', () => {
    expect(textOf(QA_TEXTS, 'es', 'submitted', { n: 1, m: 3 })).toBe('Enviaron: 1 de 3');
    expect(textOf(QA_TEXTS, 'en', 'tolerance', { t: 5 })).toBe('Tolerance: ±5 points');
    expect(textOf(ESC_TEXTS, 'en', 'action.escalated', { area: 'Billing' })).toBe('Escalated to Billing');
    expect(textOf(MESSAGES, 'es', 'stale.age', { n: 4 })).toBe('Datos de hace 4 s');
  });

  it('tells keys of a catalog from other strings', () => {
    expect([hasKey(ESC_TEXTS, 'type.queja'), hasKey(ESC_TEXTS, 'type.otro'), hasKey(ESC_TEXTS, 'toString')]).toEqual([true, false, false]);
  });
});

describe('placeholders', () => {
  it.each([
    ['no params', []],
    ['{a} and {b} and {a}', ['a', 'b']],
    ['{n} s', ['n']],
    ['{Not} {a-b} {}', []],
  ])('%j -> %j', (text, expected) => {
    expect(placeholders(text)).toEqual(expected);
  });
});
