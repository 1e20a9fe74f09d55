import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { QueueEvent } from '../contract.ts';
import { QUEUE_LOG_KIND } from './kinds.ts';
import { parseQueueLogLine, type LineOrigin } from './queue-log.ts';
import { realFixture } from '../real-fixtures.ts';

// Received at 1700000000 with the default tolerance of one day: lines up to 1700086400 are plausible.
const at: LineOrigin = { site: 's1', source: '/var/log/asterisk/queue_log', fingerprint: 'fp', offset: 120, lineNo: 3, latestEpochS: 1_700_086_400 };

type Interpreted = Pick<QueueEvent, 'custom' | 'wait_s' | 'talk_s' | 'ring_ms' | 'position' | 'orig_position' | 'caller' | 'info'>;
const none: Interpreted = { custom: false, wait_s: null, talk_s: null, ring_ms: null, position: null, orig_position: null, caller: '', info: '' };

function pick(e: QueueEvent): Interpreted {
  return { custom: e.custom, wait_s: e.wait_s, talk_s: e.talk_s, ring_ms: e.ring_ms, position: e.position, orig_position: e.orig_position, caller: e.caller, info: e.info };
}

// One row per event and per data-field shape of the version matrix (queue_log.md §3-§4).
const accepted: Array<[string, string, Partial<Interpreted>]> = [
  ['ENTERQUEUE 1.2-1.6 url|cid', '1266833911|1266833905.2|9000|NONE|ENTERQUEUE||01773597776', { caller: '01773597776' }],
  ['ENTERQUEUE 1.8+ url|cid|pos', '1596512941|1596512941.163|support|NONE|ENTERQUEUE||7000|1', { caller: '7000', orig_position: 1 }],
  ['ENTERQUEUE 20.14+ with caller-id name', '1700000000|1700000000.1|q1|NONE|ENTERQUEUE||5551234|2|Ana_Maria', { caller: '5551234', orig_position: 2, info: 'Ana_Maria' }],
  ['ENTERQUEUE QueueMetrics url -', '1700000000|1700000000.1|q1|NONE|ENTERQUEUE|-|5551234', { caller: '5551234' }],
  ['ENTERQUEUE restricted (empty cid)', '1700000000|1700000000.1|q1|NONE|ENTERQUEUE|||3', { caller: '', orig_position: 3 }],
  ['CONNECT 1.2 hold', '1100000000|1100000000.1|q1|SIP/100|CONNECT|7', { wait_s: 7 }],
  ['CONNECT 1.4 hold|uid', '1266833912|1266833905.2|9000|Local/2004@from-internal/n|CONNECT|1|1266833911.7', { wait_s: 1, info: '1266833911.7' }],
  ['CONNECT 1.6+ hold|uid|ring', '1341401603|1341401601.24|q1|Agent/3001|CONNECT|2|1341401601.27|1', { wait_s: 2, info: '1341401601.27' }],
  ['CONNECT QueueMetrics custom writer', '1700000000|1.1|q1|Agent/1|CONNECT|0||', { wait_s: 0 }],
  ['COMPLETECALLER', '1266839000|1266838900.1|9000|Local/2001@from-internal/n|COMPLETECALLER|4|87|2', { wait_s: 4, talk_s: 87, orig_position: 2 }],
  ['COMPLETEAGENT', '1266833915|1266833905.2|9000|Local/2004@from-internal/n|COMPLETEAGENT|1|3|1', { wait_s: 1, talk_s: 3, orig_position: 1 }],
  ['COMPLETEAGENT Asternic trailing pipe', '1700000000|1.1|q1|SIP/1|COMPLETEAGENT|5|60|', { wait_s: 5, talk_s: 60 }],
  ['TRANSFER 1.2 exten|ctx', '1100000000|1.1|q1|SIP/1|TRANSFER|200|from-internal', { info: '200@from-internal' }],
  ['TRANSFER 1.4 exten|ctx|hold|talk', '1200000000|1.1|q1|SIP/1|TRANSFER|200|from-internal|12|34', { info: '200@from-internal', wait_s: 12, talk_s: 34 }],
  ['TRANSFER 1.6.1-11 with origpos', '1300000000|1.1|q1|SIP/1|TRANSFER|200|from-internal|12|34|2', { info: '200@from-internal', wait_s: 12, talk_s: 34, orig_position: 2 }],
  ['BLINDTRANSFER 12+', '1500000000|1.1|q1|PJSIP/201|BLINDTRANSFER|300|default|9|41|1', { info: '300@default', wait_s: 9, talk_s: 41, orig_position: 1 }],
  ['ATTENDEDTRANSFER BRIDGE', '1500000000|1.1|q1|PJSIP/201|ATTENDEDTRANSFER|BRIDGE|6a1b-uid|9|41|1', { info: 'BRIDGE|6a1b-uid', wait_s: 9, talk_s: 41, orig_position: 1 }],
  ['ATTENDEDTRANSFER APP', '1500000000|1.1|q1|PJSIP/201|ATTENDEDTRANSFER|APP|Dial|3|15|2', { info: 'APP|Dial', wait_s: 3, talk_s: 15, orig_position: 2 }],
  ['ATTENDEDTRANSFER LINK', '1500000000|1.1|q1|PJSIP/201|ATTENDEDTRANSFER|LINK|PJSIP/201-01|PJSIP/300-02|8|120|1', { info: 'LINK|PJSIP/201-01|PJSIP/300-02', wait_s: 8, talk_s: 120, orig_position: 1 }],
  ['ABANDON', '1596513009|1596512941.163|support|NONE|ABANDON|1|1|68', { position: 1, orig_position: 1, wait_s: 68 }],
  ['ABANDON with member agent (announce edge case)', '1596513009|1.1|support|SIP/1|ABANDON|2|3|9', { position: 2, orig_position: 3, wait_s: 9 }],
  ['EXITEMPTY', '1500000000|1.1|q1|NONE|EXITEMPTY|1|2|30', { position: 1, orig_position: 2, wait_s: 30 }],
  ['EXITWITHTIMEOUT 1.2-1.4 position only', '1200000000|1.1|q1|NONE|EXITWITHTIMEOUT|3', { position: 3 }],
  ['EXITWITHTIMEOUT 1.6+ pos|orig|wait', '1500000000|1.1|q1|NONE|EXITWITHTIMEOUT|1|4|300', { position: 1, orig_position: 4, wait_s: 300 }],
  ['EXITWITHKEY 1.2-1.8.24 key|pos', '1200000000|1.1|q1|NONE|EXITWITHKEY|5|2', { info: '5', position: 2 }],
  ['EXITWITHKEY 1.8.25/11.7+ 4 fields', '1500000000|1.1|q1|NONE|EXITWITHKEY|0|1|3|45', { info: '0', position: 1, orig_position: 3, wait_s: 45 }],
  ['WITHDRAW 16.25/18.11+', '1700000000|1.1|q1|NONE|WITHDRAW|1|1|12|moved to callback', { position: 1, orig_position: 1, wait_s: 12, info: 'moved to callback' }],
  ['WITHDRAW info with a pipe', '1700000000|1.1|q1|NONE|WITHDRAW|1|1|12|a|b', { position: 1, orig_position: 1, wait_s: 12, info: 'a|b' }],
  ['RINGNOANSWER ms', '1266833911|1266833905.2|9000|Local/2001@from-internal/n|RINGNOANSWER|15000', { ring_ms: 15000 }],
  ['RINGNOANSWER 0 ms', '1266833911|1266833905.2|9000|Local/2001@from-internal/n|RINGNOANSWER|0', { ring_ms: 0 }],
  ['RINGCANCELED 15+', '1600000000|1.1|q1|PJSIP/201|RINGCANCELED|2345', { ring_ms: 2345 }],
  ['AGENTDUMP trailing pipe', '1500000000|1.1|q1|SIP/1|AGENTDUMP|', {}],
  ['SYSCOMPAT trailing pipe', '1500000000|1.1|q1|SIP/1|SYSCOMPAT|', {}],
  ['OUTCALL', '1600000000|1.1|q1|SIP/1|OUTCALL|ANSWER|63|campaign=7', { info: 'ANSWER', talk_s: 63 }],
  ['ADDMEMBER empty', '1596510480|CLI|sales|SIP/0004f2040001|ADDMEMBER|', {}],
  ['ADDMEMBER PAUSED', '1596510480|MANAGER|sales|PJSIP/201|ADDMEMBER|PAUSED', { info: 'PAUSED' }],
  ['REMOVEMEMBER', '1596510480|REALTIME|sales|PJSIP/201|REMOVEMEMBER|', {}],
  ['PAUSE 1.4 no reason', '1200000000|NONE|q1|SIP/1|PAUSE|', {}],
  ['PAUSE 1.8+ reason', '1500000000|NONE|q1|SIP/1|PAUSE|Lunch', { info: 'Lunch' }],
  ['PAUSE reason with pipe', '1500000000|NONE|q1|SIP/1|PAUSE|Break|10min', { info: 'Break|10min' }],
  ['UNPAUSE Auto-Unpause', '1700000000|NONE|q1|SIP/1|UNPAUSE|Auto-Unpause', { info: 'Auto-Unpause' }],
  ['PAUSEALL <=13 empty', '1400000000|NONE|NONE|SIP/1|PAUSEALL|', {}],
  ['PAUSEALL 15+ reason', '1600000000|NONE|NONE|Agent1|PAUSEALL|Meeting', { info: 'Meeting' }],
  ['UNPAUSEALL', '1341343687|NONE|NONE|Agent/3001|UNPAUSEALL|', {}],
  ['PENALTY', '1500000000|NONE|q1|SIP/1|PENALTY|3', { info: '3' }],
  ['RINGINUSE', '1500000000|NONE|q1|SIP/1|RINGINUSE|1', { info: '1' }],
  ['AGENTLOGIN', '1500000000|1.1|NONE|Agent/1001|AGENTLOGIN|SIP/1001-0000001a', { info: 'SIP/1001-0000001a' }],
  ['AGENTLOGOFF', '1500000000|1.1|NONE|Agent/1001|AGENTLOGOFF|SIP/1001-0000001a|3600', { info: 'SIP/1001-0000001a' }],
  ['AGENTCALLBACKLOGIN 1.2/1.4', '1341343643|1341343640.4|NONE|Agent/3001|AGENTCALLBACKLOGIN|1002@pcm-dev', { info: '1002@pcm-dev' }],
  ['AGENTCALLBACKLOGOFF 1.2/1.4', '1341343686|NONE|NONE|Agent/3001|AGENTCALLBACKLOGOFF|1002@pcm-dev|43|CommandLogoff', { info: '1002@pcm-dev' }],
  ['QUEUESTART', '1266833361|NONE|NONE|NONE|QUEUESTART|', {}],
  ['CONFIGRELOAD', '1266833407|NONE|NONE|NONE|CONFIGRELOAD|', {}],
  ['QUEUESTART without trailing pipe', '1266833361|NONE|NONE|NONE|QUEUESTART', {}],
  ['custom FULL', '1341402017|1341402016.44|q1|NONE|FULL|', { custom: true }],
  ['custom JOINEMPTY', '1341401276|1341401275.9|q1|NONE|JOINEMPTY|', { custom: true }],
  ['custom lower-case abandon is not ABANDON', '1500000000|1.1|q1|NONE|abandon|1|1|x', { custom: true }],
  ['custom DIALSTATUS verb', '1500000000|1.1|q1|NONE|NOANSWER|', { custom: true }],
  ['custom QueueLog() with pipes', '1500000000|1.1|101|Agent/1|WENTONBREAK|600|a|b', { custom: true }],
  ['CRLF line ending', '1266833361|NONE|NONE|NONE|QUEUESTART|\r', {}],
];

