import { describe, expect, it } from 'vitest';
import { parseQueueLogLine, parseRealtimeLine, type LineOrigin } from '@tablero/ingest';
import type { QueueEvent } from '@tablero/ingest/contract';
import { addHash, belowFloor, createHashSet53, createLineKeys, deleteHash, hasHash, knownLine, lineHash, lineKey, linesStored, releaseStoredLines, rememberLine, restoreFloor } from './line-key.ts';

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
    expect(lineHash(b)).toBe(lineHash(a));
  });

  it('a row of a realtime queue_log table export has the key of its file line', () => {
    const row = parseRealtimeLine('2025-11-09 14:00:00|1762696790.12|ventas|NONE|ENTERQUEUE||3001234567|1||', tailed, { timeZone: 'UTC', separator: '|' });
    if (!row.ok) throw new Error(row.reason);
    expect(lineKey(row.value)).toBe(LINES[0]);
    expect(lineHash(row.value)).toBe(lineHash(parsed(LINES[0] as string)));
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
    ['a field boundary', `${T}|1762696790.12|ventas|PJSIP/201|COMPLETECALLER|109|5|1`],
  ])('differs when the %s differs (key and hash)', (_field, other) => {
    expect(lineKey(parsed(other))).not.toBe(lineKey(parsed(base)));
    expect(lineHash(parsed(other))).not.toBe(lineHash(parsed(base)));
  });

  it('no data field and one empty data field differ', () => {
    const [a, b] = [parsed(`${T}|c|q|NONE|CUSTOMX`), parsed(`${T}|c|q|NONE|CUSTOMX|`)];
    expect([lineKey(a) === lineKey(b), lineHash(a) === lineHash(b)]).toEqual([false, false]);
  });

  it('hashes 100,000 different lines to 100,000 different 53-bit integers', () => {
    const hashes = new Set<number>();
    let unsafe = 0;
    for (let i = 0; i < 100_000; i++) {
      const h = lineHash({ ts: T + (i % 600), callid: `${T}.${i >> 3}`, queue: 'ventas', agent: `PJSIP/${200 + (i % 7)}`, verb: 'RINGNOANSWER', data: [String(i % 30_000)] });
      if (!Number.isSafeInteger(h) || h < 0) unsafe += 1;
      hashes.add(h);
    }
    expect([hashes.size, unsafe]).toEqual([100_000, 0]);
  });
});

describe('HashSet53', () => {
  it('agrees with a Set<number> through 200,000 random adds and deletes, growing from 16 slots', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    // Few distinct values, many collisions on the low bits: runs and wrap-around get exercised.
    const values = Array.from({ length: 3000 }, (_, i) => (i % 5 === 0 ? i * 2 ** 32 : rnd() * 2 ** 22 + rnd()));
    const set = createHashSet53(1);
    const ref = new Set<number>();
    let disagreements = 0;
    for (let i = 0; i < 200_000; i++) {
      const v = values[rnd() % values.length] as number;
      if (rnd() % 3 === 0) {
        deleteHash(set, v);
        ref.delete(v);
      } else {
        addHash(set, v);
        ref.add(v);
      }
      const probe = values[rnd() % values.length] as number;
      if (hasHash(set, probe) !== ref.has(probe)) disagreements += 1;
    }
    expect([disagreements, set.size]).toEqual([0, ref.size]);
    expect(values.filter((v) => hasHash(set, v) !== ref.has(v))).toEqual([]);
  });
});

describe('line key memory', () => {
  const ev = (site: string, ts: number): Pick<QueueEvent, 'site' | 'ts'> => ({ site, ts });

  it('knows an applied line per site; memory answers from the newest line minus the window', () => {
    const m = createLineKeys(600);
    rememberLine(m, ev('lpz', T), 1, 1);
    expect([knownLine(m, 'lpz', 1), knownLine(m, 'scz', 1), knownLine(m, 'lpz', 2)]).toEqual([true, false, false]);
    expect(belowFloor(m, ev('lpz', T - 600))).toBe(false);
    rememberLine(m, ev('lpz', T + 601), 2, 1);
    expect(belowFloor(m, ev('lpz', T))).toBe(true); // T < T + 601 - 600
    expect(belowFloor(m, ev('lpz', T + 1))).toBe(false);
    expect(belowFloor(m, ev('scz', 0))).toBe(false); // a site never seen has nothing stored
  });

  it('keeps a line below the floor until its commit is stored and released, then leaves it to storage', () => {
    const m = createLineKeys(600);
    const [old, fresh, late] = [1, 2, 3];
    rememberLine(m, ev('lpz', T), old, 1);
    rememberLine(m, ev('lpz', T + 3600), fresh, 2);
    rememberLine(m, ev('lpz', T + 10), late, 2); // below the floor when applied
    releaseStoredLines(m);
    expect([old, fresh, late].map((k) => knownLine(m, 'lpz', k))).toEqual([true, true, true]); // nothing stored yet
    linesStored(m, 1);
    expect(knownLine(m, 'lpz', old)).toBe(true); // stored, but kept until the next release
    releaseStoredLines(m);
    expect([old, fresh, late].map((k) => knownLine(m, 'lpz', k))).toEqual([false, true, true]);
    linesStored(m, 2);
    releaseStoredLines(m);
    expect([old, fresh, late].map((k) => knownLine(m, 'lpz', k))).toEqual([false, true, false]);
  });

  it('a restart floor sends older lines to storage', () => {
    const m = createLineKeys(600);
    restoreFloor(m, 'lpz', T);
    rememberLine(m, ev('lpz', T + 5), 7, 0);
    expect([belowFloor(m, ev('lpz', T - 1)), belowFloor(m, ev('lpz', T)), knownLine(m, 'lpz', 7)]).toEqual([true, false, true]);
  });

  it('rejects a negative window', () => {
    expect(() => createLineKeys(-1)).toThrow(RangeError);
  });
});
