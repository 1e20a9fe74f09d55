// The one i18n layer: the current locale as rune state, and the text and number helpers every
// component uses. A logged-in user's language is stored on the server (PATCH /api/me with
// `es` / `en`, done by the caller that knows the session); the exact locale (es-BO, es-CO, en)
// is kept in localStorage, which is all a kiosk TV has.

import { DEFAULT_LOCALE, formatCount, formatPct, langOf, normalizeLocale, type Locale } from './format.ts';
import { textOf, type Catalog, type MessageParams } from './catalog.ts';
import { MESSAGES, type MessageKey } from './messages.ts';

const STORAGE_KEY = 'tablero.locale';

function readStored(): Locale | null {
  try {
    return normalizeLocale(globalThis.localStorage?.getItem(STORAGE_KEY));
  } catch {
    // Storage can be disabled (privacy settings); the default locale then applies.
    return null;
  }
}

function writeStored(locale: Locale): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale);
  } catch {
    // Not persisted; the choice still applies to this page.
  }
}

export class I18n {
  locale: Locale = $state(readStored() ?? DEFAULT_LOCALE);
  lang = $derived(langOf(this.locale));

  constructor() {
    this.#applyToDocument();
  }

  /** True once the person picked a language on this page: the server's stored one then waits. */
  #chosen = false;

  /**
   * The person's own pick (the language switch). It wins over a stored preference that arrives
   * later on this page, e.g. a slow `/api/me` answer that still carries the previous language.
   */
  choose(locale: Locale): void {
    this.#chosen = true;
    this.set(locale);
  }

  /** Switch language and remember it on this device. */
  set(locale: Locale): void {
    this.locale = locale;
    writeStored(locale);
    this.#applyToDocument();
  }

  /**
   * Take a user's stored preference from the server. The server stores the language only
   * (`es` / `en`), so a device that already shows that language keeps its regional format
   * (es-CO stays es-CO for a user stored as `es`).
   */
  adopt(userLang: string | null | undefined): void {
    if (this.#chosen) return;
    const l = normalizeLocale(userLang);
    if (l && langOf(l) !== this.lang) this.set(l);
  }

  /** A text of the shell catalog (lib/messages.ts) in the current language. */
  t = (key: MessageKey, params?: MessageParams): string => textOf(MESSAGES, this.lang, key, params);
  /** `t` for a feature's catalog; read at call time, so templates follow a language switch. */
  scope = <K extends string>(catalog: Catalog<K>): ((key: K, params?: MessageParams) => string) => (key, params) => textOf(catalog, this.lang, key, params);
  count = (n: number | null): string => formatCount(this.locale, n);
  pct = (v: number | null, digits: 0 | 1 | 2 = 1): string => formatPct(this.locale, v, digits);

  #applyToDocument(): void {
    if (typeof document !== 'undefined') document.documentElement.lang = this.locale;
  }
}

export const i18n = new I18n();
