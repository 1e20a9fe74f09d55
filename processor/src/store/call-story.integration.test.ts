// A call's whole story from hand-written queue_log lines, parsed by ingest's parser and folded by
// the stint machine as the processor does, then stored: a transfer between queues, a call cut by
// a PBX restart, and a call with a survey, a ticket, QA evaluations, a calibration session, a
// recording link and a rejected line. Each story has exactly the expected lines in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQueueLogLine } from '@tablero/ingest';
import type { QueueEvent } from '@tablero/ingest/contract';
import { TABLES, type ClickHouse } from '@tablero/sql';
import { applyEvent, createStintState, type StintRow } from '../core/stint-machine.ts';
import { freshClickHouse } from '../testing/clickhouse.ts';
import { queryCallStory } from './call-story.ts';
import { createStore } from './store.ts';

let ch: ClickHouse & { dispose(): Promise<void> };
const T0 = Date.UTC(2026, 10, 3, 15) / 1000; // Tuesday 2026-11-03 15:00 UTC
const SRC = '/var/log/asterisk/queue_log';
const LINES = [
  // A: rings an agent who does not answer, is answered in ventas, blind-transferred to soporte.
  `${T0}|A|ventas|NONE|ENTERQUEUE||3001234567|1`,
  `${T0 + 15}|A|ventas|SIP/201|RINGNOANSWER|15000`,
  `${T0 + 20}|A|ventas|SIP/202|CONNECT|20|A.2|3`,
  `${T0 + 80}|A|ventas|SIP/202|BLINDTRANSFER|300|ctx|20|60|1`,
  `${T0 + 81}|A|soporte|NONE|ENTERQUEUE||3001234567|1`,
  `${T0 + 90}|A|soporte|SIP/301|CONNECT|9|A.3|2`,
  `${T0 + 200}|A|soporte|SIP/301|COMPLETEAGENT|9|110|1`,
  // B: waiting when the PBX restarts.
  `${T0 + 300}|B|ventas|NONE|ENTERQUEUE||3007654321|1`,
  `${T0 + 310}|NONE|NONE|NONE|QUEUESTART|`,
  // C: answered, then surveyed, ticketed, evaluated.
  `${T0 + 400}|C|ventas|NONE|ENTERQUEUE||3005550000|1`,
  `${T0 + 410}|C|ventas|SIP/201|CONNECT|10|C.1|2`,
  `${T0 + 500}|C|ventas|SIP/201|COMPLETECALLER|10|90|1`,
];
const NOW_MS = (T0 + 3600) * 1000;
const O = { defaultTz: 'UTC', nowMs: NOW_MS };

beforeAll(async () => {
  ch = await freshClickHouse();
  const events: QueueEvent[] = [];
  let offset = 0;
  for (const [i, line] of LINES.entries()) {
    const r = parseQueueLogLine(line, { site: 'default', source: SRC, fingerprint: 'fp', offset, lineNo: i + 1 });
    if (!r.ok) throw new Error(`test line ${i + 1} rejected: ${r.reason}`);
    events.push(r.value);
    offset += Buffer.byteLength(line) + 1;
  }
  const state = createStintState();
  const stints: StintRow[] = events.flatMap((e) => applyEvent(state, e));
  const store = createStore(ch);
  await store.insertEvents(events, 'story-events');
  await store.insertStints(stints, 0, 'story-stints');
  const insert = (table: string, values: unknown[]): Promise<unknown> => ch.client.insert({ table, values, format: 'JSONEachRow' });
  await insert(TABLES.deadLetters, [
    { event_id: 'fp:9000', site: 'default', source: SRC, offset: 9000, line_no: 40, raw: `17x|C|ventas|SIP/201|CONNECT|10|C.1|2`, reason: 'bad_epoch', rejected_at: T0 + 411 },
    // Another call's rejected line, and C's callid inside another field: neither is C's.
    { event_id: 'fp:9100', site: 'default', source: SRC, offset: 9100, line_no: 41, raw: `17y|D|ventas|NONE|ENTERQUEUE||C|1`, reason: 'bad_epoch', rejected_at: T0 + 412 },
  ]);
  await insert(TABLES.surveyAnswers, [
    { survey_id: 'sv1', site: 'default', source: 'ivr', ts: T0 + 520, callid: 'C', queue: 'ventas', agent: 'SIP/201', dimension: 'csat', score: 4 },
    { survey_id: 'sv1', site: 'default', source: 'ivr', ts: T0 + 520, callid: 'C', queue: 'ventas', agent: 'SIP/201', dimension: 'fcr', score: 1 },
  ]);
  await insert(TABLES.ticketEvents, [
    { event_id: 't1', site: 'default', source: 'crm', ticket_id: 'RAD-7', action: 'opened', ts: T0 + 600, ticket_type: 'queja', channel: 'phone', area: '', call_site: 'default', call_id: 'C', note: '' },
  ]);
  const evaluation = (version: number, score: number, created: number): Record<string, unknown> => ({
    evaluation_id: 'ev1', version, kind: 'monitoring', session_id: '', form_id: 'f1', form_version: 1, site: 'default', callid: 'C', queue: 'ventas',
    agent: 'SIP/201', call_ts: T0 + 400, analyst: 'quique', answers: '{}', comment: '', score, raw_score: score, band: 'good', failed_critical: [],
    zeroed: false, applicable_items: 3, created_at: created,
  });
  await insert(TABLES.qaEvaluations, [evaluation(1, 70, NOW_MS - 2000), evaluation(2, 85.5, NOW_MS - 1000)]);
  await insert(TABLES.qaCalibrationSessions, [{
    session_id: 'cal1', title: 'Calibración noviembre', site: 'default', callid: 'C', queue: 'ventas', agent: 'SIP/201', call_ts: T0 + 400, form_id: 'f1', form_version: 1,
    analysts: ['quique'], reference_kind: 'consensus', reference_analyst: '', deadline: NOW_MS + 86_400_000, tolerance: 5, created_by: 'mario', created_at: NOW_MS - 500,
  }]);
  await insert(TABLES.qaSettings, [{ key: 'recording_url_template', value: 'https://rec.example/{site}/{callid}.wav', updated_by: 'ana', updated_at: NOW_MS - 100 }]);
});
afterAll(async () => {
  await ch?.dispose();
});