describe('parseQueueLogLine accepts every version shape', () => {
  it.each(accepted)('%s', (_name, line, expected) => {
    const r = parseQueueLogLine(line, at);
    if (!r.ok) throw new Error(`rejected: ${r.reason}`);
    expect(pick(r.value)).toEqual({ ...none, ...expected });
  });

  it('fills the fixed columns, the id and the raw data fields', () => {
    const r = parseQueueLogLine('1266833912|1266833905.2|9000|Local/2004@from-internal/n|CONNECT|1|1266833911.7', at);
    expect(r).toEqual({
      ok: true,
      value: {
        event_id: 'fp:120', site: 's1', source: '/var/log/asterisk/queue_log', offset: 120, ts: 1266833912,
        callid: '1266833905.2', queue: '9000', agent: 'Local/2004@from-internal/n', verb: 'CONNECT', custom: false,
        wait_s: 1, talk_s: null, ring_ms: null, position: null, orig_position: null, caller: '', info: '1266833911.7',
        data: ['1', '1266833911.7'],
      },
    });
  });

  it('keeps an empty data string after a trailing pipe as one empty field', () => {
    const r = parseQueueLogLine('1266833361|NONE|NONE|NONE|QUEUESTART|', at);
    expect(r.ok && r.value.data).toEqual(['']);
  });

  it('accepts a line of exactly 8192 bytes', () => {
    const head = '1500000000|1.1|q1|NONE|NOTE|';
    expect(parseQueueLogLine(head + 'x'.repeat(8192 - head.length), at).ok).toBe(true);
  });
});

