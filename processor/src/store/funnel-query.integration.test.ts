// The call funnel on hand-worked CDR leg sets (kpi-definitions §13), one site per Asterisk era:
// 1.8 (cdr_csv 18 columns, one row per channel, no linkedid: grouped by uniqueid; IVR option in
// the userfield), 13 without newcdrcolumns (18 columns, several rows per caller uniqueid: ringall
// attempts, a row after a transfer; IVR option in the lastdata of Playback) and 18+ (21 columns:
// linkedid and sequence, queue members through Local channels; IVR option from queue_log events).
// Each era plays the same eight calls, parsed by ingest's real parsers and stored by the real
// processor:
//   A  IVR only: option 1 (recorded information), hangs up                      service 101
//   B  IVR option 2 (agent) -> q101 -> answered after 12 s                       service 101
//   C  IVR option 2 -> q101 -> abandoned after 40 s                              service 101
//   D  IVR option 0 -> q102 answered after 30 s -> blind transfer -> q101 answered after 5 s  service 102
//   E  straight to q102 (no IVR) -> answered after 8 s                           service 102
//   F  outbound: an agent dials out (to the 101 DID in 18+): not an inbound call  none
//   G  IVR option 2 (agent) -> hangs up before Queue(): lost between IVR and queue service 101
//   H  IVR option 0 -> q102 CLOSED (custom refused verb): refused                service 102
// T is 20 s (default) in q101 and 30 s in q102 (configured), so D (first answered in q102 at 30 s)
// is within T only by q102's own T; B and E are within, and the transfer does not count D twice.
import type { CdrBatch, CdrRecord, EventBatch, QueueEvent } from '@tablero/ingest/contract';
import { parseCdrLine, parseQueueLogLine } from '@tablero/ingest';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunnelRow } from '../contract.ts';
import { parseFunnelConfig, type FunnelConfig } from '../core/funnel.ts';
import { DEFAULT_QUEUE_SETTINGS } from '../core/settings.ts';
import { startProcessor } from '../service.ts';
import { TestBus } from '../testing/bus.ts';
import { freshClickHouse } from '../testing/clickhouse.ts';
import { queryFunnel, type FunnelReadOptions } from './funnel-query.ts';
import type { ClickHouse } from '@tablero/sql';

const log = pino({ level: 'silent' });
const T = Date.UTC(2026, 10, 9, 14, 0, 0) / 1000;

interface Leg {
  uid: string;
  linkedid?: string;
  seq?: number;
  dst: string;
  dcontext: string;
  channel: string;
  dstchannel?: string;
  app: string;
  data: string;
  start: number;
  answer: number | null;
  end: number;
  disp?: string;
  userfield?: string;
}

const q = (s: string): string => `"${s.replaceAll('"', '""')}"`;
const date = (t: number): string => new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ');
/** A cdr_csv line: 18 columns (uniqueid, userfield), or 21 with newcdrcolumns when the leg has a linkedid. */
function cdrCsv(l: Leg): string {
  const cells = [
    q(''), q('3001110000'), q(l.dst), q(l.dcontext), q('"" <3001110000>'), q(l.channel), q(l.dstchannel ?? ''), q(l.app), q(l.data),
    q(date(l.start)), l.answer === null ? '' : q(date(l.answer)), q(date(l.end)), String(l.end - l.start), String(l.answer === null ? 0 : l.end - l.answer),
    q(l.disp ?? (l.answer === null ? 'NO ANSWER' : 'ANSWERED')), q('DOCUMENTATION'), q(l.uid), q(l.userfield ?? ''),
  ];
  if (l.linkedid !== undefined) cells.push(q(''), q(l.linkedid), String(l.seq ?? 0));
  return cells.join(',');
}

/** Queue_log text with `+N|` meaning T+N. */
const ql = (text: string): string[] =>
  text.split('\n').map((s) => s.trim()).filter((s) => s !== '').map((s) => s.replace(/^\+(\d+)\|/, (_m, d: string) => `${T + Number(d)}|`));

