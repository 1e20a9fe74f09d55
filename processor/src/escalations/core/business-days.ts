// Business-day arithmetic over a site calendar (kpi-definitions §6, §8). Pure: instants come in
// as epoch seconds; local dates are civil day numbers (days since 1970-01-01).
//
// The rules (Colombia's Ley 1755 de 2015 counts "días hábiles" from the day after filing):
// - A business day is a local date that is not a holiday and has opening hours.
// - The day an instant belongs to (`effectiveDay`): its local date when that is a business day
//   and the instant is before the day's close (end of its last opening range); otherwise the
//   next business day. A ticket filed after hours, on a weekend or a holiday is received on the
//   next business day; one filed before opening time is received that same day.
// - Due day = receipt day + term business days; the ticket is due at that day's close, so a
//   term can never end on a holiday or a weekend.
// - Age = business days from the receipt day to the day `now` belongs to. Hence age == term on
//   the due day, and overdue <=> now is after the due day's close <=> age > term; days late =
//   age - term.
// A site whose calendar is the default (open 24 h every day, kpi-definitions §11) would count
// weekends; escalations then use Monday to Friday, all day, since legal terms are in días hábiles.
import { createCalendar, localParts, localToEpoch, type SiteCalendarSpec } from '../../core/calendar.ts';
import { dayNumber, isoDate, isoWeekday } from '../holidays/easter.ts';

export interface BusinessCalendar {
  readonly tz: string;
  isBusinessDay(day: number): boolean;
  /** Epoch seconds of the close (end of the last opening range) of a business day. */
  closeOf(day: number): number;
  /** Local civil day number of an instant. */
  dayOf(epochS: number): number;
  effectiveDay(epochS: number): number;
  /** The business day `n` business days after business day `day` (n >= 0). */
  addBusinessDays(day: number, n: number): number;
  /** Business days in (a, b] when b >= a; the negative count of (b, a] when b < a. */
  businessDaysBetween(a: number, b: number): number;
}

export class BusinessCalendarError extends Error {
  override name = 'BusinessCalendarError';
}

const WEEKDAYS_ALL_DAY = [0, 1, 2, 3, 4].map(() => [{ from: '00:00', to: '24:00' }]);

/** `spec` is the site calendar; `extraHolidays` (national lists) are added to its own. */
export function createBusinessCalendar(spec: SiteCalendarSpec, extraHolidays: readonly string[] = []): BusinessCalendar {
  const weekly = spec.weekly ?? [...WEEKDAYS_ALL_DAY, [], []];
  const cal = createCalendar({ tz: spec.tz, weekly, holidays: [...(spec.holidays ?? []), ...extraHolidays] });
  const holidays = new Set(cal.holidays);
  // Close of each weekday in seconds of the local day; null = closed that weekday.
  const closeS = cal.rangesS.map((ranges) => (ranges.length === 0 ? null : Math.max(...ranges.map((r) => r[1]))));
  if (closeS.every((c) => c === null)) throw new BusinessCalendarError('the calendar has no opening hours on any weekday');
  const tz = spec.tz;

  // Memoized: aging thousands of open tickets every tick asks about the same few hundred days.
  const memo = new Map<number, boolean>();
  const isBusinessDay = (day: number): boolean => {
    let b = memo.get(day);
    if (b === undefined) {
      b = closeS[isoWeekday(day) - 1] !== null && !holidays.has(isoDate(day));
      memo.set(day, b);
    }
    return b;
  };
  const nextBusinessDay = (day: number): number => {
    let d = day + 1;
    // A year of holidays in a row would be a broken calendar, not a long wait.
    for (let i = 0; i < 366; i++, d++) if (isBusinessDay(d)) return d;
    throw new BusinessCalendarError(`no business day within a year after ${isoDate(day)}`);
  };
  const closeOf = (day: number): number => {
    const c = closeS[isoWeekday(day) - 1];
    if (c === null || c === undefined) throw new BusinessCalendarError(`${isoDate(day)} has no opening hours`);
    const [y, m, d] = isoDate(day).split('-').map(Number) as [number, number, number];
    if (c === 86_400) {
      const [ny, nm, nd] = isoDate(day + 1).split('-').map(Number) as [number, number, number];
      return localToEpoch(ny, nm, nd, 0, 0, tz);
    }
    return localToEpoch(y, m, d, Math.floor(c / 3600), Math.floor((c % 3600) / 60), tz);
  };
  const dayOf = (epochS: number): number => {
    const p = localParts(epochS, tz);
    return dayNumber(p.year, p.month, p.day);
  };
  return {
    tz,
    isBusinessDay,
    closeOf,
    dayOf,
    effectiveDay(epochS) {
      const d = dayOf(epochS);
      return isBusinessDay(d) && epochS < closeOf(d) ? d : nextBusinessDay(d);
    },
    addBusinessDays(day, n) {
      let d = day;
      for (let i = 0; i < n; i++) d = nextBusinessDay(d);
      return d;
    },
    businessDaysBetween(a, b) {
      if (b < a) return -this.businessDaysBetween(b, a);
      let n = 0;
      for (let d = a + 1; d <= b; d++) if (isBusinessDay(d)) n += 1;
      return n;
    },
  };
}

export interface DueDate {
  /** The business day the ticket counts as received. */
  receipt_day: number;
  due_day: number;
  /** Epoch seconds: the close of the due day. */
  due_s: number;
}

export function dueDate(cal: BusinessCalendar, openedAtS: number, termDays: number): DueDate {
  const receipt = cal.effectiveDay(openedAtS);
  const due = cal.addBusinessDays(receipt, termDays);
  return { receipt_day: receipt, due_day: due, due_s: cal.closeOf(due) };
}

/** Business days from the receipt day to the day `atS` belongs to (0 on the receipt day). */
export function ageInBusinessDays(cal: BusinessCalendar, receiptDay: number, atS: number): number {
  return cal.businessDaysBetween(receiptDay, cal.effectiveDay(atS));
}
