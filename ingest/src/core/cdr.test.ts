import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CdrRecord } from '../contract.ts';
import { parseCdrLine } from './cdr.ts';
import { cdrKind } from './kind-registry.ts';
import type { LineOrigin } from './queue-log.ts';
import { realFixture } from '../real-fixtures.ts';

const at: LineOrigin = { site: 's1', source: 'Master.csv', fingerprint: 'fp', offset: 0, lineNo: 1 };
const utc = { timeZone: 'UTC' };
const epoch = (s: string): number => Date.parse(`${s.replace(' ', 'T')}Z`) / 1000;

/** Parses a fixture the way the tail and import do: split on `\n`, decode with the CDR kind (Latin-1 fallback). */
function parseFixture(name: string): Array<ReturnType<typeof parseCdrLine>> {
  const bytes = readFileSync(realFixture(name));
  const kind = cdrKind('UTC');
  const out: Array<ReturnType<typeof parseCdrLine>> = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(10, start);
    if (end < 0) end = bytes.length;
    out.push(kind.parse(kind.decode(bytes, start, end), { ...at, offset: start }));
    start = end + 1;
  }
  return out;
}
function records(name: string): CdrRecord[] {
  return parseFixture(name).map((r) => {
    if (!r.ok) throw new Error(`${name}: rejected ${r.reason}: ${r.line}`);
    return r.value;
  });
}
function count<T>(xs: T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
}

describe('CDR fixtures parse with zero rejections', () => {
  it.each([
    ['mineevburyat__dj-asterisk-cdr__Master.csv', 84, 'csv21', { ANSWERED: 37, 'NO ANSWER': 46, BUSY: 1 }, 45],
    ['BugaDM__TelephonySwitching__Master.csv', 105, 'csv18', { ANSWERED: 94, 'NO ANSWER': 7, FAILED: 2, BUSY: 2 }, 6],
    ['simularent__asterisk-for-speech-to-text__Master.csv', 269, 'csv18', { ANSWERED: 245, 'NO ANSWER': 16, BUSY: 8 }, 19],
    ['tejdeepsingh__hackathon2025__Master.csv', 33, 'csv18', { ANSWERED: 33 }, 0],
    ['KelySaina__cdr__Master.csv', 14, 'custom19', { ANSWERED: 11, 'NO ANSWER': 3 }, 3],
    ['asterisk__testsuite__self_test_Master.csv', 2, 'csv18', { ANSWERED: 2 }, 0],
    ['asterisk__testsuite__cdrlib_good.csv', 5, 'csv18', { ANSWERED: 2, FAILED: 1, 'NO ANSWER': 1, BUSY: 1 }, 0],
  ])('%s: %i rows, %s', (name, rows, layout, dispositions, unanswered) => {
    const recs = records(name);
    expect(recs.length).toBe(rows);
    expect(count(recs, (r) => r.layout)).toEqual({ [layout]: rows });
    expect(count(recs, (r) => r.disposition)).toEqual(dispositions);
    expect(recs.filter((r) => r.answer === null).length).toBe(unanswered);
  });

  it('mineevburyat: Latin-1 caller names, doubled quotes, systemname uniqueids and a sequence restart', () => {
    const recs = records('mineevburyat__dj-asterisk-cdr__Master.csv');
    expect(recs.some((r) => r.clid.includes('8107924651\u00a5\u00a5b'))).toBe(true);
    expect(recs[0]).toMatchObject({
      clid: '"89245555937" <89245555937>', src: '89245555937', dst: '211474', lastapp: 'Hangup', start: epoch('2024-01-27 15:07:24'),
      answer: epoch('2024-01-27 15:07:24'), end: epoch('2024-01-27 15:07:51'), duration: 27, billsec: 27, uniqueid: '1706368044.0',
      userfield: '', peeraccount: '', linkedid: '1706368044.0', sequence: 0,
    });
    expect(recs[42]?.uniqueid.startsWith('mainserverdss-')).toBe(true);
    expect(recs[42]?.sequence).toBe(0);
  });

  it('BugaDM: commas inside quoted lastdata', () => {
    const recs = records('BugaDM__TelephonySwitching__Master.csv');
    expect(recs.some((r) => r.lastdata === 'appoint,,15,,2,10')).toBe(true);
    expect(recs.filter((r) => r.accountcode === '100').length).toBe(5);
  });

  it('KelySaina: the cdr_custom column order with quoted durations', () => {
    expect(records('KelySaina__cdr__Master.csv')[0]).toEqual({
      event_id: 'fp:0', site: 's1', source: 'Master.csv', offset: 0, layout: 'custom19',
      accountcode: '', src: 'client1', dst: '6789', dcontext: 'default', clid: '"" <client1>', channel: 'PJSIP/client1-00000002',
      dstchannel: 'PJSIP/client2-00000003', lastapp: 'Dial', lastdata: 'PJSIP/client2', start: epoch('2023-07-26 01:51:32'),
      answer: epoch('2023-07-26 01:51:50'), end: epoch('2023-07-26 01:52:04'), duration: 31, billsec: 13, disposition: 'ANSWERED',
      amaflags: 'DOCUMENTATION', uniqueid: '1690325492.2', userfield: '', peeraccount: '', linkedid: '', sequence: 2,
    });
  });

  it('cdrlib_good: billsec larger than duration is kept as logged', () => {
    expect(records('asterisk__testsuite__cdrlib_good.csv')[1]).toMatchObject({ duration: 5, billsec: 7, clid: '"Test User" <test>' });
  });
});

