// Local-time arithmetic and the daily traffic curve of the simulated site. Pure: epochs in,
// factors out. The curve is in the site's local time because callers follow the local clock.

/** Converts UTC epochs to the site's local wall clock; offsets are cached per 15-minute bucket. */
export class SiteClock {
  readonly tz: string;
  private readonly fmt: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  /** Throws RangeError when `tz` is not an IANA zone name the runtime knows. */
  constructor(tz: string) {
    this.tz = tz;
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Seconds to add to a UTC epoch to get the local wall-clock "epoch". */
  offsetS(epochS: number): number {
    // Zone transitions happen on quarter hours, so one lookup per 15-minute bucket is exact.
    const bucket = Math.floor(epochS / 900);
    const cached = this.offsets.get(bucket);
    if (cached !== undefined) return cached;
    const at = bucket * 900;
    const parts: Record<string, number> = {};
    for (const p of this.fmt.formatToParts(new Date(at * 1000))) {
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    }
    const localMs = Date.UTC(
      parts['year'] ?? 1970,
      (parts['month'] ?? 1) - 1,
      parts['day'] ?? 1,
      parts['hour'] ?? 0,
      parts['minute'] ?? 0,
      parts['second'] ?? 0,
    );
    const off = Math.round(localMs / 1000 - at);
    if (this.offsets.size > 100_000) this.offsets.clear();
    this.offsets.set(bucket, off);
    return off;
  }

  /** Local wall-clock seconds (as if the local time were UTC). */
  toLocal(epochS: number): number {
    return epochS + this.offsetS(epochS);
  }

  /** The UTC epoch whose local wall clock reads `localS` (the later one across a DST gap). */
  fromLocal(localS: number): number {
    const guess = localS - this.offsetS(localS);
    return localS - this.offsetS(guess);
  }

  /** Local day start (00:00) as local seconds, and weekday (0 = Sunday) of that day. */
  localDay(epochS: number): { dayLocalS: number; weekday: number } {
    const local = this.toLocal(epochS);
    const dayLocalS = Math.floor(local / 86_400) * 86_400;
    // 1970-01-01 was a Thursday (4).
    const weekday = (((Math.floor(dayLocalS / 86_400) + 4) % 7) + 7) % 7;
    return { dayLocalS, weekday };
  }
}

/**
 * Weekday call volume per local hour, as a multiple of `callsPerHour` (so `callsPerHour` is the
 * rate of the busiest hour, 10:00): a morning peak, a lunch dip, a smaller afternoon peak, and a
 * quiet night that never drops to zero.
 */
export const WEEKDAY_HOURLY: readonly number[] = [
  0.03, 0.02, 0.02, 0.02, 0.03, 0.05, 0.12, 0.35, // 00-07
  0.65, 0.9, 1.0, 0.92, 0.7, 0.62, 0.72, 0.74, // 08-15
  0.62, 0.45, 0.25, 0.16, 0.1, 0.07, 0.05, 0.04, // 16-23
];
/** Saturday and Sunday volumes relative to a weekday at the same hour. */
export const SATURDAY_SCALE = 0.45;
export const SUNDAY_SCALE = 0.2;

export type CurveKind = 'daily' | 'flat';

/** Multiple of `callsPerHour` at a local weekday (0 = Sunday) and hour (0-23). */
export function curveFactor(kind: CurveKind, weekday: number, hour: number): number {
  if (kind === 'flat') return 1;
  const base = WEEKDAY_HOURLY[hour] ?? 0;
  if (weekday === 6) return base * SATURDAY_SCALE;
  if (weekday === 0) return base * SUNDAY_SCALE;
  return base;
}

/** The largest factor the curve reaches: the envelope for thinning the arrival process. */
export function curveMax(kind: CurveKind): number {
  return kind === 'flat' ? 1 : Math.max(...WEEKDAY_HOURLY);
}

/** Curve factor at a UTC epoch, read in the site's local time. */
export function curveAt(kind: CurveKind, clock: SiteClock, epochS: number): number {
  if (kind === 'flat') return 1;
  const { dayLocalS, weekday } = clock.localDay(epochS);
  const hour = Math.floor((clock.toLocal(epochS) - dayLocalS) / 3600);
  return curveFactor(kind, weekday, hour);
}
