import { describe, expect, it } from 'vitest';
import { CalendarError, createCalendar, defaultCalendar, localToEpoch, periodKey, startOfLocalDay, type PeriodBy, type SiteCalendarSpec } from './calendar.ts';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number => Date.UTC(y, mo - 1, d, h, mi, s) / 1000;

describe('periodKey', () => {
  it.each<[number, PeriodBy, string, string]>([
    [1266833911, 'month', 'UTC', '2010-02'],
    [1266833911, 'day', 'UTC', '2010-02-22'],
    [1266833911, 'hour', 'UTC', '2010-02-22T10'],
    [1266833911, 'interval', 'UTC', '2010-02-22T10:15'], // 10:18:31
    [1266833911, 'interval', 'America/La_Paz', '2010-02-22T06:15'], // UTC-4
    [utc(2026, 1, 1, 3, 59, 59), 'month', 'America/La_Paz', '2025-12'],
    [utc(2026, 1, 1, 4, 0, 0), 'month', 'America/La_Paz', '2026-01'],
    [utc(2026, 3, 1, 12, 44, 59), 'interval', 'Asia/Kathmandu', '2026-03-01T18:15'], // UTC+5:45
    [utc(2026, 3, 1, 12, 45, 0), 'interval', 'Asia/Kathmandu', '2026-03-01T18:30'],
    // DST fall back in New York: 01:30 EDT and 01:30 EST share the local hour key.
    [utc(2026, 11, 1, 5, 30), 'hour', 'America/New_York', '2026-11-01T01'],
    [utc(2026, 11, 1, 6, 30), 'hour', 'America/New_York', '2026-11-01T01'],
    [utc(2026, 11, 1, 7, 0), 'hour', 'America/New_York', '2026-11-01T02'],
  ])('%d by %s in %s -> %s', (epoch, by, tz, expected) => {
    expect(periodKey(epoch, by, tz)).toBe(expected);
  });
});

describe('startOfLocalDay (DST-safe)', () => {
  it.each<[number, string, number]>([
    [utc(2010, 2, 22, 10, 18), 'UTC', utc(2010, 2, 22)],
    [utc(2010, 2, 22, 2, 0), 'America/La_Paz', utc(2010, 2, 21, 4)],
    // Spring forward (02:00 -> 03:00 local) later that day: midnight is still EST (UTC-5).
    [utc(2026, 3, 8, 20, 0), 'America/New_York', utc(2026, 3, 8, 5)],
    // Fall back day: midnight is EDT (UTC-4), the day has 25 hours.
    [utc(2026, 11, 1, 23, 0), 'America/New_York', utc(2026, 11, 1, 4)],
    [utc(2026, 3, 29, 12, 0), 'Europe/Berlin', utc(2026, 3, 28, 23)],
    // Chile moves clocks at midnight: on 2026-09-06 local 00:00 does not exist, the day starts 01:00 (UTC-3).
    [utc(2026, 9, 6, 15, 0), 'America/Santiago', utc(2026, 9, 6, 4)],
  ])('%d in %s -> %d', (epoch, tz, expected) => {
    expect(startOfLocalDay(epoch, tz)).toBe(expected);
  });

  it('localToEpoch picks the first instant of a repeated wall clock', () => {
    expect(localToEpoch(2026, 11, 1, 1, 30, 'America/New_York')).toBe(utc(2026, 11, 1, 5, 30));
  });
});

describe('site calendar', () => {
  const weekday = [{ from: '08:00', to: '12:15' }, { from: '13:45', to: '16:00' }];
  const cal = createCalendar({
    tz: 'America/La_Paz',
    weekly: [weekday, weekday, weekday, weekday, weekday, [{ from: '09:00', to: '13:00' }], []],
    holidays: ['2026-11-02'],
  });
  // 2026-11-09 is a Monday; La Paz is UTC-4 all year.
  it.each<[string, number, boolean]>([
    ['Monday 07:59:59', utc(2026, 11, 9, 11, 59, 59), false],
    ['Monday 08:00:00 (from is inclusive)', utc(2026, 11, 9, 12, 0, 0), true],
    ['Monday 12:14:59', utc(2026, 11, 9, 16, 14, 59), true],
    ['Monday 12:15:00 (to is exclusive)', utc(2026, 11, 9, 16, 15, 0), false],
    ['Monday 13:45:00', utc(2026, 11, 9, 17, 45, 0), true],
    ['Monday 16:00:00', utc(2026, 11, 9, 20, 0, 0), false],
    ['Saturday 10:00', utc(2026, 11, 14, 14, 0, 0), true],
    ['Saturday 13:00', utc(2026, 11, 14, 17, 0, 0), false],
    ['Sunday 10:00', utc(2026, 11, 15, 14, 0, 0), false],
    ['holiday Monday 10:00', utc(2026, 11, 2, 14, 0, 0), false],
  ])('%s -> %s', (_name, epoch, expected) => {
    expect(cal.isInHours(epoch)).toBe(expected);
  });

  it('the default calendar is open 24 h, no holidays', () => {
    const d = defaultCalendar('America/La_Paz');
    expect(d.alwaysOpen).toBe(true);
    expect([0, utc(2026, 11, 15, 3, 0), utc(2026, 12, 25, 12)].map((t) => d.isInHours(t))).toEqual([true, true, true]);
    expect(cal.alwaysOpen).toBe(false);
  });

  it.each<[string, () => unknown]>([
    ['bad tz', () => createCalendar({ tz: 'Mars/Olympus' })],
    ['bad time', () => createCalendar({ tz: 'UTC', weekly: [[{ from: '8:00', to: '12:00' }], [], [], [], [], [], []] })],
    ['empty range', () => createCalendar({ tz: 'UTC', weekly: [[{ from: '12:00', to: '12:00' }], [], [], [], [], [], []] })],
    ['six days', () => createCalendar({ tz: 'UTC', weekly: [[], [], [], [], [], []] })],
    ['bad holiday', () => createCalendar({ tz: 'UTC', holidays: ['2026-1-1'] })],
  ])('rejects %s', (_name, f) => {
    expect(f).toThrow(_name === 'bad tz' ? RangeError : CalendarError);
  });
});

describe('calendar spec checks', () => {
  it('rejects a field it does not know instead of leaving the site open 24 h', () => {
    expect(() => createCalendar({ tz: 'America/La_Paz', hours: {} } as unknown as SiteCalendarSpec)).toThrow(
      "unknown calendar field 'hours' (expected tz, weekly, holidays)",
    );
  });
});
