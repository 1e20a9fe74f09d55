import { describe, expect, it } from 'vitest';
import { epochToLocalDateTime, localDateTimeToEpoch } from '../core/time.ts';
import { cellEpoch, sourceName } from './db-source.ts';

describe('asteriskcdrdb source cells', () => {
  it('a time cell is a local date-time (fractions dropped) or epoch digits', () => {
    const t = Date.UTC(2026, 10, 9, 14, 0, 5) / 1000;
    expect(cellEpoch('2026-11-09 09:00:05.250000', 'America/Bogota')).toBe(t);
    expect(cellEpoch('2026-11-09 14:00:05', 'UTC')).toBe(t);
    expect(cellEpoch(` ${t} `, 'America/Bogota')).toBe(t);
    expect(cellEpoch('ayer', 'UTC')).toBeNull();
    expect(cellEpoch('', 'UTC')).toBeNull();
  });

  it('the window bound is written back in the column zone', () => {
    const t = Date.UTC(2026, 10, 9, 4, 30, 0) / 1000;
    expect(epochToLocalDateTime(t, 'America/La_Paz')).toBe('2026-11-09 00:30:00');
    expect(epochToLocalDateTime(t, 'UTC')).toBe('2026-11-09 04:30:00');
    expect(localDateTimeToEpoch(epochToLocalDateTime(t + 0.75, 'America/Bogota'), 'America/Bogota')).toBe(t);
  });

  it('the source name leaves the password out', () => {
    expect(sourceName('mysql://tablero:secreto@pbx:3306/asteriskcdrdb', 'queue_log')).toBe('mysql://tablero@pbx:3306/asteriskcdrdb.queue_log');
  });
});