async function feed(bus: TestBus, site: string, legs: Leg[], queueLog: string[]): Promise<void> {
  const records: CdrRecord[] = [];
  let off = 0;
  for (const l of legs) {
    const r = parseCdrLine(cdrCsv(l), { site, source: `test:${site}.csv`, fingerprint: `${site}cdr`, offset: off, lineNo: 0 }, { timeZone: 'UTC' });
    if (!r.ok) throw new Error(`${r.reason}: ${r.line}`);
    records.push(r.value);
    off += 1000;
  }
  const events: QueueEvent[] = [];
  off = 0;
  for (const line of queueLog) {
    const r = parseQueueLogLine(line, { site, source: `test:${site}.ql`, fingerprint: `${site}ql`, offset: off, lineNo: 0 });
    if (!r.ok) throw new Error(`${r.reason}: ${r.line}`);
    events.push(r.value);
    off += 1000;
  }
  const cdr: CdrBatch = { batch_id: `${site}cdr:all`, site, records };
  const evb: EventBatch = { batch_id: `${site}ql:all`, site, events };
  expect(await bus.deliver(`pbx.cdr.${site}`, cdr, cdr.batch_id)).toBe(true);
  expect(await bus.deliver(`pbx.events.${site}`, evb, evb.batch_id)).toBe(true);
}

// ---------------------------------------------------------------- Asterisk 1.8 (no linkedid)
const U18 = (n: number): string => `${T}.${n}`;
const AST18: Leg[] = [
  { uid: U18(1), dst: 's', dcontext: 'ivr-101', channel: 'SIP/trunk-00000001', app: 'Hangup', data: '', start: T, answer: T, end: T + 60, userfield: '1' },
  { uid: U18(2), dst: '101', dcontext: 'q-101', channel: 'SIP/trunk-00000002', dstchannel: 'SIP/201-00000003', app: 'Queue', data: 'q101,t', start: T + 100, answer: T + 100, end: T + 300, userfield: '2' },
  { uid: U18(4), dst: '101', dcontext: 'q-101', channel: 'SIP/trunk-00000004', app: 'Queue', data: 'q101,t', start: T + 400, answer: T + 400, end: T + 470, userfield: '2' },
  // D: the caller's CDR is split at the transfer (same uniqueid); the first row is the 102 one.
  { uid: U18(5), dst: '102', dcontext: 'q-102', channel: 'SIP/trunk-00000005', dstchannel: 'SIP/202-00000006', app: 'Queue', data: 'q102,t', start: T + 500, answer: T + 500, end: T + 600, userfield: '0' },
  { uid: U18(5), dst: '101', dcontext: 'q-101', channel: 'SIP/trunk-00000005', dstchannel: 'SIP/201-00000007', app: 'Queue', data: 'q101,t', start: T + 600, answer: T + 600, end: T + 700, userfield: '0' },
  { uid: U18(8), dst: '102', dcontext: 'q-102', channel: 'SIP/trunk-00000008', dstchannel: 'SIP/202-00000009', app: 'Queue', data: 'q102,t', start: T + 800, answer: T + 800, end: T + 900 },
  { uid: U18(10), dst: '3001234567', dcontext: 'from-internal', channel: 'SIP/201-0000000a', dstchannel: 'SIP/trunk-0000000b', app: 'Dial', data: 'SIP/trunk/3001234567', start: T + 1000, answer: T + 1005, end: T + 1060 },
  { uid: U18(12), dst: 's', dcontext: 'ivr-101', channel: 'SIP/trunk-0000000c', app: 'Hangup', data: '', start: T + 1100, answer: T + 1100, end: T + 1130, userfield: '2' },
  { uid: U18(13), dst: 's', dcontext: 'q-102', channel: 'SIP/trunk-0000000d', app: 'Playback', data: 'custom/closed', start: T + 1200, answer: T + 1200, end: T + 1210, userfield: '0' },
];
const QL18 = ql(`
  +130|${U18(2)}|q101|NONE|ENTERQUEUE||3001110000|1
  +142|${U18(2)}|q101|SIP/201|CONNECT|12|${U18(3)}|0
  +300|${U18(2)}|q101|SIP/201|COMPLETECALLER|12|158|1
  +430|${U18(4)}|q101|NONE|ENTERQUEUE||3001110000|1
  +470|${U18(4)}|q101|NONE|ABANDON|1|1|40
  +530|${U18(5)}|q102|NONE|ENTERQUEUE||3001110000|1
  +560|${U18(5)}|q102|SIP/202|CONNECT|30|${U18(6)}|0
  +600|${U18(5)}|q102|SIP/202|TRANSFER|101|q-101|30|40
  +601|${U18(5)}|q101|NONE|ENTERQUEUE||3001110000|1
  +606|${U18(5)}|q101|SIP/201|CONNECT|5|${U18(7)}|0
  +700|${U18(5)}|q101|SIP/201|COMPLETECALLER|5|94|1
  +800|${U18(8)}|q102|NONE|ENTERQUEUE||3001110000|1
  +808|${U18(8)}|q102|SIP/202|CONNECT|8|${U18(9)}|0
  +900|${U18(8)}|q102|SIP/202|COMPLETEAGENT|8|92|1
  +1206|${U18(13)}|q102|NONE|CLOSED|
`);