const rejected: Array<[string, string, string]> = [
  ['empty line', '', 'empty'],
  ['lone CR', '\r', 'empty'],
  ['10 KB line', '1500000000|1.1|q1|NONE|NOTE|' + 'x'.repeat(10_000), 'line_too_long'],
  ['over 8192 bytes from multi-byte chars', '1500000000|1.1|q1|NONE|NOTE|' + 'é'.repeat(4083), 'line_too_long'],
  ['binary garbage', '\u0001\u00ff\ufffd\u0007garbage', 'too_few_columns'],
  // Input rules of kpi-definitions §11 (issue 14).
  ['binary garbage with a NUL', '\u0000\u0001\u00ff\ufffd\u0007garbage', 'nul_byte'],
  ['NUL in a queue name', '1500000000|1.1|q\u00001|NONE|ENTERQUEUE||1', 'nul_byte'],
  ['NUL in an agent name', '1500000000|1.1|q1|Ana\u0000|CONNECT|3|1.2|1', 'nul_byte'],
  ['NUL at the end of a data field', '1500000000|1.1|q1|NONE|ENTERQUEUE||1\u0000', 'nul_byte'],
  ['epoch 0', '0|1.1|q1|NONE|ENTERQUEUE||1', 'epoch_before_2000'],
  ['last second of 1999', '946684799|1.1|q1|NONE|ENTERQUEUE||1', 'epoch_before_2000'],
  ['epoch past 2038 (2^31)', '2147483648|1.1|q1|NONE|ENTERQUEUE||1', 'epoch_in_future'],
  ['epoch past 2106 (2^32)', '4294967296|1.1|q1|NONE|ENTERQUEUE||1', 'epoch_in_future'],
  ['epoch 99999999999', '99999999999|1.1|q1|NONE|ENTERQUEUE||1', 'epoch_in_future'],
  ['one second past the skew tolerance', '1700086401|1.1|q1|NONE|ENTERQUEUE||1', 'epoch_in_future'],
  ['four columns', '1500000000|1.1|q1|NONE', 'too_few_columns'],
  ['non-numeric epoch', 'abc|1.1|q1|NONE|ENTERQUEUE||1', 'bad_epoch'],
  ['epoch with a space', ' 1500000000|1.1|q1|NONE|ENTERQUEUE||1', 'bad_epoch'],
  ['epoch with a dot', '1500000000.5|1.1|q1|NONE|ENTERQUEUE||1', 'bad_epoch'],
  ['negative epoch', '-1500000000|1.1|q1|NONE|ENTERQUEUE||1', 'bad_epoch'],
  ['empty epoch', '|1.1|q1|NONE|ENTERQUEUE||1', 'bad_epoch'],
  ['empty verb', '1500000000|1.1|q1|NONE||1', 'empty_verb'],
  ['CONNECT without data', '1500000000|1.1|q1|SIP/1|CONNECT', 'missing_field:data1'],
  ['CONNECT empty hold', '1500000000|1.1|q1|SIP/1|CONNECT||uid', 'missing_field:data1'],
  ['CONNECT non-integer hold', '1500000000|1.1|q1|SIP/1|CONNECT|2.5|uid', 'bad_field:data1'],
  ['COMPLETECALLER missing talk', '1500000000|1.1|q1|SIP/1|COMPLETECALLER|3', 'missing_field:data2'],
  ['COMPLETEAGENT bad hold', '1500000000|1.1|q1|SIP/1|COMPLETEAGENT|x|3|1', 'bad_field:data1'],
  ['COMPLETEAGENT bad talk', '1500000000|1.1|q1|SIP/1|COMPLETEAGENT|3|3s|1', 'bad_field:data2'],
  ['TRANSFER three fields', '1500000000|1.1|q1|SIP/1|TRANSFER|200|ctx|5', 'missing_field:data4'],
  ['TRANSFER bad hold', '1500000000|1.1|q1|SIP/1|TRANSFER|200|ctx|x|5', 'bad_field:data3'],
  ['BLINDTRANSFER two fields', '1500000000|1.1|q1|SIP/1|BLINDTRANSFER|200|ctx', 'missing_field:data3'],
  ['BLINDTRANSFER bad talk', '1500000000|1.1|q1|SIP/1|BLINDTRANSFER|200|ctx|1|y|1', 'bad_field:data4'],
  ['ATTENDEDTRANSFER unknown method', '1500000000|1.1|q1|SIP/1|ATTENDEDTRANSFER|THREEWAY|x|1|2|1', 'bad_transfer_method'],
  ['ATTENDEDTRANSFER lower-case method', '1500000000|1.1|q1|SIP/1|ATTENDEDTRANSFER|bridge|x|1|2|1', 'bad_transfer_method'],
  ['ATTENDEDTRANSFER no data', '1500000000|1.1|q1|SIP/1|ATTENDEDTRANSFER|', 'bad_transfer_method'],
  ['ATTENDEDTRANSFER BRIDGE missing talk', '1500000000|1.1|q1|SIP/1|ATTENDEDTRANSFER|BRIDGE|uid|1', 'missing_field:data4'],
  ['ATTENDEDTRANSFER LINK missing talk', '1500000000|1.1|q1|SIP/1|ATTENDEDTRANSFER|LINK|a|b|1', 'missing_field:data5'],
  ['ATTENDEDTRANSFER LINK bad talk', '1500000000|1.1|q1|SIP/1|ATTENDEDTRANSFER|LINK|a|b|1|z|1', 'bad_field:data5'],
  ['ABANDON missing wait', '1500000000|1.1|q1|NONE|ABANDON|1|1', 'missing_field:data3'],
  ['ABANDON bad wait', '1500000000|1.1|q1|NONE|ABANDON|1|1|6s', 'bad_field:data3'],
  ['EXITEMPTY missing wait', '1500000000|1.1|q1|NONE|EXITEMPTY|1', 'missing_field:data3'],
  ['WITHDRAW missing wait', '1500000000|1.1|q1|NONE|WITHDRAW|1|1', 'missing_field:data3'],
  ['EXITWITHTIMEOUT two fields', '1500000000|1.1|q1|NONE|EXITWITHTIMEOUT|1|1', 'missing_field:data3'],
  ['EXITWITHTIMEOUT one bad field', '1500000000|1.1|q1|NONE|EXITWITHTIMEOUT|x', 'bad_field:data1'],
  ['EXITWITHTIMEOUT no data', '1500000000|1.1|q1|NONE|EXITWITHTIMEOUT', 'missing_field:data3'],
  ['EXITWITHTIMEOUT bad wait', '1500000000|1.1|q1|NONE|EXITWITHTIMEOUT|1|1|-', 'bad_field:data3'],
  ['EXITWITHKEY one field', '1500000000|1.1|q1|NONE|EXITWITHKEY|5', 'missing_field:data4'],
  ['EXITWITHKEY bad position', '1500000000|1.1|q1|NONE|EXITWITHKEY|5|p', 'bad_field:data2'],
  ['EXITWITHKEY three fields', '1500000000|1.1|q1|NONE|EXITWITHKEY|5|1|1', 'missing_field:data4'],
];

