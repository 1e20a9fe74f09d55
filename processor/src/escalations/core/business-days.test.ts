import { describe, expect, it } from 'vitest';
import { nationalHolidays } from '../holidays/bundled.ts';
import { isoDate } from '../holidays/easter.ts';
import { ageInBusinessDays, createBusinessCalendar, dueDate, BusinessCalendarError } from './business-days.ts';

const at = (iso: string): number => Date.parse(iso) / 1000;
const iso = (s: number): string => new Date(s * 1000).toISOString();
const week = (ranges: Array<{ from: string; to: string }>, sat: Array<{ from: string; to: string }> = []) => [ranges, ranges, ranges, ranges, ranges, sat, []];
const co2026 = nationalHolidays('CO', 2026).map((h) => h.date);

// A Bogotá site (UTC-5, no DST) open Mon-Fri 08:00-12:15 and 13:45-16:00, Colombian holidays.
const bogota = createBusinessCalendar({ tz: 'America/Bogota', weekly: week([{ from: '08:00', to: '12:15' }, { from: '13:45', to: '16:00' }]) }, { holidays: co2026 });

describe('due date (receipt day + term in business days, due at the due day close)', () => {
  it.each([
    ['in hours on a Monday; the 15th business day would be San José (23 Mar), so it is the 24th', '2026-03-02T10:00:00-05:00', 15, '2026-03-02', '2026-03-24', '2026-03-24T21:00:00.000Z'],
    ['before opening time: received that same day', '2026-03-02T07:00:00-05:00', 15, '2026-03-02', '2026-03-24', '2026-03-24T21:00:00.000Z'],
    ['in the lunch break: still that day', '2026-03-02T12:30:00-05:00', 1, '2026-03-02', '2026-03-03', '2026-03-03T21:00:00.000Z'],
    ['exactly at the close: the next business day', '2026-03-02T16:00:00-05:00', 1, '2026-03-03', '2026-03-04', '2026-03-04T21:00:00.000Z'],
    ['Friday after hours: received Monday', '2026-03-06T17:30:00-05:00', 10, '2026-03-09', '2026-03-24', '2026-03-24T21:00:00.000Z'],
    ['on a Saturday: received Monday', '2026-03-07T09:00:00-05:00', 10, '2026-03-09', '2026-03-24', '2026-03-24T21:00:00.000Z'],
    ['on a holiday (San José, Monday 23 Mar): received Tuesday', '2026-03-23T10:00:00-05:00', 1, '2026-03-24', '2026-03-25', '2026-03-25T21:00:00.000Z'],
    ['across Holy Week: Jueves and Viernes Santo skipped', '2026-03-11T09:00:00-05:00', 15, '2026-03-11', '2026-04-06', '2026-04-06T21:00:00.000Z'],
    ['term 30 (consulta) across two holidays', '2026-04-06T09:00:00-05:00', 30, '2026-04-06', '2026-05-20', '2026-05-20T21:00:00.000Z'],
    ['UTC already says Tuesday but it is Monday 23:30 in Bogotá, after hours', '2026-03-03T04:30:00Z', 1, '2026-03-03', '2026-03-04', '2026-03-04T21:00:00.000Z'],
    ['a term of 0 is due at the receipt day close', '2026-03-02T10:00:00-05:00', 0, '2026-03-02', '2026-03-02', '2026-03-02T21:00:00.000Z'],
  ])('%s', (_name, opened, term, receipt, due, dueAt) => {
    const d = dueDate(bogota, at(opened), term);
    expect([isoDate(d.receipt_day), isoDate(d.due_day), iso(d.due_s)]).toEqual([receipt, due, dueAt]);
  });

  it('La Paz, open all day on weekdays: Friday 23:30 local is still Friday although UTC says Saturday', () => {
    const laPaz = createBusinessCalendar({ tz: 'America/La_Paz', weekly: week([{ from: '00:00', to: '24:00' }]) });
    const d = dueDate(laPaz, at('2026-03-07T03:30:00Z'), 1);
    // The close of a 24:00 day is the next local midnight.
    expect([isoDate(d.receipt_day), isoDate(d.due_day), iso(d.due_s)]).toEqual(['2026-03-06', '2026-03-09', '2026-03-10T04:00:00.000Z']);
  });

  it('a DST change between filing and due day moves the close with the zone (New York, 8 Mar 2026)', () => {
    const ny = createBusinessCalendar({ tz: 'America/New_York', weekly: week([{ from: '08:00', to: '17:00' }]) });
    const d = dueDate(ny, at('2026-03-06T10:00:00-05:00'), 1);
    expect([isoDate(d.due_day), iso(d.due_s)]).toEqual(['2026-03-09', '2026-03-09T21:00:00.000Z']);
    expect(iso(dueDate(ny, at('2026-03-05T10:00:00-05:00'), 1).due_s)).toBe('2026-03-06T22:00:00.000Z');
  });

  it('the default site calendar (open every day) counts Monday to Friday for escalations', () => {
    const def = createBusinessCalendar({ tz: 'America/Bogota' });
    const d = dueDate(def, at('2026-03-06T22:00:00-05:00'), 1);
    expect([isoDate(d.receipt_day), isoDate(d.due_day), iso(d.due_s)]).toEqual(['2026-03-06', '2026-03-09', '2026-03-10T05:00:00.000Z']);
  });

  it('a calendar closed every day still has legal business days, each closing at midnight', () => {
    const closed = createBusinessCalendar({ tz: 'America/Bogota', weekly: [[], [], [], [], [], [], []] });
    const d = dueDate(closed, at('2026-03-06T22:00:00-05:00'), 1);
    expect([isoDate(d.receipt_day), isoDate(d.due_day), iso(d.due_s)]).toEqual(['2026-03-06', '2026-03-09', '2026-03-10T05:00:00.000Z']);
  });

  it('no working weekday is refused (a term could never end)', () => {
    expect(() => createBusinessCalendar({ tz: 'UTC' }, { workingWeekdays: [] })).toThrow(BusinessCalendarError);
  });
});