// ------------------------------------------------- Asterisk 13 without newcdrcolumns (no linkedid)
const U13 = (n: number): string => `${T + 1}.${n}`;
const AST13: Leg[] = [
  { uid: U13(1), dst: '6014400101', dcontext: 'from-pstn', channel: 'PJSIP/trunk-00000001', app: 'Playback', data: 'custom/ivr101-opt-1', start: T, answer: T, end: T + 60 },
  // B: a ringall attempt to 202 that was not answered, then the bridge with 201: two rows, one uniqueid.
  { uid: U13(2), dst: '6014400101', dcontext: 'from-pstn', channel: 'PJSIP/trunk-00000002', dstchannel: 'PJSIP/202-00000004', app: 'Queue', data: 'q101,t', start: T + 130, answer: null, end: T + 142 },
  { uid: U13(2), dst: '6014400101', dcontext: 'from-pstn', channel: 'PJSIP/trunk-00000002', dstchannel: 'PJSIP/201-00000003', app: 'Queue', data: 'q101,t', start: T + 100, answer: T + 100, end: T + 300 },
  { uid: U13(5), dst: '6014400101', dcontext: 'from-pstn', channel: 'PJSIP/trunk-00000005', app: 'Queue', data: 'q101,t', start: T + 400, answer: T + 400, end: T + 470 },
  { uid: U13(6), dst: '6014400102', dcontext: 'from-pstn', channel: 'PJSIP/trunk-00000006', dstchannel: 'PJSIP/202-00000007', app: 'Queue', data: 'q102,t', start: T + 500, answer: T + 500, end: T + 600 },
  // D after the blind transfer: a new row of the caller's uniqueid, in the transfer context.
  { uid: U13(6), dst: '101', dcontext: 'from-internal-xfer', channel: 'PJSIP/trunk-00000006', dstchannel: 'PJSIP/201-00000009', app: 'Queue', data: 'q101,t', start: T + 600, answer: T + 600, end: T + 700 },
  // The transferring agent's own channel: its uniqueid, an internal context; not a call of its own.
  { uid: U13(7), dst: '101', dcontext: 'from-internal', channel: 'PJSIP/202-00000007', app: 'Queue', data: 'q102,t', start: T + 560, answer: T + 560, end: T + 600 },
  { uid: U13(10), dst: '6014400102', dcontext: 'from-pstn', channel: 'PJSIP/trunk-0000000a', dstchannel: 'PJSIP/202-0000000b', app: 'Queue', data: 'q102,t', start: T + 800, answer: T + 800, end: T + 900 },
  { uid: U13(12), dst: '3001234567', dcontext: 'from-internal', channel: 'PJSIP/201-0000000c', dstchannel: 'PJSIP/trunk-0000000d', app: 'Dial', data: 'PJSIP/3001234567@trunk', start: T + 1000, answer: T + 1005, end: T + 1060 },
  { uid: U13(14), dst: '6014400101', dcontext: 'from-pstn', channel: 'PJSIP/trunk-0000000e', app: 'Playback', data: 'custom/ivr101-opt-2', start: T + 1100, answer: T + 1100, end: T + 1130 },
  { uid: U13(15), dst: '6014400102', dcontext: 'from-pstn', channel: 'PJSIP/trunk-0000000f', app: 'Playback', data: 'custom/closed', start: T + 1200, answer: T + 1200, end: T + 1210 },
];
const QL13 = ql(`
  +130|${U13(2)}|q101|NONE|ENTERQUEUE||3001110000|1
  +142|${U13(2)}|q101|PJSIP/201|CONNECT|12|${U13(3)}|0
  +300|${U13(2)}|q101|PJSIP/201|COMPLETECALLER|12|158|1
  +430|${U13(5)}|q101|NONE|ENTERQUEUE||3001110000|1
  +470|${U13(5)}|q101|NONE|ABANDON|1|1|40
  +530|${U13(6)}|q102|NONE|ENTERQUEUE||3001110000|1
  +560|${U13(6)}|q102|PJSIP/202|CONNECT|30|${U13(7)}|0
  +600|${U13(6)}|q102|PJSIP/202|BLINDTRANSFER|101|from-internal-xfer|30|40|1
  +601|${U13(6)}|q101|NONE|ENTERQUEUE||3001110000|1
  +606|${U13(6)}|q101|PJSIP/201|CONNECT|5|${U13(9)}|0
  +700|${U13(6)}|q101|PJSIP/201|COMPLETECALLER|5|94|1
  +800|${U13(10)}|q102|NONE|ENTERQUEUE||3001110000|1
  +808|${U13(10)}|q102|PJSIP/202|CONNECT|8|${U13(11)}|0
  +900|${U13(10)}|q102|PJSIP/202|COMPLETEAGENT|8|92|1
  +1206|${U13(15)}|q102|NONE|CLOSED|
`);

