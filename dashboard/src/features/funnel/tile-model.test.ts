import { describe, expect, it } from 'vitest';
import type { QueueSnapshot } from '@tablero/processor/contract';
import { localDay, nextDay, siteZone, todayQuery } from './tile-model.ts';

describe('funnel tile: today in the site zone', () => {
  // 2026-11-10 02:30 UTC is still 2026-11-09 in La Paz (UTC-4) and Bogotá (UTC-5).
  const MS = Date.UTC(2026, 10, 10, 2, 30);

  it('takes the local date of the zone, not UTC', () => {
    expect([localDay(MS, 'UTC'), localDay(MS, 'America/La_Paz'), localDay(MS, 'Asia/Tokyo')]).toEqual(['2026-11-10', '2026-11-09', '2026-11-10']);
  });

  it('asks from today to tomorrow (exclusive), by day, in that zone; across month and year ends', () => {
    expect(todayQuery(MS, 'America/La_Paz')).toEqual({ from: '2026-11-09', to: '2026-11-10', by: 'day', tz: 'America/La_Paz' });
    expect([nextDay('2026-11-30'), nextDay('2026-12-31'), nextDay('2028-02-28')]).toEqual(['2026-12-01', '2027-01-01', '2028-02-29']);
  });

  it("uses the site calendar's zone of the live snapshots, else their zone, else the browser's", () => {
    const snap = (definition: Record<string, unknown>): QueueSnapshot => ({ definition } as unknown as QueueSnapshot);
    expect(siteZone([snap({ tz: 'UTC', calendar_tz: 'America/Bogota' })], 'Europe/Madrid')).toBe('America/Bogota');
    expect(siteZone([snap({ tz: 'America/La_Paz' })], 'Europe/Madrid')).toBe('America/La_Paz');
    expect(siteZone([], 'Europe/Madrid')).toBe('Europe/Madrid');
  });
});
