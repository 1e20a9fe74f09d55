import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { QueueEvent } from '../contract.ts';
import type { LineOrigin } from './queue-log.ts';
import { parsePsqlTables, parseRealtimeLine, parseRealtimeRow } from './realtime.ts';
import { realFixture } from '../real-fixtures.ts';

const WAZO = realFixture('wazo-pbx__xivo-doc__queue_log.rst');
const at: LineOrigin = { site: 's1', source: 'db-export', fingerprint: 'fp', offset: 0, lineNo: 0 };

function ok(r: ReturnType<typeof parseRealtimeRow>): QueueEvent {
  if (!r.ok) throw new Error(`rejected ${r.reason}: ${r.line}`);
  return r.value;
}

describe('Wazo/XiVO psql dump (realtime table, Asterisk 1.8, local time)', () => {
  const rows = parsePsqlTables(readFileSync(WAZO, 'utf8'));
  const events = rows.map(({ row, raw, lineNo }) => ok(parseRealtimeRow(row, { ...at, lineNo }, 'America/Montreal', raw)));

  it('finds every row of every block, including the block indented one column more', () => {
    expect(events.map((e) => e.verb)).toEqual([
      'AGENTCALLBACKLOGIN', 'UNPAUSE', 'UNPAUSE', 'UNPAUSEALL', 'AGENTCALLBACKLOGOFF', 'JOINEMPTY', 'CONNECT', 'ENTERQUEUE',
      'COMPLETEAGENT', 'FULL', 'CLOSED', 'ABANDON',
    ]);
  });

  it('interprets the rows like file lines', () => {
    const by = (verb: string): QueueEvent => events.find((e) => e.verb === verb) as QueueEvent;
    expect(by('ENTERQUEUE')).toMatchObject({ ts: 1341401601, callid: '1341401601.24', queue: 'q1', agent: 'NONE', caller: '1000', orig_position: 1, data: ['', '1000', '1'] });
    expect(by('CONNECT')).toMatchObject({ ts: 1341401603, agent: 'Agent/3001', wait_s: 2, info: '1341401601.27', data: ['2', '1341401601.27', '1'] });
    expect(by('COMPLETEAGENT')).toMatchObject({ callid: '1341401851.34', wait_s: 2, talk_s: 12, orig_position: 1 });
    expect(by('ABANDON')).toMatchObject({ callid: '1341402586.51', position: 1, orig_position: 1, wait_s: 6 });
    expect(by('AGENTCALLBACKLOGOFF')).toMatchObject({ custom: false, info: '1002@pcm-dev', data: ['1002@pcm-dev', '43', 'CommandLogoff'] });
    expect(by('UNPAUSEALL')).toMatchObject({ queue: 'NONE', data: [''] });
    expect(events.filter((e) => e.custom).map((e) => e.verb)).toEqual(['JOINEMPTY', 'FULL', 'CLOSED']);
  });
});

describe('parseRealtimeLine', () => {
  const pipe = { timeZone: 'UTC', separator: '|' as const };
  const tab = { timeZone: 'UTC', separator: '\t' as const };
  it.each([
    ['pipe, data1..data5 with empty tail', '2012-07-04 11:33:23.085718|1341401601.24|q1|Agent/3001|CONNECT|2|1341401601.27|1||', pipe, { wait_s: 2, data: ['2', '1341401601.27', '1'] }],
    ['pipe, trailing-pipe event', '2012-07-04 11:33:23|NONE|q1|Agent/3001|UNPAUSE|||||', pipe, { data: [''] }],
    ['tab, data1..data5, LINK with data5 = calltime|origposition', '2020-01-01 10:00:00\tc.1\tq1\tPJSIP/1\tATTENDEDTRANSFER\tLINK\tPJSIP/1-1\tPJSIP/2-2\t8\t120|1', tab, { wait_s: 8, talk_s: 120, orig_position: 1, info: 'LINK|PJSIP/1-1|PJSIP/2-2' }],
    ['tab, one data column', '2020-01-01 10:00:00\tc.1\tq1\tPJSIP/1\tCOMPLETEAGENT\t2|12|1', { ...tab, columns: ['time', 'callid', 'queuename', 'agent', 'event', 'data'] }, { wait_s: 2, talk_s: 12, orig_position: 1 }],
    ['tab, id column first, GMT', '77\t2020-01-01 10:00:00\tc.1\tq1\tNONE\tABANDON\t1\t2\t30\t\t', { ...tab, columns: ['id', 'time', 'callid', 'queuename', 'agent', 'event', 'data1', 'data2', 'data3', 'data4', 'data5'] }, { ts: Date.UTC(2020, 0, 1, 10) / 1000, wait_s: 30, position: 1, orig_position: 2 }],
  ])('%s', (_name, line, fmt, expected) => {
    expect(ok(parseRealtimeLine(line, at, fmt))).toMatchObject(expected);
  });

  it.each([
    ['bad time', '2012-07-04T11:33|c|q|a|ENTERQUEUE||1|1', 'bad_time'],
    ['epoch instead of time', '1341401601|c|q|a|ENTERQUEUE||1|1', 'bad_time'],
    ['empty verb', '2012-07-04 11:33:23|c|q|a||1', 'empty_verb'],
    ['empty', '', 'empty'],
    ['four columns', '2012-07-04 11:33:23|c|q', 'too_few_columns'],
    ['stock event with a bad field', '2012-07-04 11:33:23|c|q|a|ABANDON|1|1|x', 'bad_field:data3'],
  ])('rejects %s', (_name, line, reason) => {
    expect(parseRealtimeLine(line, at, { timeZone: 'UTC', separator: '|' })).toEqual({ ok: false, reason, line });
  });
});
