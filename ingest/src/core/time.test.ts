import { describe, expect, it } from 'vitest';
import { isValidTimeZone, localDateTimeToEpoch } from './time.ts';

describe('localDateTimeToEpoch', () => {
  it.each([
    ['2012-07-04 07:33:21.165823', 'America/Montreal', 1341401601], // Wazo row; the callid 1341401601.24 is the same epoch
    ['2012-07-04 11:33:21', 'UTC', 1341401601],
    ['2026-10-01 08:00:00', 'America/La_Paz', Date.UTC(2026, 9, 1, 12) / 1000],
    ['2026-10-01 08:00:00', 'America/Bogota', Date.UTC(2026, 9, 1, 13) / 1000],
    ['2025-03-09 02:30:00', 'America/New_York', Date.UTC(2025, 2, 9, 7, 30) / 1000], // skipped hour: moves forward
    ['2025-11-02 01:30:00', 'America/New_York', Date.UTC(2025, 10, 2, 5, 30) / 1000], // repeated hour: the first one
    ['2024-02-29 23:59:59', 'Europe/Berlin', Date.UTC(2024, 1, 29, 22, 59, 59) / 1000],
  ])('%s in %s', (text, tz, expected) => {
    expect(localDateTimeToEpoch(text, tz)).toBe(expected);
  });

  it.each(['', '2025-02-30 00:00:00', '2025-01-01 24:00:00', '2025-01-01', '2025-1-01 00:00:00', '1700000000'])('rejects %j', (text) => {
    expect(localDateTimeToEpoch(text, 'UTC')).toBeNull();
  });

  it('knows which zones exist', () => {
    expect([isValidTimeZone('America/La_Paz'), isValidTimeZone('Mars/Olympus')]).toEqual([true, false]);
  });
});
