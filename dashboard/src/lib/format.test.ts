import { describe, expect, it } from 'vitest';
import {
  formatClock,
  formatDay,
  formatCount,
  formatDecimal,
  formatDuration,
  formatPct,
  langOf,
  NO_DATA,
  normalizeLocale,
  type Locale,
} from './format.ts';

describe('normalizeLocale', () => {
  it.each([
    ['es-BO', 'es-BO'],
    ['es-bo', 'es-BO'],
    ['ES-CO', 'es-CO'],
    [' en ', 'en'],
    ['en-US', 'en'],
    ['es', 'es-BO'],
    ['fr', null],
    ['es-MX', null],
    ['', null],
    [null, null],
    [undefined, null],
  ] as const)('%j -> %j', (input, expected) => {
    expect(normalizeLocale(input)).toBe(expected);
  });
});

describe('langOf', () => {
  it.each([
    ['es-BO', 'es'],
    ['es-CO', 'es'],
    ['en', 'en'],
  ] as const)('%s -> %s', (locale, lang) => {
    expect(langOf(locale)).toBe(lang);
  });
});

describe('formatCount', () => {
  it.each([
    ['es-BO', 0, '0'],
    ['es-BO', 1234, '1.234'],
    ['es-CO', 12345, '12.345'],
    ['en', 1234, '1,234'],
    ['en', null, NO_DATA],
  ] as const)('%s %j -> %s', (locale: Locale, n, expected) => {
    expect(formatCount(locale, n)).toBe(expected);
  });
});

describe('formatPct', () => {
  it.each([
    ['es-BO', 84.62, 1, '84,6%'],
    ['es-CO', 84.65, 1, '84,7%'],
    ['en', 84.65, 1, '84.7%'],
    ['en', 100, 1, '100.0%'],
    ['en', 0, 0, '0%'],
    ['es-BO', 80, 0, '80%'],
    ['es-BO', 1.01, 2, '1,01%'],
    // No data is a dash: never 0 % and never 100 % (kpi-definitions §4).
    ['es-BO', null, 1, NO_DATA],
  ] as const)('%s %j (%d digits) -> %s', (locale: Locale, v, digits, expected) => {
    expect(formatPct(locale, v, digits)).toBe(expected);
  });
});

describe('formatDecimal', () => {
  it.each([
    ['es-BO', 18.25, 2, '18,25'],
    ['en', 18.25, 1, '18.3'],
    ['en', 20, 2, '20'],
    ['es-CO', null, 2, NO_DATA],
  ] as const)('%s %j (%d digits) -> %s', (locale: Locale, v, digits, expected) => {
    expect(formatDecimal(locale, v, digits)).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [0.49, '0 s'],
    [12.5, '13 s'],
    [59.49, '59 s'],
    [59.5, '1:00'],
    [125, '2:05'],
    [3599, '59:59'],
    [3600, '1:00:00'],
    [3725.2, '1:02:05'],
    [-3, '0 s'],
    [null, NO_DATA],
  ] as const)('%j -> %s', (s, expected) => {
    expect(formatDuration('es-BO', s)).toBe(expected);
  });
});

describe('formatClock', () => {
  // 2026-09-25T12:00:00Z
  const epoch = 1_790_337_600;
  it.each([
    ['es-BO', 'America/La_Paz', '08:00'],
    ['es-CO', 'America/Bogota', '07:00'],
    ['en', 'UTC', '12:00'],
    // A zone the browser does not know falls back to UTC instead of breaking the chart.
    ['en', 'Not/AZone', '12:00'],
  ] as const)('%s %s -> %s', (locale: Locale, tz, expected) => {
    expect(formatClock(locale, epoch, tz)).toBe(expected);
  });
});

describe('formatDay', () => {
  it.each([
    ['es-BO', '2026-12-04', '4 dic 2026'],
    ['es-CO', '2026-01-31', '31 de ene de 2026'],
    ['en', '2026-12-04', 'Dec 4, 2026'],
    ['en', 'not a day', 'not a day'],
  ] as const)('%s %s -> %s', (locale: Locale, day, expected) => {
    expect(formatDay(locale, day)).toBe(expected);
  });
});
