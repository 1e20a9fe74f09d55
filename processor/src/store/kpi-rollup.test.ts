// Which whole buckets a KPI read may take from the rollup: one local period, wholly in or out of hours.
import { describe, expect, it } from 'vitest';
import type { PeriodBy, SiteCalendarSpec } from '../core/calendar.ts';
import { rollupEligibility } from './kpi-rollup.ts';

const at = (iso: string): number => Date.parse(iso) / 1000;
const OPEN = (tz: string): SiteCalendarSpec => ({ tz });
const weekdays = (from: string, to: string): SiteCalendarSpec['weekly'] => [0, 1, 2, 3, 4, 5, 6].map((d) => (d < 5 ? [{ from, to }] : []));

describe('rollupEligibility', () => {
  it.each<[string, string, PeriodBy, SiteCalendarSpec, string, boolean]>([
    ['a UTC day by day in UTC', 'UTC', 'day', OPEN('UTC'), '2026-03-03T00:00:00Z', true],
    ['a UTC day by day in Bogota (two local days)', 'America/Bogota', 'day', OPEN('America/Bogota'), '2026-03-03T00:00:00Z', false],
    ['a UTC day inside a Bogota month', 'America/Bogota', 'month', OPEN('America/Bogota'), '2026-03-03T00:00:00Z', true],
    ['the UTC day holding a Bogota month change', 'America/Bogota', 'month', OPEN('America/Bogota'), '2026-04-01T00:00:00Z', false],
    ['a UTC day by hour', 'UTC', 'hour', OPEN('UTC'), '2026-03-03T00:00:00Z', false],
    ['the New York fall-back day', 'America/New_York', 'month', OPEN('America/New_York'), '2026-11-01T00:00:00Z', false],
    ['a Sunday closed all day (calendar in UTC)', 'UTC', 'month', { tz: 'UTC', weekly: weekdays('08:00', '17:00') }, '2026-03-08T00:00:00Z', true],
    ['a weekday with opening hours', 'UTC', 'month', { tz: 'UTC', weekly: weekdays('08:00', '17:00') }, '2026-03-03T00:00:00Z', false],
    ['a holiday in UTC', 'UTC', 'month', { tz: 'UTC', weekly: weekdays('08:00', '17:00'), holidays: ['2026-03-03'] }, '2026-03-03T00:00:00Z', true],
  ])('day: %s', (_name, tz, by, cal, day, ok) => {
    expect(rollupEligibility(tz, by, cal).day(at(day))).toBe(ok);
  });

  it.each<[string, string, PeriodBy, SiteCalendarSpec, string, boolean]>([
    ['a quarter in Kathmandu (+05:45)', 'Asia/Kathmandu', 'hour', OPEN('Asia/Kathmandu'), '2026-03-03T10:15:00Z', true],
    ['a quarter wholly in hours', 'UTC', 'interval', { tz: 'America/La_Paz', weekly: weekdays('08:00', '17:00') }, '2026-03-03T12:00:00Z', true],
    ['a quarter wholly out of hours', 'UTC', 'interval', { tz: 'America/La_Paz', weekly: weekdays('08:00', '17:00') }, '2026-03-03T11:45:00Z', true],
    ['a quarter cut by an 08:10 opening (La Paz 08:00-08:15)', 'UTC', 'day', { tz: 'America/La_Paz', weekly: weekdays('08:10', '17:00') }, '2026-03-03T12:00:00Z', false],
    ['the quarter after it', 'UTC', 'day', { tz: 'America/La_Paz', weekly: weekdays('08:10', '17:00') }, '2026-03-03T12:15:00Z', true],
    ['a quarter on the New York fall-back day', 'America/New_York', 'interval', OPEN('America/New_York'), '2026-11-01T12:00:00Z', false],
  ])('quarter: %s', (_name, tz, by, cal, q, ok) => {
    expect(rollupEligibility(tz, by, cal).quarter(at(q))).toBe(ok);
  });
});
