// Wall-clock text in an IANA zone -> epoch seconds. Pure (Intl's tz database, no clock).
// Realtime queue_log rows and CDR dates are local wall-clock strings; the file queue_log is epoch.

const formats = new Map<string, Intl.DateTimeFormat>();

function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formats.set(tz, f);
  }
  return f;
}

/** True when `tz` is an IANA zone name this runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  try {
    format(tz);
    return true;
  } catch {
    return false;
  }
}

/**
 * Offsets already computed, per zone and quarter hour: every zone's offset changes only at a
 * multiple of 15 minutes (IANA transitions), so one Intl call answers a whole quarter hour. A CDR
 * file has three local dates per row, mostly in the same hours: without this, the Intl call was
 * 90 % of parsing a CDR row in a zone other than UTC (15,000 rows/s against 130,000).
 */
const QUARTER_MS = 15 * 60 * 1000;
const offsets = new Map<string, Map<number, number>>();
const MAX_OFFSETS_PER_ZONE = 100_000;

/** Zone offset (ms east of UTC) at a UTC instant. */
function offsetMs(tz: string, utcMs: number): number {
  let zone = offsets.get(tz);
  if (!zone) offsets.set(tz, (zone = new Map()));
  const quarter = Math.floor(utcMs / QUARTER_MS);
  let o = zone.get(quarter);
  if (o === undefined) {
    o = intlOffsetMs(tz, quarter * QUARTER_MS);
    if (zone.size >= MAX_OFFSETS_PER_ZONE) zone.clear();
    zone.set(quarter, o);
  }
  return o;
}

function intlOffsetMs(tz: string, utcMs: number): number {
  const p: Record<string, number> = {};
  for (const part of format(tz).formatToParts(new Date(utcMs))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year as number, (p.month as number) - 1, p.day as number, p.hour as number, p.minute as number, p.second as number);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/**
 * `YYYY-MM-DD HH:MM:SS[.ffffff]` in `tz` -> whole epoch seconds (the fraction is dropped, like
 * the file queue_log's `time(NULL)`), or null when the text is not such a date. A time in the
 * skipped hour of a DST change maps forward; an ambiguous one (repeated hour) takes the first.
 */
export function localDateTimeToEpoch(text: string, tz: string): number | null {
  const m = DATETIME.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const guess = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(guess).getUTCDate() !== d) return null; // 2025-02-30
  if (tz === 'UTC' || tz === 'Etc/UTC' || tz === 'GMT') return guess / 1000;
  const o1 = offsetMs(tz, guess);
  let t = guess - o1;
  const o2 = offsetMs(tz, t);
  if (o2 !== o1) {
    const t2 = guess - o2;
    // Ambiguous: both readings are valid; take the earlier instant. Skipped: keep the first.
    if (offsetMs(tz, t2) === o2) t = Math.min(t, t2);
  }
  return t / 1000;
}

/** The wall-clock text `YYYY-MM-DD HH:MM:SS` of an epoch in `tz` (inverse of localDateTimeToEpoch). */
export function epochToLocalDateTime(epochS: number, tz: string): string {
  const ms = Math.floor(epochS) * 1000;
  const local = tz === 'UTC' || tz === 'Etc/UTC' || tz === 'GMT' ? ms : ms + offsetMs(tz, ms);
  return new Date(local).toISOString().slice(0, 19).replace('T', ' ');
}
