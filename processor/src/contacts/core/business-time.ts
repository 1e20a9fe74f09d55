// Business seconds of the site calendar (kpi-definitions §15): the time between two instants that
// falls inside the site's opening hours on days that are not holidays of its calendar. Pure.
//
// The read passes the site's open ranges per local day of a window to SQL (the business seconds
// before each day, and the day's ranges as epoch pairs), so ClickHouse computes B(t), the business
// seconds from the window's start to t, with one array lookup and a sum over the day's few ranges;
// a business duration is B(b) - B(a). Each local day is cut by the calendar version in force at
// its noon, so a calendar change applies from the day it takes effect. Days are local to the zone
// of the calendar in force at the window's start.
import { createCalendar, localParts, localToEpoch, type SiteCalendar, type SiteCalendarSpec } from '../../core/calendar.ts';
import { dayNumber, isoDate, isoWeekday } from '../../escalations/holidays/easter.ts';

export interface BusinessDays {
  tz: string;
  /** Civil day number (days since 1970-01-01) of the first local day. */
  day0: number;
  /** Business seconds of the days before day i (i = 0 is day0). */
  before: number[];
  /** Open ranges of day i as epoch seconds [start, end). */
  ranges: Array<Array<[number, number]>>;
  /** Business seconds of every day (B of any instant past the last day). */
  total: number;
}

function ymd(day: number): [number, number, number] {
  return isoDate(day).split('-').map(Number) as [number, number, number];
}

/** The open ranges of every local day from the one containing fromS to the one containing toS - 1. */
export function businessDays(calendarAt: (epochS: number) => SiteCalendarSpec, fromS: number, toS: number): BusinessDays {
  const tz = calendarAt(fromS).tz;
  const p0 = localParts(fromS, tz);
  const day0 = dayNumber(p0.year, p0.month, p0.day);
  const out: BusinessDays = { tz, day0, before: [], ranges: [], total: 0 };
  const built = new Map<string, SiteCalendar>();
  for (let day = day0; ; day++) {
    const [y, m, d] = ymd(day);
    if (localToEpoch(y, m, d, 0, 0, tz) >= toS && day > day0) break;
    const spec = calendarAt(localToEpoch(y, m, d, 12, 0, tz));
    const key = JSON.stringify(spec);
    let cal = built.get(key);
    if (!cal) built.set(key, (cal = createCalendar({ ...spec, tz })));
    out.before.push(out.total);
    const ranges: Array<[number, number]> = [];
    if (!cal.holidays.includes(isoDate(day))) {
      for (const [from, to] of cal.rangesS[isoWeekday(day) - 1] ?? []) {
        const s = localToEpoch(y, m, d, Math.floor(from / 3600), Math.floor((from % 3600) / 60), tz);
        const e = to === 86_400 ? localToEpoch(...ymd(day + 1), 0, 0, tz) : localToEpoch(y, m, d, Math.floor(to / 3600), Math.floor((to % 3600) / 60), tz);
        if (e > s) {
          ranges.push([s, e]);
          out.total += e - s;
        }
      }
    }
    out.ranges.push(ranges);
  }
  return out;
}

/** B(t): business seconds of the days before t's day plus those of its day before t. */
export function businessBefore(b: BusinessDays, t: number): number {
  const p = localParts(t, b.tz);
  const i = dayNumber(p.year, p.month, p.day) - b.day0;
  if (i < 0) return 0;
  if (i >= b.before.length) return b.total;
  let s = b.before[i] as number;
  for (const [from, to] of b.ranges[i] ?? []) s += Math.max(0, Math.min(t, to) - from);
  return s;
}

/** Business seconds in [a, b) (0 when b <= a). */
export function businessSeconds(b: BusinessDays, from: number, to: number): number {
  return to <= from ? 0 : businessBefore(b, to) - businessBefore(b, from);
}
