import { describe, expect, it } from 'vitest';
import { nationalHolidays } from '../holidays/bundled.ts';
import { isoDate } from '../holidays/easter.ts';
import { ageInBusinessDays, createBusinessCalendar, dueDate, BusinessCalendarError } from './business-days.ts';

const at = (iso: string): number => Date.parse(iso) / 1000;
const iso = (s: number): string => new Date(s * 1000).toISOString();
const week = (ranges: Array<{ from: string; to: string }>, sat: Array<{ from: string; to: string }> = []) => [ranges, ranges, ranges, ranges, ranges, sat, []];
const co2026 = nationalHolidays('CO', 2026).map((h) => h.date);

// A Bogotá site (UTC-5, no DST) open Mon-Fri 08:00-12:15 and 13:45-16:00, Colombian holidays.
const bogota = createBusinessCalendar({ tz: 'America/Bogota', weekly: week([{ from: '08:00', to: '12:15' }, { from: '13:45', to: '16:00' }]) }, co2026);

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

  it('Saturday hours make Saturday a business day', () => {
    const withSat = createBusinessCalendar({ tz: 'America/Bogota', weekly: week([{ from: '07:00', to: '19:00' }], [{ from: '08:00', to: '13:00' }]) }, co2026);
    const d = dueDate(withSat, at('2026-03-06T18:00:00-05:00'), 1);
    expect([isoDate(d.due_day), iso(d.due_s)]).toEqual(['2026-03-07', '2026-03-07T18:00:00.000Z']);
  });

  it('a calendar closed every day is refused', () => {
    expect(() => createBusinessCalendar({ tz: 'UTC', weekly: [[], [], [], [], [], [], []] })).toThrow(BusinessCalendarError);
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