// ------------------------------------------------------------ Asterisk 18+ (linkedid, sequence)
const U20 = (n: number): string => `${T + 2}.${n}`;
const local = (n: number, agent: string): string => `Local/${agent}@from-queue-0000000${n};2`;
const AST20: Leg[] = [
  { uid: U20(1), linkedid: U20(1), seq: 1, dst: '6014400101', dcontext: 'from-pstn', channel: 'PJSIP/trunk-00000001', app: 'Playback', data: 'custom/info', start: T, answer: T, end: T + 60 },
  // B: the caller's row, and the Local channel legs of the members (answered by 201, 202 rang).
  { uid: U20(2), linkedid: U20(2), seq: 2, dst: '6014400101', dcontext: 'from-pstn', channel: 'PJSIP/trunk-00000002', dstchannel: 'Local/201@from-queue-00000001;1', app: 'Queue', data: 'q101,t', start: T + 100, answer: T + 100, end: T + 300 },
  { uid: U20(3), linkedid: U20(2), seq: 4, dst: '201', dcontext: 'from-queue', channel: local(1, '201'), dstchannel: 'PJSIP/201-00000005', app: 'Dial', data: 'PJSIP/201,,', start: T + 130, answer: T + 142, end: T + 300 },
  { uid: U20(4), linkedid: U20(2), seq: 5, dst: '202', dcontext: 'from-queue', channel: local(2, '202'), dstchannel: 'PJSIP/202-00000006', app: 'Dial', data: 'PJSIP/202,,', start: T + 130, answer: null, end: T + 142 },
  { uid: U20(8), linkedid: U20(8), seq: 8, dst: '6014400101', dcontext: 'from-pstn', channel: 'PJSIP/trunk-00000008', app: 'Queue', data: 'q101,t', start: T + 400, answer: T + 400, end: T + 470 },
  { uid: U20(9), linkedid: U20(8), seq: 9, dst: '201', dcontext: 'from-queue', channel: local(3, '201'), dstchannel: 'PJSIP/201-00000009', app: 'Dial', data: 'PJSIP/201,,', start: T + 430, answer: null, end: T + 470 },
  // D: the caller's row into q102, the member's Local leg, the caller's row after the transfer into q101.
  { uid: U20(10), linkedid: U20(10), seq: 10, dst: '6014400102', dcontext: 'from-pstn', channel: 'PJSIP/trunk-0000000a', dstchannel: 'Local/202@from-queue-00000004;1', app: 'Queue', data: 'q102,t', start: T + 500, answer: T + 500, end: T + 600 },
  { uid: U20(11), linkedid: U20(10), seq: 11, dst: '202', dcontext: 'from-queue', channel: local(4, '202'), dstchannel: 'PJSIP/202-0000000b', app: 'Dial', data: 'PJSIP/202,,', start: T + 530, answer: T + 560, end: T + 600 },
  { uid: U20(10), linkedid: U20(10), seq: 13, dst: '101', dcontext: 'from-internal-xfer', channel: 'PJSIP/trunk-0000000a', dstchannel: 'Local/201@from-queue-00000005;1', app: 'Queue', data: 'q101,t', start: T + 600, answer: T + 600, end: T + 700 },
  { uid: U20(14), linkedid: U20(14), seq: 14, dst: '6014400102', dcontext: 'from-pstn', channel: 'PJSIP/trunk-0000000e', dstchannel: 'Local/202@from-queue-00000006;1', app: 'Queue', data: 'q102,t', start: T + 800, answer: T + 800, end: T + 900 },
  // F: an agent dials the 101 DID from inside: the number matches, the context does not.
  { uid: U20(15), linkedid: U20(15), seq: 15, dst: '6014400101', dcontext: 'from-internal', channel: 'PJSIP/201-0000000f', dstchannel: 'PJSIP/trunk-00000010', app: 'Dial', data: 'PJSIP/6014400101@trunk', start: T + 1000, answer: T + 1005, end: T + 1060 },
  { uid: U20(16), linkedid: U20(16), seq: 16, dst: '6014400101', dcontext: 'from-pstn', channel: 'PJSIP/trunk-00000011', app: 'Playback', data: 'custom/connecting', start: T + 1100, answer: T + 1100, end: T + 1130 },
  { uid: U20(17), linkedid: U20(17), seq: 17, dst: '6014400102', dcontext: 'from-pstn', channel: 'PJSIP/trunk-00000012', app: 'Playback', data: 'custom/closed', start: T + 1200, answer: T + 1200, end: T + 1210 },
];
const QL20 = ql(`
  +20|${U20(1)}|NONE|NONE|IVROPTION|1
  +125|${U20(2)}|NONE|NONE|IVROPTION|2
  +130|${U20(2)}|q101|NONE|ENTERQUEUE||3001110000|1
  +142|${U20(2)}|q101|Local/201@from-queue/n|CONNECT|12|${U20(3)}|0
  +300|${U20(2)}|q101|Local/201@from-queue/n|COMPLETECALLER|12|158|1
  +425|${U20(8)}|NONE|NONE|IVROPTION|2
  +430|${U20(8)}|q101|NONE|ENTERQUEUE||3001110000|1
  +470|${U20(8)}|q101|NONE|ABANDON|1|1|40
  +520|${U20(10)}|NONE|NONE|IVROPTION|0
  +530|${U20(10)}|q102|NONE|ENTERQUEUE||3001110000|1
  +560|${U20(10)}|q102|Local/202@from-queue/n|CONNECT|30|${U20(11)}|0
  +600|${U20(10)}|q102|Local/202@from-queue/n|BLINDTRANSFER|101|from-internal-xfer|30|40|1
  +601|${U20(10)}|q101|NONE|ENTERQUEUE||3001110000|1
  +606|${U20(10)}|q101|Local/201@from-queue/n|CONNECT|5|${U20(12)}|0
  +700|${U20(10)}|q101|Local/201@from-queue/n|COMPLETECALLER|5|94|1
  +800|${U20(14)}|q102|NONE|ENTERQUEUE||3001110000|1
  +808|${U20(14)}|q102|Local/202@from-queue/n|CONNECT|8|${U20(14)}.1|0
  +900|${U20(14)}|q102|Local/202@from-queue/n|COMPLETEAGENT|8|92|1
  +1120|${U20(16)}|NONE|NONE|INFO|IVRAPPEND|2|ivr-101
  +1205|${U20(17)}|NONE|NONE|IVROPTION|0
  +1206|${U20(17)}|q102|NONE|CLOSED|
`);

