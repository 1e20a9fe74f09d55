// Locale-aware formatting of the figures the dashboard shows. Pure: the locale comes in as data.
// Values arrive already rounded to 2 decimals by the processor (kpi-definitions §11); here we
// only choose how many digits a screen shows, and Intl rounds half away from zero on top.

export const LOCALES = ['es-BO', 'es-CO', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export type Lang = 'es' | 'en';

export const DEFAULT_LOCALE: Locale = 'es-BO';

/** Shown for a figure without data (a ratio with a zero denominator): never 0 and never 100. */
export const NO_DATA = '—';

export function langOf(locale: Locale): Lang {
  return locale === 'en' ? 'en' : 'es';
}

/**
 * Maps what a user record, localStorage or a URL may hold onto a supported locale:
 * exact codes case-insensitively, a bare `es` to the default Spanish locale, any `en-*` to `en`.
 * Returns null for anything else so the caller keeps its current choice.
 */
export function normalizeLocale(input: string | null | undefined): Locale | null {
  if (typeof input !== 'string') return null;
  const v = input.trim().toLowerCase();
  if (v === '') return null;
  for (const l of LOCALES) if (l.toLowerCase() === v) return l;
  if (v === 'es') return DEFAULT_LOCALE;
  if (v === 'en' || v.startsWith('en-')) return 'en';
  return null;
}

// Intl constructors are slow compared with format(); one instance per locale and style.
const cache = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: Locale, kind: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${kind}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    cache.set(key, f);
  }
  return f;
}

/** A count of calls or agents: integer with the locale's grouping. */
export function formatCount(locale: Locale, n: number | null): string {
  if (n === null || !Number.isFinite(n)) return NO_DATA;
  return numberFormat(locale, 'count', { maximumFractionDigits: 0 }).format(n);
}

/**
 * A percentage already expressed in percent (84.62 means 84.62 %), as the snapshot carries it.
 * The `percent` unit formats the value as-is, so no division by 100 adds binary noise.
 */
export function formatPct(locale: Locale, pct: number | null, digits: 0 | 1 | 2 = 1): string {
  if (pct === null || !Number.isFinite(pct)) return NO_DATA;
  return numberFormat(locale, `pct${digits}`, {
    style: 'unit',
    unit: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(pct);
}

/** A plain number with up to `digits` decimals (exact values in definitions). */
export function formatDecimal(locale: Locale, n: number | null, digits: 0 | 1 | 2 = 2): string {
  if (n === null || !Number.isFinite(n)) return NO_DATA;
  return numberFormat(locale, `dec${digits}`, { maximumFractionDigits: digits }).format(n);
}

/**
 * A duration for a wallboard: whole seconds under a minute ("45 s"), then m:ss ("2:05"),
 * then h:mm:ss. Rounded half up to whole seconds; durations are never negative.
 */
export function formatDuration(locale: Locale, seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return NO_DATA;
  const total = Math.max(0, Math.floor(seconds + 0.5));
  if (total < 60) return `${formatCount(locale, total)} s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  if (h === 0) return `${m}:${ss}`;
  return `${h}:${String(m).padStart(2, '0')}:${ss}`;
}

const clockCache = new Map<string, Intl.DateTimeFormat>();
/**
 * Wall-clock time "HH:MM" (24 h) of an epoch in the site's time zone, which is how contact
 * centers name their intervals. An unknown zone falls back to UTC rather than throwing.
 */
export function formatClock(locale: Locale, epochS: number, timeZone: string): string {
  const key = `${locale}|${timeZone}`;
  let f = clockCache.get(key);
  if (!f) {
    const base: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    try {
      f = new Intl.DateTimeFormat(locale, { ...base, timeZone });
    } catch {
      f = new Intl.DateTimeFormat(locale, { ...base, timeZone: 'UTC' });
    }
    clockCache.set(key, f);
  }
  return f.format(new Date(epochS * 1000));
}

const dayCache = new Map<string, Intl.DateTimeFormat>();
/**
 * A calendar day (`YYYY-MM-DD`, a date of the site's calendar, no time zone involved) as the
 * locale writes it: `4 dic 2026`, `Dec 4, 2026`. Anything else is returned as given.
 */
export function formatDay(locale: Locale, day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(d.getTime())) return day;
  let f = dayCache.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
    dayCache.set(locale, f);
  }
  return f.format(d);
}
