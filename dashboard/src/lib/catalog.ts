// The one text mechanism of the SPA: every catalog (lib/messages.ts for the shell and the
// wallboard, one per feature beside it) is made by `defineCatalog` with Spanish and English for
// the same keys, and read by `textOf` with one `{name}` interpolation. Keys are types: a key
// missing in English, an extra one or a misspelled one at a call site fails the type check.
// Components read texts through `i18n.t` (the shell catalog) or `i18n.scope(catalog)`.

import type { Lang } from './format.ts';

export type MessageParams = Record<string, string | number>;

export interface Catalog<K extends string> {
  readonly es: Readonly<Record<K, string>>;
  readonly en: Readonly<Record<K, string>>;
}

/** English must give exactly the keys Spanish defines (Spanish is the default language). */
export type EnglishOf<Es> = Record<keyof Es, string>;

export function defineCatalog<K extends string>(es: Record<K, string>, en: Record<NoInfer<K>, string>): Catalog<K> {
  return { es, en };
}

export function hasKey<K extends string>(catalog: Catalog<K>, key: string): key is K {
  return Object.hasOwn(catalog.es, key);
}

const PARAM = /\{([a-z_]+)\}/g;

/** The parameters a text expects, in order of appearance, without repeats. */
export function placeholders(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(PARAM)) {
    const name = m[1];
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * The text of `key` in `lang` with its parameters filled in. A parameter the caller forgot stays
 * visible as `{name}` rather than disappearing, so the mistake shows on screen.
 */
export function textOf<K extends string>(catalog: Catalog<K>, lang: Lang, key: K, params?: MessageParams): string {
  const text = catalog[lang][key];
  if (!params) return text;
  return text.replace(PARAM, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}
