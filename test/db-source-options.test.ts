// `--source mysql://...` addresses and the asteriskcdrdb settings (README "Pointing it at a real PBX").
import { describe, expect, it } from 'vitest';
import { parseSource } from '../src/commands/start.ts';
import { loadConfig } from '../src/config.ts';

describe('asteriskcdrdb source options', () => {
  it('?cdr= and ?queue_log= choose the tables and leave the address to the driver', () => {
    expect(parseSource('mysql://tablero:s%40creto@pbx:3306/asteriskcdrdb', 'lpz')).toEqual({ db: 'mysql://tablero:s%40creto@pbx:3306/asteriskcdrdb', site: 'lpz' });
    expect(parseSource('mysql://tablero:x@pbx/asteriskcdrdb?queue_log=none', 'lpz')).toEqual({ db: 'mysql://tablero:x@pbx/asteriskcdrdb', site: 'lpz', queueLog: null });
    expect(parseSource('mysql://tablero:x@pbx/asteriskcdrdb?cdr=cdr_2026&queue_log=queuelog', 'lpz')).toEqual({ db: 'mysql://tablero:x@pbx/asteriskcdrdb', site: 'lpz', cdr: 'cdr_2026', queueLog: 'queuelog' });
    expect(() => parseSource('mysql://tablero:x@pbx/asteriskcdrdb?queue_log=a;drop', 'lpz')).toThrow('--source ...?queue_log=a;drop: a table name (letters, digits, _) or none');
    expect(() => parseSource('mysql://tablero:x@pbx/asteriskcdrdb?ssl=1', 'lpz')).toThrow('--source mysql://...?ssl=: unknown parameter (cdr, queue_log)');
  });

  it('overlap windows and the queue_log zone', () => {
    const d = loadConfig({ TZ: 'America/Bogota' });
    expect([d.TABLERO_DB_OVERLAP_S, d.TABLERO_DB_CDR_OVERLAP_S, d.TABLERO_DB_QUEUE_LOG_TZ]).toEqual([600, 14_400, undefined]);
    const c = loadConfig({ TZ: 'America/Bogota', TABLERO_DB_OVERLAP_S: '1800', TABLERO_DB_CDR_OVERLAP_S: '28800', TABLERO_DB_QUEUE_LOG_TZ: 'UTC' });
    expect([c.TABLERO_DB_OVERLAP_S, c.TABLERO_DB_CDR_OVERLAP_S, c.TABLERO_DB_QUEUE_LOG_TZ]).toEqual([1800, 28_800, 'UTC']);
    expect(() => loadConfig({ TZ: 'UTC', TABLERO_DB_OVERLAP_S: '0' })).toThrow('TABLERO_DB_OVERLAP_S: at least 1');
    expect(() => loadConfig({ TZ: 'UTC', TABLERO_DB_QUEUE_LOG_TZ: 'Bogota' })).toThrow('TABLERO_DB_QUEUE_LOG_TZ');
  });
});
