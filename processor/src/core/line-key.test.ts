import { describe, expect, it } from 'vitest';
import { parseQueueLogLine, parseRealtimeLine, type LineOrigin } from '@tablero/ingest';
import type { QueueEvent } from '@tablero/ingest/contract';
import { belowFloor, createLineKeys, knownLine, lineKey, linesStored, releaseStoredLines, rememberLine, restoreFloor } from './line-key.ts';

const T = 1_762_696_800; // 2025-11-09 14:00:00 UTC
const tailed: LineOrigin = { site: 'lpz', source: '/var/log/asterisk/queue_log', fingerprint: 'aaaa', offset: 0, lineNo: 1 };
const imported: LineOrigin = { site: 'lpz', source: 'import:/tmp/queue_log.all', fingerprint: 'bbbb', offset: 123_456, lineNo: 2210 };

function parsed(line: string, at: LineOrigin = tailed): QueueEvent {
  const r = parseQueueLogLine(line, at);
  if (!r.ok) throw new Error(`${line}: ${r.reason}`);
  return r.value;
}

const LINES = [
  `${T}|1762696790.12|ventas|NONE|ENTERQUEUE||3001234567|1`,
  `${T}|1762696790.12|ventas|PJSIP/201|CONNECT|10|1762696800.13|2`,
  `${T}|1762696790.12|ventas|PJSIP/201|COMPLETECALLER|10|95|1`,
  `${T}|NONE|ventas|PJSIP/201|PAUSE|Almuerzo`,
  `${T}|NONE|NONE|NONE|QUEUESTART|`,
  `${T}|1762696790.12|ventas|NONE|FULL`,
];

describe('lineKey: the line as Asterisk writes it, whichever way it came', () => {
  it.each(LINES)('%s', (line) => {
    const a = parsed(line, tailed);
    const b = parsed(`${line}\r`, imported); // another source, offset and a CRLF copy
    expect(a.event_id).not.toBe(b.event_id);
    expect(lineKey(a)).toBe(line);
    expect(lineKey(b)).toBe(line);
  });

  it('a row of a realtime queue_log table export has the key of its file line', () => {
    const row = parseRealtimeLine('2025-11-09 14:00:00|1762696790.12|ventas|NONE|ENTERQUEUE||3001234567|1||', tailed, { timeZone: 'UTC', separator: '|' });
    if (!row.ok) throw new Error(row.reason);
    expect(lineKey(row.value)).toBe(LINES[0]);
  });

  const base = `${T}|1762696790.12|ventas|PJSIP/201|COMPLETECALLER|10|95|1`;
  it.each([
    ['epoch', `${T + 1}|1762696790.12|ventas|PJSIP/201|COMPLETECALLER|10|95|1`],
    ['callid', `${T}|1762696790.13|ventas|PJSIP/201|COMPLETECALLER|10|95|1`],
    ['queue', `${T}|1762696790.12|soporte|PJSIP/201|COMPLETECALLER|10|95|1`],
    ['queue case', `${T}|1762696790.12|Ventas|PJSIP/201|COMPLETECALLER|10|95|1`],
    ['agent', `${T}|1762696790.12|ventas|PJSIP/202|COMPLETECALLER|10|95|1`],
    ['verb', `${T}|1762696790.12|ventas|PJSIP/201|COMPLETEAGENT|10|95|1`],
    ['data1', `${T}|1762696790.12|ventas|PJSIP/201|COMPLETECALLER|11|95|1`],
    ['data2', `${T}|1762696790.12|ventas|PJSIP/201|COMPLETECALLER|10|96|1`],
    ['data3', `${T}|1762696790.12|ventas|PJSIP/201|COMPLETECALLER|10|95|2`],
    ['one more data field', `${T}|1762696790.12|ventas|PJSIP/201|COMPLETECALLER|10|95|1|`],
  ])('differs when the %s differs', (_field, other) => {
    expect(lineKey(parsed(other))).not.toBe(lineKey(parsed(base)));
  });

  it('no data field and one empty data field differ', () => {
    expect(lineKey(parsed(`${T}|c|q|NONE|CUSTOMX`))).not.toBe(lineKey(parsed(`${T}|c|q|NONE|CUSTOMX|`)));
  });
});

describe('line key memory', () => {
  const ev = (site: string, ts: number): Pick<QueueEvent, 'site' | 'ts'> => ({ site, ts });

  it('knows an applied line per site; memory answers from the newest line minus the window', () => {
    const m = createLineKeys(600);
    rememberLine(m, ev('lpz', T), 'k1', 1);
    expect([knownLine(m, 'lpz', 'k1'), knownLine(m, 'scz', 'k1'), knownLine(m, 'lpz', 'k2')]).toEqual([true, false, false]);
    expect(belowFloor(m, ev('lpz', T - 600))).toBe(false);
    rememberLine(m, ev('lpz', T + 601), 'k2', 1);
    expect(belowFloor(m, ev('lpz', T))).toBe(true); // T < T + 601 - 600
    expect(belowFloor(m, ev('lpz', T + 1))).toBe(false);
    expect(belowFloor(m, ev('scz', 0))).toBe(false); // a site never seen has nothing stored
  });

  it('keeps a line below the floor until its commit is stored and released, then leaves it to storage', () => {
    const m = createLineKeys(600);
    rememberLine(m, ev('lpz', T), 'old', 1);
    rememberLine(m, ev('lpz', T + 3600), 'new', 2);
    rememberLine(m, ev('lpz', T + 10), 'late', 2); // below the floor when applied
    releaseStoredLines(m);
    expect(['old', 'new', 'late'].map((k) => knownLine(m, 'lpz', k))).toEqual([true, true, true]); // nothing stored yet
    linesStored(m, 1);
    expect(knownLine(m, 'lpz', 'old')).toBe(true); // stored, but kept until the next release
    releaseStoredLines(m);
    expect(['old', 'new', 'late'].map((k) => knownLine(m, 'lpz', k))).toEqual([false, true, true]);
    linesStored(m, 2);
    releaseStoredLines(m);
    expect(['old', 'new', 'late'].map((k) => knownLine(m, 'lpz', k))).toEqual([false, true, false]);
  });

  it('a restart floor sends older lines to storage', () => {
    const m = createLineKeys(600);
    restoreFloor(m, 'lpz', T);
    rememberLine(m, ev('lpz', T + 5), 'replayed', 0);
    expect([belowFloor(m, ev('lpz', T - 1)), belowFloor(m, ev('lpz', T)), knownLine(m, 'lpz', 'replayed')]).toEqual([true, false, true]);
  });

  it('rejects a negative window', () => {
    expect(() => createLineKeys(-1)).toThrow(RangeError);
  });
});
