// Test support for the asteriskcdrdb queue_log table: queue_log lines in the file form, the same
// lines as realtime table rows (Asterisk's logger.c: local wall-clock `time`, data split into
// data1..data5 with the rest of the string kept in data5, or one `data` column), and the table
// layouts of docs/pbx-formats/queue_log.md §2.
import type { Connection } from 'mysql2/promise';
import { epochToLocalDateTime } from '../../ingest/src/core/time.ts';

/** Asterisk's contrib/ast-db-manage schema: id BIGINT PK (auto-increment), time DATETIME, data1..data5. */
export const ASTERISK_QUEUE_LOG = (name: string): string => `CREATE TABLE ${name} (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, time DATETIME(6), callid VARCHAR(80), queuename VARCHAR(256), agent VARCHAR(80),
  event VARCHAR(32), data1 VARCHAR(100), data2 VARCHAR(100), data3 VARCHAR(100), data4 VARCHAR(100), data5 VARCHAR(100))`;
/** Asterisk 11's contrib/realtime/mysql/queue_log.sql: no id at all. */
export const ASTERISK11_QUEUE_LOG = (name: string): string => `CREATE TABLE ${name} (
  time datetime, callid char(50), queuename char(50), agent char(50), event char(20),
  data1 char(50), data2 char(50), data3 char(50), data4 char(50), data5 char(50), KEY time (time))`;
/** QueueMetrics' sampledb/qm.sql: epoch time_id, call_id, queue, verb, unique_row_count auto-increment. */
export const QUEUEMETRICS_QUEUE_LOG = (name: string): string => `CREATE TABLE ${name} (
  \`partition\` varchar(20) NOT NULL DEFAULT '', time_id int(11) unsigned NOT NULL DEFAULT 0, call_id varchar(200) NOT NULL DEFAULT '',
  queue varchar(50) NOT NULL DEFAULT '', agent varchar(30) NOT NULL DEFAULT '', verb varchar(30) NOT NULL DEFAULT '',
  data1 varchar(200) NOT NULL DEFAULT '', data2 varchar(200) NOT NULL DEFAULT '', data3 varchar(200) NOT NULL DEFAULT '',
  data4 varchar(200) NOT NULL DEFAULT '', data5 varchar(200) NOT NULL DEFAULT '', serverid varchar(10) NOT NULL DEFAULT '',
  unique_row_count int(10) unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY)`;
/** Non-adaptive realtime (one `data` column), the time kept as epoch text, no id. */
export const DATA_COLUMN_QUEUE_LOG = (name: string): string => `CREATE TABLE ${name} (
  time varchar(26), callid varchar(80), queuename varchar(80), agent varchar(80), event varchar(32), data varchar(255))`;

/**
 * Queue_log lines of calls `from..to-1` (file form, in time order). Call n enters queue q1 or q2 at t0 + 10 n; two
 * in three are answered by an agent after n % 7 s and talk 30 + n % 11 s, the others abandon
 * after 5 + n % 13 s; one in 50 ends in an attended transfer. PAUSE and UNPAUSE lines come
 * along (events without a call, one with an empty data string).
 */
export function callLines(from: number, to: number, t0: number): string[] {
  const out: string[] = [];
  for (let n = from; n < to; n++) {
    const t = t0 + n * 10;
    const id = `${t0}.${n}`;
    const q = n % 2 === 0 ? 'q1' : 'q2';
    out.push(`${t}|${id}|${q}|NONE|ENTERQUEUE||30011${n}|1`);
    if (n % 3 !== 0) {
      const wait = n % 7;
      const talk = 30 + (n % 11);
      const agent = `Agente ${n % 4}`;
      out.push(`${t + wait}|${id}|${q}|${agent}|CONNECT|${wait}|${id}9|${wait}`);
      // One in 50 ends in an attended transfer: 6 data fields, so data5 keeps `talk|origposition`.
      if (n % 50 === 1) out.push(`${t + wait + talk}|${id}|${q}|${agent}|ATTENDEDTRANSFER|LINK|SIP/a-${n}|SIP/b-${n}|${wait}|${talk}|1`);
      else out.push(`${t + wait + talk}|${id}|${q}|${agent}|${n % 2 === 0 ? 'COMPLETECALLER' : 'COMPLETEAGENT'}|${wait}|${talk}|1`);
    } else {
      const wait = 5 + (n % 13);
      out.push(`${t + wait}|${id}|${q}|NONE|ABANDON|1|1|${wait}`);
    }
    if (n % 40 === 0) out.push(`${t}|NONE|${q}|Agente ${n % 4}|UNPAUSE|`);
    if (n % 25 === 0) out.push(`${t + 1}|NONE|${q}|Agente ${n % 4}|PAUSE|Almuerzo|con|barras`);
  }
  // In time order, as Asterisk appends them (a stable sort: lines of one second keep their order).
  return out.map((l, i) => [Number(l.slice(0, l.indexOf('|'))), i, l] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[2]);
}

/** The row Asterisk's realtime branch writes for a file line: time in `tz` (or epoch), data split as §2 says. */
export function lineToRow(line: string, time: 'datetime' | 'epoch', tz: string): { time: string | number; callid: string; queuename: string; agent: string; event: string; data: string; d: string[] } {
  const cells = line.split('|');
  const [ts, callid, queuename, agent, event] = cells as [string, string, string, string, string];
  const dataText = cells.slice(5).join('|');
  const parts = dataText.split('|');
  const d = [0, 1, 2, 3].map((i) => parts[i] ?? '');
  d.push(parts.length > 4 ? parts.slice(4).join('|') : '');
  return { time: time === 'epoch' ? Number(ts) : epochToLocalDateTime(Number(ts), tz), callid, queuename, agent, event, data: dataText, d };
}

/** Inserts `lines` into `table` of one of the layouts above. */
export async function insertLines(conn: Connection, table: string, layout: 'asterisk' | 'asterisk11' | 'queuemetrics' | 'data', lines: string[], tz: string): Promise<void> {
  if (lines.length === 0) return;
  if (layout === 'queuemetrics') {
    const rows = lines.map((l) => lineToRow(l, 'epoch', tz)).map((r) => ['P01', r.time, r.callid, r.queuename, r.agent, r.event, ...r.d, 'srv1']);
    await conn.query(`INSERT INTO ${table} (\`partition\`, time_id, call_id, queue, agent, verb, data1, data2, data3, data4, data5, serverid) VALUES ?`, [rows]);
  } else if (layout === 'data') {
    const rows = lines.map((l) => lineToRow(l, 'epoch', tz)).map((r) => [String(r.time), r.callid, r.queuename, r.agent, r.event, r.data]);
    await conn.query(`INSERT INTO ${table} (time, callid, queuename, agent, event, data) VALUES ?`, [rows]);
  } else {
    // logger.c writes "%F %T.%6q": microseconds after the second (dropped by the reader like the file's epoch has none).
    const micro = layout === 'asterisk' ? '.250000' : '';
    const rows = lines.map((l) => lineToRow(l, 'datetime', tz)).map((r) => [`${r.time}${micro}`, r.callid, r.queuename, r.agent, r.event, ...r.d]);
    await conn.query(`INSERT INTO ${table} (time, callid, queuename, agent, event, data1, data2, data3, data4, data5) VALUES ?`, [rows]);
  }
}
