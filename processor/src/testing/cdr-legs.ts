// Test support: the hand-worked CDR leg sets and queue_log lines of the call funnel's tests
// (store/funnel-query.integration.test.ts explains the eight calls A-H and their expected funnel),
// written as Asterisk writes them, so the processor test, the CLI and the browser test read the
// same calls. `T` is the epoch of call A's start; every other time is relative to it.

export interface Leg {
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

export const q = (s: string): string => `"${s.replaceAll('"', '""')}"`;
export const date = (t: number): string => new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ');
/** A cdr_csv line: 18 columns (uniqueid, userfield), or 21 with newcdrcolumns when the leg has a linkedid. */
export function cdrCsv(l: Leg): string {
  const cells = [
    q(''), q('3001110000'), q(l.dst), q(l.dcontext), q('"" <3001110000>'), q(l.channel), q(l.dstchannel ?? ''), q(l.app), q(l.data),
    q(date(l.start)), l.answer === null ? '' : q(date(l.answer)), q(date(l.end)), String(l.end - l.start), String(l.answer === null ? 0 : l.end - l.answer),
    q(l.disp ?? (l.answer === null ? 'NO ANSWER' : 'ANSWERED')), q('DOCUMENTATION'), q(l.uid), q(l.userfield ?? ''),
  ];
  if (l.linkedid !== undefined) cells.push(q(''), q(l.linkedid), String(l.seq ?? 0));
  return cells.join(',');
}

/** One era's CDR legs and queue_log lines. */
export interface LegSet {
  legs: Leg[];
  queueLog: string[];
}

/** The eight calls A-H as Asterisk 1.8, 13 (no linkedid) and 18+ (linkedid) write them, call A at `T`. */
export function funnelLegSets(T: number): { a18: LegSet; a13: LegSet; a20: LegSet } {
  /** Queue_log text with `+N|` meaning T+N. */
  const ql = (text: string): string[] =>
    text.split('\n').map((s) => s.trim()).filter((s) => s !== '').map((s) => s.replace(/^\+(\d+)\|/, (_m, d: string) => `${T + Number(d)}|`));

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
  return { a18: { legs: AST18, queueLog: QL18 }, a13: { legs: AST13, queueLog: QL13 }, a20: { legs: AST20, queueLog: QL20 } };
}