describe('parseQueueLogLine rejects', () => {
  it.each(rejected)('%s -> %s', (_name, line, reason) => {
    expect(parseQueueLogLine(line, at)).toEqual({ ok: false, reason, line });
  });
});

describe('the plausible-epoch window and invalid UTF-8', () => {
  it('accepts the first second of 2000 and the last second of the tolerance', () => {
    expect(parseQueueLogLine('946684800|1.1|q1|NONE|ENTERQUEUE||1', at).ok).toBe(true);
    expect(parseQueueLogLine('1700086400|1.1|q1|NONE|ENTERQUEUE||1', at).ok).toBe(true);
  });

  it('checks no future bound without a receiving clock, but always the 2000 bound', () => {
    const { latestEpochS: _clock, ...noClock } = at;
    expect(parseQueueLogLine('4294967296|1.1|q1|NONE|ENTERQUEUE||1', noClock).ok).toBe(true);
    expect(parseQueueLogLine('100|1.1|q1|NONE|ENTERQUEUE||1', noClock)).toEqual({ ok: false, reason: 'epoch_before_2000', line: '100|1.1|q1|NONE|ENTERQUEUE||1' });
  });

  it('rejects a line the queue_log decoder marked as invalid UTF-8, reporting its text without the mark', () => {
    const bytes = Buffer.from([...Buffer.from('1700000000|1.1|q'), 0xff, 0xfe, ...Buffer.from('|NONE|ENTERQUEUE||1')]);
    const text = QUEUE_LOG_KIND.decode(bytes, 0, bytes.length);
    expect(parseQueueLogLine(text, at)).toEqual({ ok: false, reason: 'invalid_utf8', line: '1700000000|1.1|q\ufffd\ufffd|NONE|ENTERQUEUE||1' });
    // Valid multi-byte UTF-8 (and a real U+FFFD written as its 3 bytes) is not marked.
    const good = Buffer.from('1700000000|1.1|cola-ñ\ufffd|NONE|ENTERQUEUE||1');
    expect(parseQueueLogLine(QUEUE_LOG_KIND.decode(good, 0, good.length), at).ok).toBe(true);
  });
});

