// A call's whole story from hand-written queue_log lines, parsed by ingest's parser and folded by
// the stint machine as the processor does, then stored: a transfer between queues, a call cut by
// a PBX restart, and a call with a survey, a ticket, QA evaluations, a calibration session, a
// recording link and a rejected line. Each story has exactly the expected lines in order. CDR
// legs: A's IVR leg then its queue legs (another uniqueid, the same linkedid; two legs of one
// start ordered by sequence), C's legs of a PBX without linkedid (grouped by uniqueid), and an
// unrelated call beside them that neither story lists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQueueLogLine } from '@tablero/ingest';
import type { CdrRecord, QueueEvent } from '@tablero/ingest/contract';
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

/** A stored CDR row as ingest parses one (cdr_csv with newcdrcolumns unless linkedid is ''). */
let cdrOffset = 0;
function cdrRow(l: Pick<CdrRecord, 'uniqueid' | 'linkedid' | 'sequence' | 'src' | 'dst' | 'dcontext' | 'channel' | 'dstchannel' | 'lastapp' | 'lastdata' | 'start' | 'answer' | 'end' | 'disposition'>): CdrRecord {
  cdrOffset += 300;
  return {
    event_id: `cdrfp:${cdrOffset}`, site: 'default', source: '/var/log/asterisk/cdr-csv/Master.csv', offset: cdrOffset, layout: l.linkedid === '' ? 'csv18' : 'csv21',
    accountcode: '', clid: `"Cliente" <${l.src}>`, duration: l.end - l.start, billsec: l.answer === null ? 0 : l.end - l.answer, amaflags: 'DOCUMENTATION',
    userfield: '', peeraccount: '', ...l,
  };
}
const CDR: CdrRecord[] = [
  // Inserted out of order: the story orders them. A's queue legs share a start (sequence 3 before 4).
  cdrRow({ uniqueid: 'A.9', linkedid: 'A', sequence: 4, src: '3001234567', dst: 'ventas', dcontext: 'q-ventas', channel: 'PJSIP/trunk-0001', dstchannel: 'PJSIP/202-0003', lastapp: 'Queue', lastdata: 'ventas,t', start: T0, answer: T0 + 20, end: T0 + 80, disposition: 'ANSWERED' }),
  cdrRow({ uniqueid: 'A', linkedid: 'A', sequence: 1, src: '3001234567', dst: 's', dcontext: 'ivr-main', channel: 'PJSIP/trunk-0001', dstchannel: '', lastapp: 'BackGround', lastdata: 'custom/menu', start: T0 - 40, answer: T0 - 40, end: T0, disposition: 'ANSWERED' }),
  cdrRow({ uniqueid: 'A.7', linkedid: 'A', sequence: 3, src: '3001234567', dst: 'ventas', dcontext: 'q-ventas', channel: 'PJSIP/trunk-0001', dstchannel: 'PJSIP/201-0002', lastapp: 'Queue', lastdata: 'ventas,t', start: T0, answer: null, end: T0 + 15, disposition: 'NO ANSWER' }),
  // An unrelated call at the same time (its own linkedid), and a call C's number dialled out later.
  cdrRow({ uniqueid: 'Z', linkedid: 'Z', sequence: 2, src: '3009990000', dst: 'ventas', dcontext: 'q-ventas', channel: 'PJSIP/trunk-0009', dstchannel: '', lastapp: 'Queue', lastdata: 'ventas,t', start: T0 + 5, answer: T0 + 5, end: T0 + 50, disposition: 'ANSWERED' }),
  // C on a PBX without linkedid: two rows of its uniqueid (split at a transfer), one call.
  cdrRow({ uniqueid: 'C', linkedid: '', sequence: null, src: '3005550000', dst: 'ventas', dcontext: 'q-ventas', channel: 'SIP/trunk-0005', dstchannel: 'SIP/201-0006', lastapp: 'Queue', lastdata: 'ventas,t', start: T0 + 390, answer: T0 + 390, end: T0 + 450, disposition: 'ANSWERED' }),
  cdrRow({ uniqueid: 'C', linkedid: '', sequence: null, src: '3005550000', dst: '201', dcontext: 'from-internal', channel: 'SIP/trunk-0005', dstchannel: 'SIP/201-0006', lastapp: 'Dial', lastdata: 'SIP/201,30', start: T0 + 450, answer: T0 + 450, end: T0 + 500, disposition: 'ANSWERED' }),
  cdrRow({ uniqueid: 'Y', linkedid: '', sequence: null, src: '201', dst: '3005550000', dcontext: 'from-internal', channel: 'SIP/201-0010', dstchannel: 'SIP/trunk-0011', lastapp: 'Dial', lastdata: 'SIP/trunk/3005550000', start: T0 + 900, answer: T0 + 905, end: T0 + 960, disposition: 'ANSWERED' }),
];
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
  await store.insertCdr(CDR, 'story-cdr');
  await store.insertCdr(CDR.slice(0, 2), 'story-cdr-again'); // stored twice (a re-import): listed once
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

  it("CDR legs: the IVR leg then the queue legs of A's linkedid, by start then sequence; no other call's", async () => {
    const s = await queryCallStory(ch, 'default', 'A', O);
    expect(s?.cdr_legs.map((l) => [l.start, l.answer, l.end, l.uniqueid, l.linkedid, l.sequence, l.src, l.dst, l.dcontext, l.lastapp, l.lastdata, l.dstchannel, l.disposition, l.billsec])).toEqual([
      [at(T0 - 40), at(T0 - 40), at(T0), 'A', 'A', 1, '3001234567', 's', 'ivr-main', 'BackGround', 'custom/menu', '', 'ANSWERED', 40],
      [at(T0), null, at(T0 + 15), 'A.7', 'A', 3, '3001234567', 'ventas', 'q-ventas', 'Queue', 'ventas,t', 'PJSIP/201-0002', 'NO ANSWER', 0],
      [at(T0), at(T0 + 20), at(T0 + 80), 'A.9', 'A', 4, '3001234567', 'ventas', 'q-ventas', 'Queue', 'ventas,t', 'PJSIP/202-0003', 'ANSWERED', 60],
    ]);
    expect(s?.cdr_legs[0]).toEqual({
      start: at(T0 - 40), answer: at(T0 - 40), end: at(T0), src: '3001234567', dst: 's', did: '', clid: '"Cliente" <3001234567>', dcontext: 'ivr-main',
      channel: 'PJSIP/trunk-0001', dstchannel: '', lastapp: 'BackGround', lastdata: 'custom/menu', duration: 40, billsec: 40, disposition: 'ANSWERED',
      uniqueid: 'A', linkedid: 'A', sequence: 1, userfield: '', accountcode: '',
    });
  });

  it('CDR legs without linkedid: the rows of the uniqueid, not the later call that dialled the same number', async () => {
    const s = await queryCallStory(ch, 'default', 'C', O);
    expect(s?.cdr_legs.map((l) => [l.start, l.uniqueid, l.linkedid, l.sequence, l.lastapp, l.dst])).toEqual([
      [at(T0 + 390), 'C', '', null, 'Queue', 'ventas'],
      [at(T0 + 450), 'C', '', null, 'Dial', '201'],
    ]);
    expect((await queryCallStory(ch, 'default', 'B', O))?.cdr_legs).toEqual([]);
  });

  it('a call stored only as CDR legs has its story: the legs of the linkedid its uniqueid is in', async () => {
    const s = await queryCallStory(ch, 'default', 'A.7', O);
    expect([s?.events, s?.stints, s?.cdr_legs.map((l) => l.uniqueid)]).toEqual([[], [], ['A', 'A.7', 'A.9']]);
  });

  it('a CDR-only call named by an Asterisk uniqueid is read near the epoch in its name', async () => {
    const id = `pbx1-${T0 + 2000}.42`;
    const near = cdrRow({ uniqueid: id, linkedid: id, sequence: 9, src: '3001110000', dst: 's', dcontext: 'ivr-main', channel: 'PJSIP/trunk-0020', dstchannel: '', lastapp: 'BackGround', lastdata: 'custom/menu', start: T0 + 2000, answer: T0 + 2000, end: T0 + 2030, disposition: 'ANSWERED' });
    // The same name 30 days later (a reused id after a counter reset): another call, outside the window.
    const later = { ...cdrRow({ ...near, sequence: 10 }), start: T0 + 2000 + 30 * 86_400, answer: T0 + 2000 + 30 * 86_400, end: T0 + 2030 + 30 * 86_400 };
    await createStore(ch).insertCdr([near, later], 'story-cdr-epoch');
    const s = await queryCallStory(ch, 'default', id, O);
    expect(s?.cdr_legs.map((l) => [l.start, l.uniqueid, l.sequence])).toEqual([[at(T0 + 2000), id, 9]]);
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