const FUNNEL = parseFunnelConfig({
  a18: {
    services: [
      { service: '101', contexts: ['ivr-101', 'q-101'], agent_options: ['0', '2'] },
      { service: '102', contexts: ['ivr-102', 'q-102'], agent_options: ['0'] },
    ],
    ivr: { source: 'userfield' },
  },
  a13: {
    services: [
      { service: '101', dids: ['6014400101'], agent_options: ['0', '2'] },
      { service: '102', dids: ['6014400102'], agent_options: ['0'] },
    ],
    ivr: { source: 'lastdata', app: 'Playback', pattern: 'opt-(\\d+)' },
  },
  a20: {
    services: [
      { service: '101', contexts: ['from-pstn'], dids: ['6014400101'], agent_options: ['0', '2'] },
      { service: '102', contexts: ['from-pstn'], dids: ['6014400102'], agent_options: ['0'] },
    ],
    ivr: { source: 'queue_log' },
  },
});
if (!FUNNEL.ok) throw new Error(FUNNEL.errors.join('; '));
const OPTS: FunnelReadOptions = {
  defaultTz: 'UTC',
  funnel: FUNNEL.value as FunnelConfig,
  baseSettings: { sites: {}, defaultSite: { defaults: { ...DEFAULT_QUEUE_SETTINGS }, queues: { q102: { threshold_s: 30 } } } },
};