describe('real fixture DareDevinX__AsteriskReport__Testdaten.txt (Asterisk 1.4)', () => {
  const text = readFileSync(realFixture('DareDevinX__AsteriskReport__Testdaten.txt'), 'utf8');
  const lines = text.split('\n');
  let offset = 0;
  const results = lines.map((line, i) => {
    const r = parseQueueLogLine(line, { ...at, offset, lineNo: i + 1 });
    offset += Buffer.byteLength(line) + 1;
    return r;
  });

  it('has 278 records, the last one without a newline, and none is rejected', () => {
    expect(lines.length).toBe(278);
    expect(lines[277]).toBe('1266839779|1266839768.534|9000|Local/2002@from-internal/n|RINGNOANSWER|2000');
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });

  it('counts every verb exactly', () => {
    const counts: Record<string, number> = {};
    for (const r of results) if (r.ok) counts[r.value.verb] = (counts[r.value.verb] ?? 0) + 1;
    expect(counts).toEqual({
      RINGNOANSWER: 221, ENTERQUEUE: 21, ABANDON: 12, CONNECT: 8, COMPLETEAGENT: 6, COMPLETECALLER: 1, CONFIGRELOAD: 7, QUEUESTART: 2,
    });
  });

  it('reads 10 anonymous callers, ring times in ms and ids from byte offsets', () => {
    const ok = results.flatMap((r) => (r.ok ? [r.value] : []));
    expect(ok.filter((e) => e.verb === 'ENTERQUEUE' && e.caller === 'anonymous').length).toBe(10);
    expect([...new Set(ok.filter((e) => e.verb === 'RINGNOANSWER').map((e) => e.ring_ms))].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([0, 1000, 2000, 3000, 4000, 15000]);
    expect(ok[1]?.event_id).toBe('fp:38');
    expect(ok[277]?.offset).toBe(20038 - lines[277]!.length);
  });
});