// Legal terms vs opening hours (kpi-definitions §6): a Bogotá center open Monday to Friday
// 07:00-19:00 and Saturday 08:00-13:00, Colombian holidays of 2026 (Monday 12 October, Día de la
// Raza; Monday 2 November, Todos los Santos). Expected dates worked by hand on the October and
// November 2026 calendar; a close at 19:00 in Bogotá (UTC-5) is 00:00 UTC of the next day.
describe('legal business days with Saturday opening hours', () => {
  const saturdayHours = { tz: 'America/Bogota', weekly: week([{ from: '07:00', to: '19:00' }], [{ from: '08:00', to: '13:00' }]) };
  const legal = createBusinessCalendar(saturdayHours, { holidays: co2026 });
  const withSaturday = createBusinessCalendar(saturdayHours, { holidays: co2026, workingWeekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'] });

  it.each([
    // Friday 9 Oct + 15: 13-16 Oct (4), 19-23 (9), 26-30 (14), 2 Nov is a holiday, Tuesday 3 Nov (15).
    ['by default, a queja filed on Friday in hours', legal, '2026-10-09T10:00:00-05:00', 15, '2026-10-09', '2026-11-03', '2026-11-04T00:00:00.000Z'],
    // Saturdays 10, 17 and 24 Oct count: 10 (1), 13-17 (6), 19-24 (12), 26-28 (15).
    ['with Saturday named a working weekday, the same queja', withSaturday, '2026-10-09T10:00:00-05:00', 15, '2026-10-09', '2026-10-28', '2026-10-29T00:00:00.000Z'],
    // Saturday in opening hours is no legal business day: Sunday, the Monday holiday, then Tuesday 13.
    ['by default, filed on Saturday while the center is open', legal, '2026-10-10T09:00:00-05:00', 1, '2026-10-13', '2026-10-14', '2026-10-15T00:00:00.000Z'],
    ['with Saturday, filed on Saturday before its 13:00 close: received that Saturday', withSaturday, '2026-10-10T09:00:00-05:00', 1, '2026-10-10', '2026-10-13', '2026-10-14T00:00:00.000Z'],
    ['with Saturday, filed on Saturday after its 13:00 close: the next business day', withSaturday, '2026-10-10T14:00:00-05:00', 1, '2026-10-13', '2026-10-14', '2026-10-15T00:00:00.000Z'],
    // Friday after its 19:00 close: the next business day (Saturday only when it is a working weekday).
    ['by default, filed on Friday after hours', legal, '2026-10-16T19:30:00-05:00', 1, '2026-10-19', '2026-10-20', '2026-10-21T00:00:00.000Z'],
    ['with Saturday, filed on Friday after hours', withSaturday, '2026-10-16T19:30:00-05:00', 1, '2026-10-17', '2026-10-19', '2026-10-20T00:00:00.000Z'],
    // A term ending on a working Saturday ends at the Saturday close (13:00 = 18:00 UTC).
    ['with Saturday, due on a Saturday at its close', withSaturday, '2026-10-16T10:00:00-05:00', 1, '2026-10-16', '2026-10-17', '2026-10-17T18:00:00.000Z'],
    ['by default, the same ticket is due on Monday', legal, '2026-10-16T10:00:00-05:00', 1, '2026-10-16', '2026-10-19', '2026-10-20T00:00:00.000Z'],
  ])('%s', (_name, cal, opened, term, receipt, due, dueAt) => {
    const d = dueDate(cal, at(opened), term);
    expect([isoDate(d.receipt_day), isoDate(d.due_day), iso(d.due_s)]).toEqual([receipt, due, dueAt]);
  });

  // Received Friday 9 October.
  const receipt = dueDate(legal, at('2026-10-09T10:00:00-05:00'), 15).receipt_day;
  it.each([
    // (9 Oct, 19 Oct]: 13, 14, 15, 16, 19 by default; 10 and 17 (Saturdays) added with Saturday.
    ['Monday 19 October', '2026-10-19T10:00:00-05:00', 5, 7],
    // Saturday in opening hours: by default it belongs to the coming Monday; with Saturday it is itself.
    ['Saturday 17 October, 11:00, center open', '2026-10-17T11:00:00-05:00', 5, 6],
    ['Saturday 17 October, 14:00, after the Saturday close', '2026-10-17T14:00:00-05:00', 5, 7],
    // Holiday Monday 12 October belongs to Tuesday 13 either way; Saturday 10 counts only with Saturday.
    ['the holiday Monday 12 October', '2026-10-12T10:00:00-05:00', 1, 2],
  ])('age on %s: %i by default, %i with Saturday', (_name, now, byDefault, withSat) => {
    expect([ageInBusinessDays(legal, receipt, at(now)), ageInBusinessDays(withSaturday, receipt, at(now))]).toEqual([byDefault, withSat]);
  });
});

describe('age in business days', () => {
  // Received Monday 2 March 2026, term 15, due Tuesday 24 March at 16:00.
  const receipt = dueDate(bogota, at('2026-03-02T10:00:00-05:00'), 15).receipt_day;
  it.each([
    ['the receipt day, in hours', '2026-03-02T15:00:00-05:00', 0],
    ['the receipt day, after its close', '2026-03-02T16:30:00-05:00', 1],
    ['Saturday counts as the coming Monday', '2026-03-07T11:00:00-05:00', 5],
    ['Friday 20 March', '2026-03-20T12:00:00-05:00', 14],
    ['on the San José holiday: the coming Tuesday, the due day', '2026-03-23T10:00:00-05:00', 15],
    ['due day one second before its close', '2026-03-24T15:59:59-05:00', 15],
    ['due day at its close', '2026-03-24T16:00:00-05:00', 16],
    ['three days later', '2026-03-27T09:00:00-05:00', 18],
  ])('%s', (_name, now, age) => {
    expect(ageInBusinessDays(bogota, receipt, at(now))).toBe(age);
  });

  it('counts backwards as a negative number', () => {
    expect(bogota.businessDaysBetween(bogota.dayOf(at('2026-03-24T12:00:00-05:00')), receipt)).toBe(-15);
  });
});