let ch: ClickHouse & { dispose(): Promise<void> };
beforeAll(async () => {
  ch = await freshClickHouse();
  const bus = new TestBus();
  const p = await startProcessor({ bus, ch, log, now: () => (T + 3600) * 1000 }, { tz: 'UTC' });
  await feed(bus, 'a18', AST18, QL18);
  await feed(bus, 'a13', AST13, QL13);
  await feed(bus, 'a20', AST20, QL20);
  await p.stop();
});
afterAll(async () => {
  await ch?.dispose();
});

const counts = (r: FunnelRow): number[] => [
  r.ingresadas, r.ivr_only, r.asked_agent, r.lost_before_queue, r.refused, r.offered, r.answered, r.answered_within, r.abandoned, r.other_exit,
];
//                  ingresadas ivr_only asked lost refused offered answered within abandoned other
const S101 = [4, 1, 3, 1, 0, 2, 1, 1, 1, 0]; // A | B C G | G | B C | B | B | C
const S102 = [3, 0, 3, 0, 1, 2, 2, 2, 0, 0]; // D E H | H | D E | D E | D (q102 T 30) E

describe('call funnel (hand-worked leg sets)', () => {
  it.each([
    ['a18', 'Asterisk 1.8, no linkedid, option in userfield', [{ option: '1', calls: 1 }, { option: '2', calls: 3 }], [{ option: '', calls: 1 }, { option: '0', calls: 2 }]],
    ['a13', 'Asterisk 13, no linkedid, option in Playback lastdata', [{ option: '', calls: 2 }, { option: '1', calls: 1 }, { option: '2', calls: 1 }], [{ option: '', calls: 3 }]],
    ['a20', 'Asterisk 18+, linkedid, option from queue_log', [{ option: '1', calls: 1 }, { option: '2', calls: 3 }], [{ option: '', calls: 1 }, { option: '0', calls: 2 }]],
  ])('%s (%s): the same eight calls give the same funnel', async (site, _what, options101, options102) => {
    const rows = await queryFunnel(ch, { from: '2026-11-09', to: '2026-11-10', site, tz: 'UTC' }, OPTS);
    expect(rows.map((r) => [r.service, r.period, counts(r)])).toEqual([
      ['101', '2026-11-09', S101],
      ['102', '2026-11-09', S102],
    ]);
    expect(rows.map((r) => r.by_option)).toEqual([options101, options102]);
    // The identities every row keeps.
    for (const r of rows) {
      expect(r.ingresadas).toBe(r.ivr_only + r.asked_agent);
      expect(r.asked_agent).toBe(r.offered + r.refused + r.lost_before_queue);
      expect(r.offered).toBe(r.answered + r.abandoned + r.other_exit);
    }
    expect(rows.map((r) => r.definition.thresholds)).toEqual([
      [{ queue: 'q101', threshold_s: 20, strict: false, settings_version: 0 }],
      [{ queue: 'q102', threshold_s: 30, strict: false, settings_version: 0 }],
    ]);
  });

  it('states its definition in each row', async () => {
    const [row] = await queryFunnel(ch, { from: '2026-11-09', to: '2026-11-10', site: 'a20', tz: 'UTC', services: ['101'] }, OPTS);
    expect(row?.definition).toEqual({
      site: 'a20', tz: 'UTC', contexts: ['from-pstn'], dids: ['6014400101'], ivr_source: 'queue_log:IVROPTION', agent_options: ['0', '2'],
      grouping: 'linkedid_else_uniqueid', thresholds: [{ queue: 'q101', threshold_s: 20, strict: false, settings_version: 0 }], spans_change: false,
    });
  });

  it('by 15-minute interval: a call belongs to the period of its first leg', async () => {
    const rows = await queryFunnel(ch, { from: '2026-11-09', to: '2026-11-10', site: 'a20', tz: 'UTC', by: 'interval' }, OPTS);
    // 14:00-14:15: A B C (101), D E (102); 14:15-14:30: G (101), H (102).
    expect(rows.map((r) => [r.service, r.period, r.ingresadas, r.answered, r.lost_before_queue, r.refused])).toEqual([
      ['101', '2026-11-09T14:00', 3, 1, 0, 0],
      ['101', '2026-11-09T14:15', 1, 0, 1, 0],
      ['102', '2026-11-09T14:00', 2, 2, 0, 0],
      ['102', '2026-11-09T14:15', 1, 0, 0, 1],
    ]);
  });

  it('a range that ends before a call began does not count it; an unknown service is refused', async () => {
    const rows = await queryFunnel(ch, { from: '2026-11-09T14:00', to: '2026-11-09T14:10', site: 'a18', tz: 'UTC' }, OPTS);
    // Calls starting before 14:10: A B C (101) and D (102, starts 14:08:20).
    expect(rows.map((r) => [r.service, r.ingresadas])).toEqual([['101', 3], ['102', 1]]);
    await expect(queryFunnel(ch, { from: '2026-11-09', to: '2026-11-10', site: 'a18', services: ['999'] }, OPTS)).rejects.toThrow("no service '999'");
  });
});
