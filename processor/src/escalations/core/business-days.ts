// Legal business-day arithmetic for escalation terms (kpi-definitions §6, §8). Pure: instants
// come in as epoch seconds; local dates are civil day numbers (days since 1970-01-01).
//
// Two calendars meet here, and they are kept apart on purpose:
// - The **legal calendar** decides which days count toward a term: the working weekdays (Monday
//   to Friday unless a site setting names others, because a regulator says so) minus the
//   national holidays of the site's country and the site's own holidays. Opening hours never
//   make a day a business day: a center open on Saturday mornings still does not count
//   Saturdays toward Ley 1755 terms ("días hábiles").
// - The **opening hours** of the site calendar only decide when a business day closes (the end
//   of its last opening range): a ticket filed after that close is received the next business
//   day, and a term ends at the due day's close. A business day without opening hours (the
//   default calendar, open 24 h; or a working weekday the center is closed) closes at midnight.
//
// The rules (Colombia's Ley 1755 de 2015 counts "días hábiles" from the day after filing):
// - The day an instant belongs to (`effectiveDay`): its local date when that is a business day
//   and the instant is before the day's close; otherwise the next business day. A ticket filed
//   after hours, on a non-working weekday (a Saturday, even while the center is open) or a
//   holiday is received on the next business day; one filed before opening time that same day.
// - Due day = receipt day + term business days; the ticket is due at that day's close, so a
//   term can never end on a holiday or a non-working day.
// - Age = business days from the receipt day to the day `now` belongs to. Hence age == term on
//   the due day, and overdue <=> now is after the due day's close <=> age > term; days late =
//   age - term.
import { WEEKDAY_NAMES, type Weekday } from '../../contract.ts';
import { createCalendar, localParts, localToEpoch, type SiteCalendarSpec } from '../../core/calendar.ts';
import { dayNumber, isoDate, isoWeekday } from '../holidays/easter.ts';
/** Legal working weekdays unless a site setting names others. */
export const DEFAULT_WORKING_WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

export interface BusinessCalendar {
  readonly tz: string;
  isBusinessDay(day: number): boolean;
  /** Epoch seconds of the close of a day: the end of its last opening range, else the next midnight. */
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

export interface LegalCalendarOptions {
  /** National holidays (`YYYY-MM-DD`) added to the site calendar's own. */
  holidays?: readonly string[];
  /** Default Monday to Friday. */
  workingWeekdays?: readonly Weekday[];
}

/** `spec` is the site calendar: its holidays and its opening hours (for the closes only). */
export function createBusinessCalendar(spec: SiteCalendarSpec, o: LegalCalendarOptions = {}): BusinessCalendar {
  const cal = createCalendar({ tz: spec.tz, ...(spec.weekly ? { weekly: spec.weekly } : {}), holidays: [...(spec.holidays ?? []), ...(o.holidays ?? [])] });
  const holidays = new Set(cal.holidays);
  const working = new Set((o.workingWeekdays ?? DEFAULT_WORKING_WEEKDAYS).map((w) => WEEKDAY_NAMES.indexOf(w) + 1));
  if (working.size === 0) throw new BusinessCalendarError('no working weekday: a term could never end');
  // Close of each weekday in seconds of the local day; 86 400 (midnight) when it has no opening hours.
  const closeS = cal.rangesS.map((ranges) => (ranges.length === 0 ? 86_400 : Math.max(...ranges.map((r) => r[1]))));
  const tz = spec.tz;

  // Memoized: aging thousands of open tickets every tick asks about the same few hundred days.
  const memo = new Map<number, boolean>();
  const isBusinessDay = (day: number): boolean => {
    let b = memo.get(day);
    if (b === undefined) {
      b = working.has(isoWeekday(day)) && !holidays.has(isoDate(day));
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
    const c = closeS[isoWeekday(day) - 1] ?? 86_400;
    const [y, m, d] = isoDate(c === 86_400 ? day + 1 : day).split('-').map(Number) as [number, number, number];
    return c === 86_400 ? localToEpoch(y, m, d, 0, 0, tz) : localToEpoch(y, m, d, Math.floor(c / 3600), Math.floor((c % 3600) / 60), tz);
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
