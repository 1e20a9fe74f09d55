// Site calendar (kpi-definitions §6) and local period keys. Pure: time comes in as epoch
// seconds; time zones through Intl (no dependency), so DST follows the platform's tz data.

export type PeriodBy = 'month' | 'day' | 'hour' | 'interval';

/** Opening range on one weekday, local wall clock `HH:MM`, half-open [from, to); `to` may be `24:00`. */
export interface OpeningRange {
  from: string;
  to: string;
}

export interface SiteCalendarSpec {
  tz: string;
  /** Index 0 = Monday ... 6 = Sunday (ISO order). Missing = the default (open 24 h every day). */
  weekly?: OpeningRange[][];
  /** Local dates `YYYY-MM-DD` on which the site is closed all day. */
  holidays?: string[];
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 1 = Monday ... 7 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Throws a RangeError for an unknown time zone (Intl's own check). */
export function assertTimeZone(tz: string): void {
  formatter(tz);
}

export function localParts(epochS: number, tz: string): LocalParts {
  const out: LocalParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: 0 };
  for (const p of formatter(tz).formatToParts(epochS * 1000)) {
    switch (p.type) {
      case 'year': out.year = Number(p.value); break;
      case 'month': out.month = Number(p.value); break;
      case 'day': out.day = Number(p.value); break;
      case 'hour': out.hour = Number(p.value); break;
      case 'minute': out.minute = Number(p.value); break;
      case 'second': out.second = Number(p.value); break;
      case 'weekday': out.weekday = WEEKDAYS[p.value] ?? 0; break;
      default: break;
    }
  }
  return out;
}

/** Seconds to add to UTC to get the local wall clock at `epochS`. */
export function utcOffsetS(epochS: number, tz: string): number {
  const p = localParts(epochS, tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000 - epochS;
}

/** Epoch of a local wall-clock time; in a DST gap the instant after the gap, in an overlap the first. */
export function localToEpoch(year: number, month: number, day: number, hour: number, minute: number, tz: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, 0) / 1000;
  const t1 = wall - utcOffsetS(wall, tz);
  const t2 = wall - utcOffsetS(t1, tz);
  // Overlap (fall back): the earlier instant with that wall clock wins.
  const earlier = Math.min(t1, t2);
  return earlier + utcOffsetS(earlier, tz) === wall ? earlier : Math.max(t1, t2);
}

/** Epoch of the site's local midnight that starts the day containing `epochS`. */
export function startOfLocalDay(epochS: number, tz: string): number {
  const p = localParts(epochS, tz);
  return localToEpoch(p.year, p.month, p.day, 0, 0, tz);
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * Local period key of a stint time. 15-minute intervals are taken on the local wall clock (all
 * current UTC offsets are multiples of 15 minutes, so they are also 900 s aligned in UTC).
 * In a DST fall-back hour two real hours share one local key: they are merged, as any local report does.
 */
export function periodKey(epochS: number, by: PeriodBy, tz: string): string {
  const p = localParts(epochS, tz);
  const month = `${String(p.year).padStart(4, '0')}-${pad2(p.month)}`;
  if (by === 'month') return month;
  const day = `${month}-${pad2(p.day)}`;
  if (by === 'day') return day;
  const hour = `${day}T${pad2(p.hour)}`;
  if (by === 'hour') return hour;
  return `${hour}:${pad2(p.minute - (p.minute % 15))}`;
}

export interface SiteCalendar {
  readonly tz: string;
  /** True when the default calendar applies (open 24 h, no holidays): nothing is out of hours. */
  readonly alwaysOpen: boolean;
  isInHours(epochS: number): boolean;
  /** Weekly ranges in seconds of the local day, index 0 = Monday; for SQL parameters. */
  readonly rangesS: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  readonly holidays: readonly string[];
}

export class CalendarError extends Error {
  override name = 'CalendarError';
}

function parseHhMm(s: string, field: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  if (!m) throw new CalendarError(`bad time ${field}: ${s}`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) throw new CalendarError(`bad time ${field}: ${s}`);
  return h * 3600 + min * 60;
}

const CALENDAR_FIELDS = ['tz', 'weekly', 'holidays'];

export function createCalendar(spec: SiteCalendarSpec): SiteCalendar {
  // Specs come from admins as JSON: a misspelt field would silently leave the site open 24 h.
  for (const key of Object.keys(spec)) {
    if (!CALENDAR_FIELDS.includes(key)) throw new CalendarError(`unknown calendar field '${key}' (expected ${CALENDAR_FIELDS.join(', ')})`);
  }
  assertTimeZone(spec.tz);
  const holidays = [...(spec.holidays ?? [])];
  for (const h of holidays) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(h)) throw new CalendarError(`bad holiday date: ${h}`);
  }
  const weekly = spec.weekly;
  if (weekly && weekly.length !== 7) throw new CalendarError('weekly must have 7 days (Monday first)');
  const rangesS: Array<Array<readonly [number, number]>> = [];
  for (let d = 0; d < 7; d++) {
    const day = weekly ? (weekly[d] ?? []) : [{ from: '00:00', to: '24:00' }];
    rangesS.push(
      day.map((r, i) => {
        const from = parseHhMm(r.from, `weekly[${d}][${i}].from`);
        const to = parseHhMm(r.to, `weekly[${d}][${i}].to`);
        if (to <= from) throw new CalendarError(`empty range weekly[${d}][${i}]: ${r.from}-${r.to}`);
        return [from, to] as const;
      }),
    );
  }
  const alwaysOpen = holidays.length === 0 && rangesS.every((d) => d.length === 1 && d[0]?.[0] === 0 && d[0]?.[1] === 86400);
  const holidaySet = new Set(holidays);
  return {
    tz: spec.tz,
    alwaysOpen,
    rangesS,
    holidays,
    isInHours(epochS: number): boolean {
      if (alwaysOpen) return true;
      const p = localParts(epochS, spec.tz);
      if (holidaySet.has(`${String(p.year).padStart(4, '0')}-${pad2(p.month)}-${pad2(p.day)}`)) return false;
      const sod = p.hour * 3600 + p.minute * 60 + p.second;
      return (rangesS[p.weekday - 1] ?? []).some(([from, to]) => from <= sod && sod < to);
    },
  };
}

/** The default calendar of kpi-definitions §11: open 24 hours every day, no holidays. */
export function defaultCalendar(tz: string): SiteCalendar {
  return createCalendar({ tz });
}
