import { describe, expect, it } from 'vitest';
import { curveAt, curveFactor, curveMax, SiteClock, WEEKDAY_HOURLY } from './calendar.ts';

describe('SiteClock', () => {
  it('converts with a fixed zone (La Paz, UTC-4, no DST)', () => {
    const c = new SiteClock('America/La_Paz');
    const monday10 = Date.UTC(2026, 9, 5, 14) / 1000; // 10:00 in La Paz
    expect(c.offsetS(monday10)).toBe(-4 * 3600);
    expect(c.localDay(monday10)).toEqual({ dayLocalS: Date.UTC(2026, 9, 5) / 1000, weekday: 1 });
    expect(c.fromLocal(Date.UTC(2026, 9, 5, 10) / 1000)).toBe(monday10);
  });

  it('follows DST changes (Bogotá has none, Santiago switches in September 2026)', () => {
    const santiago = new SiteClock('America/Santiago');
    expect(santiago.offsetS(Date.UTC(2026, 6, 1) / 1000)).toBe(-4 * 3600);
    expect(santiago.offsetS(Date.UTC(2026, 11, 1) / 1000)).toBe(-3 * 3600);
    expect(new SiteClock('America/Bogota').offsetS(Date.UTC(2026, 11, 1) / 1000)).toBe(-5 * 3600);
  });

  it('gives the weekday of the local day, not of UTC', () => {
    const c = new SiteClock('America/La_Paz');
    // Tuesday 02:00 UTC is still Monday 22:00 in La Paz.
    expect(c.localDay(Date.UTC(2026, 9, 6, 2) / 1000).weekday).toBe(1);
  });

  it('throws RangeError for an unknown zone', () => {
    expect(() => new SiteClock('Not/AZone')).toThrow(RangeError);
  });
});

describe('daily curve', () => {
  it('peaks at 1.0 at 10:00 on weekdays, with a quiet night and scaled weekends', () => {
    expect(curveMax('daily')).toBe(1);
    expect(WEEKDAY_HOURLY.indexOf(1)).toBe(10);
    expect(curveFactor('daily', 3, 10)).toBe(1);
    expect(curveFactor('daily', 3, 3)).toBe(0.02);
    expect(curveFactor('daily', 6, 10)).toBeCloseTo(0.45, 10);
    expect(curveFactor('daily', 0, 10)).toBeCloseTo(0.2, 10);
    expect(curveFactor('flat', 0, 3)).toBe(1);
  });

  it('reads the curve in the site zone', () => {
    const lapaz = new SiteClock('America/La_Paz');
    expect(curveAt('daily', lapaz, Date.UTC(2026, 9, 5, 14, 30) / 1000)).toBe(1); // 10:30 local
    expect(curveAt('daily', lapaz, Date.UTC(2026, 9, 5, 10, 30) / 1000)).toBe(0.12); // 06:30 local
  });
});
