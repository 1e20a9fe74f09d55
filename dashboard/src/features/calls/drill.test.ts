import { describe, expect, it } from 'vitest';
import { callsHash, figuresOf, localDay, nextDay, todayParams } from './drill.ts';

describe('drill-down links', () => {
  it('a count opens itself, a ratio its numerator and denominator, an average nothing', () => {
    expect([figuresOf('offered'), figuresOf('sl_pct'), figuresOf('abandon_rate_pct'), figuresOf('asa_s'), figuresOf('toString')]).toEqual([
      ['offered'], ['sl_numerator', 'sl_denominator'], ['abandoned', 'offered'], [], [],
    ]);
  });

  it('builds the list hash from the report parameters, leaving out what is not set', () => {
    expect(callsHash({ from: '2026-11-01', to: '2026-12-01', queue: ['101', '10 2'], by: 'day', formula: undefined, threshold: '', period: '2026-11-03' }, 'sl_numerator'))
      .toBe('#/calls?from=2026-11-01&to=2026-12-01&queue=101&queue=10+2&by=day&period=2026-11-03&figure=sl_numerator');
    expect(callsHash({ from: 'a', figure: 'answered' }, 'offered')).toBe('#/calls?from=a&figure=offered');
  });

  it("today in the site's zone, across the UTC midnight", () => {
    const ms = Date.UTC(2026, 10, 4, 2, 30); // 2026-11-03 22:30 in La Paz (UTC-4)
    expect([localDay(ms, 'America/La_Paz'), localDay(ms, 'UTC'), nextDay('2026-12-31'), nextDay('2028-02-28')]).toEqual(['2026-11-03', '2026-11-04', '2027-01-01', '2028-02-29']);
    expect(todayParams('lpz', '101', 'America/La_Paz', ms)).toEqual({ from: '2026-11-03', to: '2026-11-04', tz: 'America/La_Paz', site: 'lpz', queue: '101' });
  });
});
