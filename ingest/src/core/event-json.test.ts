import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueueEvent } from '../contract.ts';
import { jsonString, queueEventSerializer } from './event-json.ts';
import { parseQueueLogLine, type LineOrigin } from './queue-log.ts';
import { parseRealtimeLine } from './realtime.ts';
import { realFixture } from '../real-fixtures.ts';

const FIXTURE = realFixture('DareDevinX__AsteriskReport__Testdaten.txt');
const at: LineOrigin = { site: 'hq', source: '/var/log/asterisk/queue_log', fingerprint: '0123456789abcdef', offset: 0, lineNo: 0 };

describe('jsonString', () => {
  it.each([
    ['', '""'],
    ['plain text', '"plain text"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['tab\there', '"tab\\there"'],
    ['bell\u0007', '"bell\\u0007"'],
    ['del\u007f stays', '"del\u007f stays"'],
    ['ñandú €', '"ñandú €"'],
    ['pair 😀', '"pair 😀"'],
    ['lone \ud83d high', '"lone \\ud83d high"'],
    ['lone \ude00 low', '"lone \\ude00 low"'],
  ])('%j -> %s', (input, expected) => {
    expect(jsonString(input)).toBe(expected);
    expect(jsonString(input)).toBe(JSON.stringify(input));
  });
});

describe('queueEventSerializer', () => {
  it('writes every event of the real 1.4 fixture exactly as JSON.stringify does, plain or not', () => {
    const toJson = queueEventSerializer();
    const lines = readFileSync(FIXTURE, 'utf8').split('\n');
    let offset = 0;
    let n = 0;
    for (const line of lines) {
      const r = parseQueueLogLine(line, { ...at, offset });
      offset += Buffer.byteLength(line) + 1;
      if (!r.ok) throw new Error(`fixture line rejected: ${r.reason}`);
      expect(toJson(r.value, false)).toBe(JSON.stringify(r.value));
      expect(toJson(r.value, true)).toBe(JSON.stringify(r.value));
      n++;
    }
    expect(n).toBe(278);
  });

  it('writes events of realtime rows (same key order) and of every shape of data exactly as JSON.stringify', () => {
    const toJson = queueEventSerializer();
    const cases = [
      parseRealtimeLine('2012-07-04 13:33:21.123456|1341401601.24|q1|Agent/1002|CONNECT|2|1341401601.27|1', at, { timeZone: 'America/Montreal', separator: '|' }),
      parseQueueLogLine('1700000000|1.1|q1|NONE|ENTERQUEUE||"Ana" <555>|2|Ana \\ Maria', at),
      parseQueueLogLine('1700000000|NONE|q1|SIP/1|PAUSE|Break|10\tmin', at),
      parseQueueLogLine('1700000000|1.1|q1|NONE|EXITWITHTIMEOUT|3', at),
      parseQueueLogLine('1700000000|1.1|q1|NONE|MYVERB', at),
    ];
    for (const r of cases) {
      if (!r.ok) throw new Error(r.reason);
      expect(toJson(r.value)).toBe(JSON.stringify(r.value));
    }
  });

  it('keeps the site/source cache correct when they change between events', () => {
    const toJson = queueEventSerializer();
    const a = parseQueueLogLine('1700000000|1.1|q1|NONE|ABANDON|1|1|5', { ...at, site: 'a', source: 'x' });
    const b = parseQueueLogLine('1700000000|1.1|q1|NONE|ABANDON|1|1|5', { ...at, site: 'b', source: 'x' });
    const c = parseQueueLogLine('1700000000|1.1|q1|NONE|ABANDON|1|1|5', { ...at, site: 'b', source: 'y "quoted"' });
    for (const r of [a, b, c, a]) {
      if (!r.ok) throw new Error(r.reason);
      expect(toJson(r.value)).toBe(JSON.stringify(r.value));
    }
  });

  it('equals JSON.stringify for arbitrary field values (any Unicode, controls, lone surrogates)', () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\ud800', '\udfff', '|'), fc.constant('a'), fc.string({ unit: 'binary', maxLength: 1 })), maxLength: 12 });
    const num = fc.oneof(fc.constant(null), fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.constant(-0));
    const event = fc.record({
      event_id: text, site: text, source: text, offset: fc.nat(), ts: fc.nat(), callid: text, queue: text, agent: text, verb: text,
      custom: fc.boolean(), wait_s: num, talk_s: num, ring_ms: num, position: num, orig_position: num, caller: text, info: text,
      data: fc.array(text, { maxLength: 6 }),
    });
    const toJson = queueEventSerializer();
    fc.assert(
      fc.property(event, (e: QueueEvent) => {
        expect(toJson(e)).toBe(JSON.stringify(e));
      }),
      { numRuns: 2000 },
    );
  });
});
