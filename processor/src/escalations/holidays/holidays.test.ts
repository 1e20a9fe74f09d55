import { describe, expect, it } from 'vitest';
import { boliviaHolidaysByRule } from './bolivia.ts';
import { BUNDLED_HOLIDAYS, countryOfTimeZone, nationalHolidays } from './bundled.ts';
import { colombiaHolidays, nextMonday } from './colombia.ts';
import { dayNumber, easterSunday, isoDate, isoWeekday } from './easter.ts';

describe('Easter and weekdays', () => {
  // Published Easter Sundays.
  it.each([
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2028, '2028-04-16'],
    [2038, '2038-04-25'],
  ])('Easter %i is %s', (year, date) => {
    expect(isoDate(easterSunday(year))).toBe(date);
  });

  it('weekday numbers are ISO (1 = Monday)', () => {
    expect(isoWeekday(dayNumber(1970, 1, 1))).toBe(4);
    expect(isoWeekday(dayNumber(2026, 1, 12))).toBe(1);
    expect(isoWeekday(dayNumber(2026, 3, 1))).toBe(7);
  });

  it('the Ley Emiliani move keeps a Monday and takes any other day to the next Monday', () => {
    expect(isoDate(nextMonday(dayNumber(2026, 6, 29)))).toBe('2026-06-29'); // Monday
    expect(isoDate(nextMonday(dayNumber(2026, 1, 6)))).toBe('2026-01-12'); // Tuesday
    expect(isoDate(nextMonday(dayNumber(2027, 8, 15)))).toBe('2027-08-16'); // Sunday
  });
});

describe('Colombia', () => {
  it.each([2026, 2027])('the rule code gives exactly the bundled %i list', (year) => {
    expect(colombiaHolidays(year)).toEqual(BUNDLED_HOLIDAYS.CO[year]);
  });

  it('2025 as published (18 holidays, Ascensión on 2 June, Sagrado Corazón on 30 June)', () => {
    expect(colombiaHolidays(2025).map((h) => h.date)).toEqual([
      '2025-01-01', '2025-01-06', '2025-03-24', '2025-04-17', '2025-04-18', '2025-05-01', '2025-06-02',
      '2025-06-23', '2025-06-30', '2025-06-30', '2025-07-20', '2025-08-07', '2025-08-18', '2025-10-13',
      '2025-11-03', '2025-11-17', '2025-12-08', '2025-12-25',
    ]);
  });
});

describe('Bolivia', () => {
  it('2027 by rule equals the bundled list', () => {
    expect(boliviaHolidaysByRule(2027)).toEqual(BUNDLED_HOLIDAYS.BO[2027]);
  });

  it('2026 by rule differs from DS 5521 exactly where the decree moved or added days', () => {
    const rule = new Set(boliviaHolidaysByRule(2026).map((h) => h.date));
    const decree = new Set((BUNDLED_HOLIDAYS.BO[2026] ?? []).map((h) => h.date));
    expect([...decree].filter((d) => !rule.has(d))).toEqual(['2026-01-23', '2026-06-05', '2026-08-07']);
    expect([...rule].filter((d) => !decree.has(d))).toEqual(['2026-01-22']);
  });

  it('a Sunday holiday moves to Monday (21 June 2026, 2 November 2025)', () => {
    expect(boliviaHolidaysByRule(2026).map((h) => h.date)).toContain('2026-06-22');
    expect(boliviaHolidaysByRule(2025).map((h) => h.date)).toContain('2025-11-03');
  });
});

describe('nationalHolidays', () => {
  it('uses the bundled list for bundled years and the rules otherwise', () => {
    expect(nationalHolidays('BO', 2026).map((h) => h.date)).toContain('2026-01-23');
    expect(nationalHolidays('CO', 2030).length).toBe(18);
    expect(nationalHolidays('CO', 2030)[1]).toEqual({ date: '2030-01-07', name: 'Reyes Magos' });
  });

  it('maps the two countries’ zones', () => {
    expect([countryOfTimeZone('America/Bogota'), countryOfTimeZone('America/La_Paz'), countryOfTimeZone('UTC')]).toEqual(['CO', 'BO', null]);
  });
});