describe('parseCdrLine layouts and rejects', () => {
  const base = ['"acc"', '"100"', '"200"', '"ctx"', '"""A"" <100>"', '"SIP/100-1"', '"SIP/200-2"', '"Queue"', '"q1,,t"', '"2025-01-02 03:04:05"', '"2025-01-02 03:04:09"', '"2025-01-02 03:05:05"', '60', '56', '"ANSWERED"', '"DOCUMENTATION"'];
  it.each([
    ['csv16', base, { uniqueid: '', userfield: '', sequence: null }],
    ['csv17 uniqueid', [...base, '"1735787045.7"'], { uniqueid: '1735787045.7', userfield: '' }],
    ['csv17 userfield', [...base, '"note"'], { uniqueid: '', userfield: 'note' }],
    ['csv19 newcdrcolumns only', [...base, '"pa"', '"1735787045.1"', '4'], { peeraccount: 'pa', linkedid: '1735787045.1', sequence: 4 }],
    ['csv20', [...base, '"1735787045.7"', '"pa"', '"1735787045.1"', '4'], { uniqueid: '1735787045.7', linkedid: '1735787045.1', sequence: 4 }],
    ['csv18 with unanswered call', [...base.slice(0, 10), '', ...base.slice(11), '"u.1"', '""'], { answer: null, uniqueid: 'u.1' }],
  ])('%s', (layout, cells, expected) => {
    const r = parseCdrLine(cells.join(','), at, utc);
    if (!r.ok) throw new Error(r.reason);
    expect(r.value).toMatchObject({ layout: layout.split(' ')[0], lastdata: 'q1,,t', clid: '"A" <100>', duration: 60, billsec: 56, start: epoch('2025-01-02 03:04:05'), ...expected });
  });

  it('reads cdr_custom 18 (1.4 sample) and high-resolution seconds', () => {
    const line = '"clid","100","200","ctx","SIP/1","","Dial","x","2025-01-02 03:04:05","","2025-01-02 03:04:35","30.512","0.000","NO ANSWER","DOCUMENTATION","","1.2",""';
    const r = parseCdrLine(line, at, utc);
    expect(r.ok && [r.value.layout, r.value.duration, r.value.billsec, r.value.answer, r.value.sequence]).toEqual(['custom18', 30.512, 0, null, null]);
  });

  it('reads dates in the configured zone', () => {
    const r = parseCdrLine(base.join(','), at, { timeZone: 'America/La_Paz' });
    expect(r.ok && r.value.start).toBe(epoch('2025-01-02 07:04:05'));
  });

  it.each([
    ['empty', '', 'empty'],
    ['unterminated quote', '"abc,"def', 'bad_csv'],
    ['junk after a closing quote', '"abc"x,1', 'bad_csv'],
    ['five cells', '"a","b","c","d","e"', 'unknown_layout'],
    ['no dates', base.map(() => '"x"').join(','), 'unknown_layout'],
    ['bad answer date', [...base.slice(0, 10), '"2025-13-02 03:04:09"', ...base.slice(11)].join(','), 'bad_field:answer'],
    ['non-numeric duration', [...base.slice(0, 12), '"abc"', ...base.slice(13)].join(','), 'bad_field:duration'],
    ['bad sequence', [...base, '"p"', '"l"', 'x'].join(','), 'bad_field:sequence'],
    ['a NUL byte in a cell', ['"ac\0c"', ...base.slice(1)].join(','), 'nul_byte'],
    ['a start before 2000', [...base.slice(0, 9), '"1999-12-31 23:59:59"', ...base.slice(10)].join(','), 'epoch_before_2000'],
  ])('rejects %s', (_name, line, reason) => {
    expect(parseCdrLine(line, at, utc)).toEqual({ ok: false, reason, line });
  });

  it('applies the clock-skew window of queue_log lines to the start time', () => {
    const line = base.join(',');
    const start = epoch('2025-01-02 03:04:05');
    expect(parseCdrLine(line, { ...at, latestEpochS: start - 1 }, utc)).toEqual({ ok: false, reason: 'epoch_in_future', line });
    const r = parseCdrLine(line, { ...at, latestEpochS: start }, utc);
    expect(r.ok && r.value.start).toBe(start);
    expect(parseCdrLine([...base.slice(0, 9), '"2000-01-01 00:00:00"', ...base.slice(10)].join(','), at, utc).ok).toBe(true);
  });
});