const at = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

describe('queryCallStory', () => {
  it('a transfer between queues: both stints, every line in order, the ring not answered included', async () => {
    const s = await queryCallStory(ch, 'default', 'A', O);
    expect(s?.events.map((e) => [e.ts, e.queue, e.agent, e.verb])).toEqual([
      [at(T0), 'ventas', 'NONE', 'ENTERQUEUE'],
      [at(T0 + 15), 'ventas', 'SIP/201', 'RINGNOANSWER'],
      [at(T0 + 20), 'ventas', 'SIP/202', 'CONNECT'],
      [at(T0 + 80), 'ventas', 'SIP/202', 'BLINDTRANSFER'],
      [at(T0 + 81), 'soporte', 'NONE', 'ENTERQUEUE'],
      [at(T0 + 90), 'soporte', 'SIP/301', 'CONNECT'],
      [at(T0 + 200), 'soporte', 'SIP/301', 'COMPLETEAGENT'],
    ]);
    expect(s?.stints.map((x) => [x.queue, x.enter_ts, x.end_ts, x.outcome, x.agent, x.wait_s, x.talk_s, x.transferred, x.caller, x.figures])).toEqual([
      ['ventas', at(T0), at(T0 + 80), 'answered', 'SIP/202', 20, 60, true, '3001234567', ['offered', 'answered', 'answered_within', 'sl_numerator', 'sl_denominator']],
      ['soporte', at(T0 + 81), at(T0 + 200), 'answered', 'SIP/301', 9, 110, false, '3001234567', ['offered', 'answered', 'answered_within', 'sl_numerator', 'sl_denominator']],
    ]);
    expect([s?.surveys, s?.tickets, s?.evaluations, s?.calibration_sessions, s?.rejected_lines, s?.recording_url]).toEqual([[], [], [], [], [], 'https://rec.example/default/A.wav']);
  });

  it('a call cut by a PBX restart: its line, and a stint in no figure but cut_by_restart', async () => {
    const s = await queryCallStory(ch, 'default', 'B', O);
    expect(s?.events.map((e) => [e.ts, e.verb])).toEqual([[at(T0 + 300), 'ENTERQUEUE']]);
    expect(s?.stints.map((x) => [x.queue, x.enter_ts, x.end_ts, x.outcome, x.wait_s, x.figures])).toEqual([['ventas', at(T0 + 300), at(T0 + 310), 'cut_by_restart', null, ['cut_by_restart']]]);
  });

  it('a call with a survey, a ticket, QA and a rejected line', async () => {
    const s = await queryCallStory(ch, 'default', 'C', O);
    expect(s?.events.map((e) => [e.ts, e.verb, e.offset])).toEqual([
      [at(T0 + 400), 'ENTERQUEUE', LINES.slice(0, 9).reduce((a, l) => a + Buffer.byteLength(l) + 1, 0)],
      [at(T0 + 410), 'CONNECT', LINES.slice(0, 10).reduce((a, l) => a + Buffer.byteLength(l) + 1, 0)],
      [at(T0 + 500), 'COMPLETECALLER', LINES.slice(0, 11).reduce((a, l) => a + Buffer.byteLength(l) + 1, 0)],
    ]);
    expect(s?.stints.map((x) => [x.outcome, x.wait_s, x.talk_s])).toEqual([['answered', 10, 90]]);
    expect(s?.surveys).toEqual([
      { survey_id: 'sv1', ts: at(T0 + 520), queue: 'ventas', agent: 'SIP/201', dimension: 'csat', score: 4 },
      { survey_id: 'sv1', ts: at(T0 + 520), queue: 'ventas', agent: 'SIP/201', dimension: 'fcr', score: 1 },
    ]);
    expect(s?.tickets.map((t) => [t.ticket_id, t.ticket_type, t.status, t.opened_at])).toEqual([['RAD-7', 'queja', 'open', T0 + 600]]);
    expect(s?.evaluations).toEqual([{
      evaluation_id: 'ev1', version: 2, kind: 'monitoring', session_id: '', form_id: 'f1', analyst: 'quique', score: 85.5, band: 'good', created_at: new Date(NOW_MS - 1000).toISOString(),
    }]);
    expect(s?.calibration_sessions).toEqual([{ session_id: 'cal1', title: 'Calibración noviembre', form_id: 'f1', deadline: new Date(NOW_MS + 86_400_000).toISOString(), created_by: 'mario' }]);
    expect(s?.rejected_lines).toEqual([{ source: SRC, offset: 9000, line_no: 40, raw: '17x|C|ventas|SIP/201|CONNECT|10|C.1|2', reason: 'bad_epoch', rejected_at: at(T0 + 411) }]);
    expect(s?.recording_url).toBe('https://rec.example/default/C.wav');
  });

  it('a call nothing is stored for is null', async () => {
    expect(await queryCallStory(ch, 'default', 'nope', O)).toBeNull();
    expect(await queryCallStory(ch, 'other', 'A', O)).toBeNull();
  });
});
