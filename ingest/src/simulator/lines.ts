// Formatters for the two files the simulator writes, byte-exact to what Asterisk 13+ writes:
// queue_log lines per docs/pbx-formats/queue_log.md §1/§3 and cdr_csv Master.csv rows with the
// sample cdr.conf settings (18 columns, GMT) per docs/pbx-formats/cdr.md §1. Pure; no newline
// is appended here (the adapter joins and terminates lines).

/** `epoch|callid|queue|agent|EVENT|data`; the `|` after the verb is always there, even with no data. */
export function qlLine(epochS: number, callid: string, queue: string, agent: string, event: string, data: readonly (string | number)[]): string {
  return `${epochS}|${callid}|${queue}|${agent}|${event}|${data.join('|')}`;
}

export const ql = {
  queueStart: (t: number) => qlLine(t, 'NONE', 'NONE', 'NONE', 'QUEUESTART', []),
  /** ADDMEMBER logs the member's interface (log_membername_as_agent=no, the default). */
  addMember: (t: number, uid: string, queue: string, iface: string) => qlLine(t, uid, queue, iface, 'ADDMEMBER', []),
  removeMember: (t: number, uid: string, queue: string, iface: string) => qlLine(t, uid, queue, iface, 'REMOVEMEMBER', []),
  pause: (t: number, queue: string, member: string, reason: string) => qlLine(t, 'NONE', queue, member, 'PAUSE', [reason]),
  unpause: (t: number, queue: string, member: string) => qlLine(t, 'NONE', queue, member, 'UNPAUSE', ['']),
  /** fmt "%s|%s|%d": url (empty), callerid, origposition. */
  enterQueue: (t: number, uid: string, queue: string, callerId: string, origPos: number) =>
    qlLine(t, uid, queue, 'NONE', 'ENTERQUEUE', ['', callerId, origPos]),
  /** fmt "%d": milliseconds. */
  ringNoAnswer: (t: number, uid: string, queue: string, member: string, ms: number) => qlLine(t, uid, queue, member, 'RINGNOANSWER', [ms]),
  ringCanceled: (t: number, uid: string, queue: string, member: string, ms: number) => qlLine(t, uid, queue, member, 'RINGCANCELED', [ms]),
  /** fmt "%ld|%s|%ld": holdtime, bridged channel uniqueid, ringtime (s). */
  connect: (t: number, uid: string, queue: string, member: string, hold: number, bridgedUid: string, ringS: number) =>
    qlLine(t, uid, queue, member, 'CONNECT', [hold, bridgedUid, ringS]),
  /** fmt "%ld|%ld|%d": holdtime, calltime, origposition. */
  complete: (t: number, uid: string, queue: string, member: string, byAgent: boolean, hold: number, talk: number, origPos: number) =>
    qlLine(t, uid, queue, member, byAgent ? 'COMPLETEAGENT' : 'COMPLETECALLER', [hold, talk, origPos]),
  /** fmt "%s|%s|%ld|%ld|%d": extension, context, holdtime, calltime, origposition. */
  blindTransfer: (t: number, uid: string, queue: string, member: string, exten: string, context: string, hold: number, talk: number, origPos: number) =>
    qlLine(t, uid, queue, member, 'BLINDTRANSFER', [exten, context, hold, talk, origPos]),
  /** fmt "%s|%ld|%ld|%d" with %s = "BRIDGE|<bridge uniqueid>". */
  attendedTransfer: (t: number, uid: string, queue: string, member: string, bridgeId: string, hold: number, talk: number, origPos: number) =>
    qlLine(t, uid, queue, member, 'ATTENDEDTRANSFER', ['BRIDGE', bridgeId, hold, talk, origPos]),
  /** fmt "%d|%d|%ld": position, origposition, waittime. Also EXITWITHTIMEOUT and EXITEMPTY. */
  exit: (t: number, uid: string, queue: string, event: 'ABANDON' | 'EXITWITHTIMEOUT' | 'EXITEMPTY', pos: number, origPos: number, wait: number) =>
    qlLine(t, uid, queue, 'NONE', event, [pos, origPos, wait]),
  /** fmt "%s|%d|%d|%ld": key, position, origposition, waittime. */
  exitWithKey: (t: number, uid: string, queue: string, key: string, pos: number, origPos: number, wait: number) =>
    qlLine(t, uid, queue, 'NONE', 'EXITWITHKEY', [key, pos, origPos, wait]),
};

/** One cdr_csv row. Times are epochs; `answerS` null = never answered. */
export interface CdrRow {
  accountcode: string;
  src: string;
  dst: string;
  dcontext: string;
  clid: string;
  channel: string;
  dstchannel: string;
  lastapp: string;
  lastdata: string;
  startS: number;
  answerS: number | null;
  endS: number;
  disposition: 'ANSWERED' | 'NO ANSWER' | 'BUSY' | 'FAILED';
  amaflags: string;
  uniqueid: string;
  userfield: string;
}

/** cdr_csv `append_string`: wrap in quotes, double embedded quotes. */
function q(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

/** `%Y-%m-%d %T` in GMT (usegmtime=yes in the shipped cdr.conf). */
export function cdrTime(epochS: number): string {
  return new Date(epochS * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * 18 columns: accountcode..amaflags, uniqueid, userfield. duration/billsec are unquoted integers,
 * and a never-answered call has an unquoted empty answer field (`append_date` writes only `,`).
 */
export function cdrLine(r: CdrRow): string {
  const duration = r.endS - r.startS;
  const billsec = r.answerS === null ? 0 : r.endS - r.answerS;
  return [
    q(r.accountcode), q(r.src), q(r.dst), q(r.dcontext), q(r.clid), q(r.channel), q(r.dstchannel),
    q(r.lastapp), q(r.lastdata), q(cdrTime(r.startS)), r.answerS === null ? '' : q(cdrTime(r.answerS)),
    q(cdrTime(r.endS)), String(duration), String(billsec), q(r.disposition), q(r.amaflags),
    q(r.uniqueid), q(r.userfield),
  ].join(',');
}
