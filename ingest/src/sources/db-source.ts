// Source `asteriskcdrdb`: new rows of the MySQL/MariaDB tables an Asterisk PBX writes (Elastix,
// Issabel, FreePBX, Wazo): the CDR table (`cdr`, written by cdr_mysql / cdr_adaptive_odbc) and the
// realtime queue_log table (`queue_log`, FreePBX tools' `queuelog`, QueueMetrics' table; see
// docs/pbx-formats/queue_log.md §2), read incrementally and published like the lines of
// Master.csv and of the queue_log file: same subjects, same normalization (core/cdr.ts fields,
// core/realtime.ts -> core/queue-log.ts normalizeQueueRow), same content identity.
//
// Two ways to read a table, chosen by its columns:
// - **By auto-increment id** (any column whose `extra` is auto_increment: `id`, QueueMetrics'
//   `unique_row_count`). A row's event id is `<fingerprint>:<id>` and its offset the id, so a row
//   read twice is the same record and the processor's per-source offset watermark drops it. Ids
//   are read in order and only over a run without holes: with InnoDB a row whose id was taken
//   before another's may become visible after it (concurrent inserts commit out of id order). A
//   hole stops the reader until it fills, or until it stayed open `gapWaitMs` (a rolled-back or
//   deleted row, which never comes). So a row inserted late, whatever its time, is read: it has
//   a higher id. The step between ids is the server's auto_increment_increment.
// - **By an overlap window on the time column** (no auto-increment column: Asterisk 11's
//   contrib queue_log table, Issabel's cdr without the id the README suggests adding). Each poll
//   re-reads every row whose time is at or after (newest time read - overlapS) and skips the rows
//   already published in this run (their whole content is the key). A row inserted late with an
//   older time is read as long as its time is inside the window when it becomes visible; a row
//   older than that is missed (README: set the window above the longest delay, for CDR the
//   longest call, since `calldate` is the start and the row is written at hangup). Offsets are
//   `generation * 2^32 + n`, n counting this run's rows: the generation is raised and written to
//   the checkpoint before a run publishes, so offsets only grow across restarts and the offset
//   watermark never drops a new row. After a restart the window is published again and the
//   processor keeps one copy by content: queue_log events by their line key (processor
//   core/line-key.ts: the same line from a table, a file or a push counts once), CDR rows by
//   their row_key (cdr table, ReplacingMergeTree, read with FINAL).
// Checkpoint (temp file + fsync + rename, sources/checkpoint.ts) after the bus acknowledgement
// only: the highest id, or the offset and newest time, every row up to which was acknowledged.
// After a crash the rows after it are read again; nothing before it is ever skipped.
// A missing table is not an error: it is looked for again every `absentRecheckMs` (Issabel 4
// keeps queue_log only in the file). A lost connection is retried with backoff (0.5 s doubling to
// 30 s) from the checkpoint. A table that lacks a required column stops the source.
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { Logger } from 'pino';
import { cdrSubject, deadLetterSubject, eventsSubject, EVENTS_STREAM_SPEC, type CdrRecord, type DeadLetter, type QueueEvent } from '../contract.ts';
import type { IngestBus } from '../bus/port.ts';
import { BatchPublisher } from '../bus/publisher.ts';
import { epochWindow, parseEpoch, type ParseResult } from '../core/queue-log.ts';
import { parseRealtimeRow } from '../core/realtime.ts';
import { epochToLocalDateTime, localDateTimeToEpoch } from '../core/time.ts';
import { CheckpointWriter, readCheckpoint, type Checkpoint } from './checkpoint.ts';

export type DbTableKind = 'cdr' | 'queue_log';

export interface DbTableOptions {
  /** `mysql://user:password@host:port/asteriskcdrdb` (read-only credentials are enough). */
  url: string;
  site: string;
  /** What the table holds (default cdr). */
  kind?: DbTableKind;
  /** Table name, or names tried in order (the first that exists is read). Default: cdr / queue_log, queuelog. */
  table?: string | string[];
  /** Directory of the checkpoint file. */
  stateDir: string;
  /** Zone of the table's date-time texts (the database server's; default UTC). */
  timeZone?: string;
  /** Between two reads: default 1 s by id, 5 s by the window (which re-reads all of it). */
  pollIntervalMs?: number;
  batchRows?: number;
  /** How long a hole in the ids is waited for before it is taken as a row that never comes. */
  gapWaitMs?: number;
  /** Tables without an auto-increment id: seconds of rows re-read behind the newest time read. */
  overlapS?: number;
  /** How often a table that does not exist is looked for again. */
  absentRecheckMs?: number;
  clockSkewS?: number;
  /** For tests: the clock. */
  now?: () => number;
}

export interface DbTableStatus {
  source: string;
  site: string;
  kind: DbTableKind;
  /** The table read (null while none of the names exists). */
  table: string | null;
  /** `absent`: no such table (looked for again); `id`: read by auto-increment id; `window`: by the time column. */
  mode: 'connecting' | 'absent' | 'id' | 'window';
  /** The id column (mode id) or time column (mode window). */
  column: string | null;
  /** The table held no row when last connected (null before): a PBX that does not write to it. */
  empty: boolean | null;
  /** Highest id (mode id) or offset (mode window) acknowledged by the bus. */
  checkpoint: number;
  /** Mode window: newest row time (epoch s) acknowledged. */
  checkpointTime: number | null;
  accepted: number;
  rejected: number;
  connected: boolean;
  reconnects: number;
}

export class DbSourceError extends Error {
  override name = 'CdrDbSourceError';
}

/** The source's name with the password left out (logs, dead letters, the event source). */
export function sourceName(url: string, table: string): string {
  const u = new URL(url);
  return `mysql://${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}.${table}`;
}

export interface DbTableSource {
  stop(): Promise<void>;
  status(): DbTableStatus;
  /** Settles when the source ends: resolves after stop(), rejects when the table cannot be read (DbSourceError). */
  readonly done: Promise<void>;
}

type Row = RowDataPacket;
const text = (r: Row, k: string | undefined): string => (k === undefined || r[k] === null || r[k] === undefined ? '' : String(r[k]));

/** What differs between the two kinds: columns, subject, the record of a row. */
interface TableSpec<T> {
  tables: string[];
  /** Time columns, first present wins (the window reads by it). */
  timeColumns: string[];
  /** Columns every row needs (beside the time column). */
  required: string[];
  /** Columns read when present. */
  optional: string[];
  itemsField: string;
  subject(site: string): string;
  record(r: Row, at: { fingerprint: string; site: string; source: string; offset: number; time: string; tz: string; latestEpochS: number }): ParseResult<T>;
}

const AMAFLAGS: Record<string, string> = { '1': 'OMIT', '2': 'BILLING', '3': 'DOCUMENTATION' };

/** A time cell: a date-time text in the table's zone, or epoch seconds (QueueMetrics' time_id, old realtime tables' varchar). */
export function cellEpoch(cell: string, tz: string): number | null {
  const t = cell.trim();
  return /^\d+$/.test(t) ? parseEpoch(t) : localDateTimeToEpoch(t, tz);
}

const CDR_SPEC: TableSpec<CdrRecord> = {
  tables: ['cdr'],
  timeColumns: ['calldate'],
  required: ['duration', 'billsec'],
  optional: ['accountcode', 'src', 'dst', 'dcontext', 'clid', 'channel', 'dstchannel', 'lastapp', 'lastdata', 'disposition', 'amaflags', 'uniqueid', 'userfield', 'peeraccount', 'linkedid', 'sequence', 'did'],
  itemsField: 'records',
  subject: cdrSubject,
  record(r, at) {
    const s = (k: string): string => text(r, k);
    const raw = JSON.stringify(r).slice(0, 8192);
    // `calldate` is the call start; the table has no answer or end column: end = calldate + duration, answer = end - billsec when billsec > 0.
    const start = cellEpoch(s(at.time), at.tz);
    if (start === null) return { ok: false, reason: 'bad_field:calldate', line: raw };
    const window = epochWindow(start, { latestEpochS: at.latestEpochS });
    if (window !== null) return { ok: false, reason: window, line: raw };
    const duration = Number(r.duration);
    const billsec = Number(r.billsec);
    if (!Number.isFinite(duration) || duration < 0) return { ok: false, reason: 'bad_field:duration', line: raw };
    if (!Number.isFinite(billsec) || billsec < 0) return { ok: false, reason: 'bad_field:billsec', line: raw };
    const end = start + duration;
    const sequence = r.sequence === null || r.sequence === undefined || r.sequence === '' ? null : Number(r.sequence);
    return {
      ok: true,
      value: {
        event_id: `${at.fingerprint}:${at.offset}`, site: at.site, source: at.source, offset: at.offset, layout: 'mysql',
        accountcode: s('accountcode'), src: s('src'), dst: s('dst'), dcontext: s('dcontext'), clid: s('clid'), channel: s('channel'),
        dstchannel: s('dstchannel'), lastapp: s('lastapp'), lastdata: s('lastdata'), start, answer: billsec > 0 ? end - billsec : null, end,
        duration, billsec, disposition: s('disposition'), amaflags: AMAFLAGS[s('amaflags')] ?? s('amaflags'), uniqueid: s('uniqueid'),
        userfield: s('userfield'), peeraccount: s('peeraccount'), linkedid: s('linkedid'), sequence: Number.isFinite(sequence) ? sequence : null,
        ...(s('did') !== '' ? { did: s('did') } : {}),
      },
    };
  },
};

/** queue_log column roles and their names in the known schemas (Asterisk contrib, QueueMetrics qm.sql). */
const QL_ALIASES: Record<string, string[]> = {
  callid: ['callid', 'call_id'],
  queuename: ['queuename', 'queue'],
  agent: ['agent'],
  event: ['event', 'verb'],
};

function queueLogSpec(have: Set<string>): TableSpec<QueueEvent> {
  const pick = (role: string): string | undefined => QL_ALIASES[role]?.find((c) => have.has(c));
  const names = { callid: pick('callid'), queuename: pick('queuename'), agent: pick('agent'), event: pick('event') };
  const adaptive = have.has('data1');
  return {
    tables: ['queue_log', 'queuelog'],
    timeColumns: ['time', 'time_id'],
    required: Object.entries(names).map(([role, c]) => c ?? role),
    optional: adaptive ? ['data1', 'data2', 'data3', 'data4', 'data5'] : ['data'],
    itemsField: 'events',
    subject: eventsSubject,
    record(r, at) {
      const raw = JSON.stringify(r).slice(0, 8192);
      const ts = cellEpoch(text(r, at.time), at.tz);
      if (ts === null) return { ok: false, reason: 'bad_time', line: raw };
      // The same rows as a realtime export: the data string rebuilt as the file writes it (queue_log.md §2).
      const row: Record<string, string | undefined> = {
        time: epochToLocalDateTime(ts, 'UTC'), callid: text(r, names.callid), queuename: text(r, names.queuename), agent: text(r, names.agent), event: text(r, names.event),
      };
      if (adaptive) for (const k of ['data1', 'data2', 'data3', 'data4', 'data5']) row[k] = text(r, have.has(k) ? k : undefined);
      else row.data = text(r, have.has('data') ? 'data' : undefined);
      return parseRealtimeRow(row, { site: at.site, source: at.source, fingerprint: at.fingerprint, offset: at.offset, lineNo: 0, latestEpochS: at.latestEpochS }, 'UTC', raw);
    },
  };
}

/** Offsets of mode window: generation in the high bits, the run's row count in the low 32. */
const GENERATION = 2 ** 32;

export function startDbTableSource(deps: { bus: IngestBus; log: Logger }, o: DbTableOptions): DbTableSource {
  const kind = o.kind ?? 'cdr';
  const candidates = o.table === undefined ? (kind === 'cdr' ? CDR_SPEC.tables : ['queue_log', 'queuelog']) : Array.isArray(o.table) ? o.table : [o.table];
  for (const t of candidates) if (!/^[A-Za-z0-9_]{1,64}$/.test(t)) throw new DbSourceError(`table name '${t}' must be letters, digits or _`);
  const url = new URL(o.url);
  if (url.protocol !== 'mysql:') throw new DbSourceError(`a database source is mysql://user:password@host/asteriskcdrdb, got ${url.protocol}`);
  const tz = o.timeZone ?? 'UTC';
  const pollMs = o.pollIntervalMs ?? 1000;
  // Each poll of the window re-reads all of it: less often than new ids are looked for.
  const windowPollMs = o.pollIntervalMs ?? 5000;
  const batchRows = o.batchRows ?? 5000;
  const gapWaitMs = o.gapWaitMs ?? 10_000;
  const overlapS = o.overlapS ?? 600;
  const absentMs = o.absentRecheckMs ?? 60_000;
  const now = o.now ?? Date.now;
  const status: DbTableStatus = {
    source: sourceName(o.url, candidates[0] as string), site: o.site, kind, table: null, mode: 'connecting', column: null, empty: null,
    checkpoint: 0, checkpointTime: null, accepted: 0, rejected: 0, connected: false, reconnects: 0,
  };
  let stopping = false;
  let wake: (() => void) | null = null;
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(t);
        wake = null;
        resolve();
      };
    });

  /** Set once the table is found: its name fixes the fingerprint, checkpoint file and publisher. */
  let bound: {
    table: string;
    name: string;
    fingerprint: string;
    cpFile: string;
    checkpoints: CheckpointWriter;
    publisher: BatchPublisher<CdrRecord | QueueEvent, number>;
    /** Mode window: the newest time published up to each offset still unacknowledged, in order. */
    pendingTimes: Array<[number, number]>;
    generation: number;
  } | null = null;

  async function bind(table: string): Promise<NonNullable<typeof bound>> {
    const name = sourceName(o.url, table);
    const fingerprint = createHash('sha256').update(o.site).update('\0').update(name).digest('hex').slice(0, 16);
    // The cdr file name of the first version is kept, so an upgrade goes on from its checkpoint.
    const cpFile = join(o.stateDir, `${kind === 'cdr' ? 'cdr' : 'queue-log'}-db-${fingerprint}.json`);
    // `tablero start` with only database sources has no file source to make the directory.
    await mkdir(o.stateDir, { recursive: true });
    const cp = await readCheckpoint(cpFile).catch(() => null);
    const mine = cp?.fingerprint === fingerprint ? cp : null;
    status.checkpoint = mine?.offset ?? 0;
    status.checkpointTime = mine?.window?.time ?? null;
    const b: NonNullable<typeof bound> = {
      table, name, fingerprint, cpFile, pendingTimes: [], generation: mine?.window?.generation ?? 0,
      checkpoints: new CheckpointWriter(cpFile, (err) => deps.log.warn({ err, source: name }, 'checkpoint not written')),
      publisher: null as unknown as BatchPublisher<CdrRecord | QueueEvent, number>,
    };
    const save = (): void => b.checkpoints.save(checkpointOf(b));
    b.publisher = new BatchPublisher<CdrRecord | QueueEvent, number>(deps, {
      site: o.site,
      subject: kind === 'cdr' ? cdrSubject(o.site) : eventsSubject(o.site),
      deadSubject: deadLetterSubject(o.site),
      itemsField: kind === 'cdr' ? 'records' : 'events',
      maxItems: 2000,
      lingerMs: 200,
      maxInFlight: 8,
      onCommit: (offset) => {
        status.checkpoint = offset;
        while (b.pendingTimes.length > 0 && (b.pendingTimes[0] as [number, number])[0] <= offset) status.checkpointTime = (b.pendingTimes.shift() as [number, number])[1];
        save();
      },
    });
    status.table = table;
    status.source = name;
    return b;
  }

  function checkpointOf(b: NonNullable<typeof bound>): Checkpoint {
    return {
      version: 1, path: b.name, dev: 'mysql', ino: b.table, fingerprint: b.fingerprint, offset: status.checkpoint, line_no: 0,
      ...(status.mode === 'window' ? { window: { generation: b.generation, time: status.checkpointTime ?? 0 } } : {}),
    };
  }

  /** The first candidate table that exists, or null. */
  async function findTable(conn: Connection): Promise<string | null> {
    const [rows] = await conn.query<Row[]>('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN (?)', [candidates]);
    const found = new Set(rows.map((r) => String(r.t)));
    return candidates.find((t) => found.has(t)) ?? null;
  }

  async function session(conn: Connection, b: NonNullable<typeof bound>): Promise<void> {
    const [cols] = await conn.query<Row[]>(
      'SELECT column_name AS c, data_type AS t, extra AS x FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?',
      [b.table],
    );
    const have = new Set(cols.map((x) => String(x.c).toLowerCase()));
    const spec = (kind === 'cdr' ? CDR_SPEC : queueLogSpec(have)) as TableSpec<CdrRecord | QueueEvent>;
    const time = spec.timeColumns.find((c) => have.has(c));
    const idCol = cols.find((x) => /auto_increment/i.test(String(x.x)));
    const missing = [...(time ? [] : [spec.timeColumns.join(' or ')]), ...spec.required.filter((c) => !have.has(c))];
    if (missing.length > 0) throw new DbSourceError(`table ${b.table} has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}`);
    const timeCol = time as string;
    const timeType = String(cols.find((x) => String(x.c).toLowerCase() === timeCol)?.t ?? '').toLowerCase();
    const id = idCol ? String(idCol.c) : null;
    const select = [...new Set([...(id ? [id] : []), timeCol, ...spec.required, ...spec.optional.filter((c) => have.has(c))])].map((c) => `\`${c}\``).join(', ');
    const ctx = { fingerprint: b.fingerprint, site: o.site, source: b.name, time: timeCol, tz };
    const emit = (r: Row, offset: number): void => {
      const rec = spec.record(r, { ...ctx, offset, latestEpochS: Math.floor(now() / 1000) + (o.clockSkewS ?? 86_400) });
      if (rec.ok) {
        b.publisher.add(b.fingerprint, offset, rec.value, offset);
        status.accepted += 1;
      } else {
        const dead: DeadLetter = {
          event_id: `${b.fingerprint}:${offset}`, site: o.site, source: b.name, offset, line_no: 0,
          raw: rec.line, reason: rec.reason, rejected_at: Math.floor(now() / 1000),
        };
        b.publisher.addDead(b.fingerprint, dead, offset);
        status.rejected += 1;
      }
    };
    // A table that exists but holds nothing yet (a PBX that logs queue_log to the file only): said once, then read as any other.
    const [any] = await conn.query<Row[]>(`SELECT 1 AS one FROM \`${b.table}\` LIMIT 1`);
    status.empty = any.length === 0;
    if (status.empty && status.checkpoint === 0) deps.log.info({ source: b.name, kind }, 'the table is empty: read as rows arrive (is the PBX writing to it?)');
    if (id !== null) {
      status.mode = 'id';
      status.column = id;
      await readById(conn, b, id, select, emit);
    } else {
      status.mode = 'window';
      status.column = timeCol;
      await readByWindow(conn, b, timeCol, timeType, select, emit);
    }
  }

  async function readById(conn: Connection, b: NonNullable<typeof bound>, id: string, select: string, emit: (r: Row, offset: number) => void): Promise<void> {
    const [inc] = await conn.query<Row[]>('SELECT @@auto_increment_increment AS step');
    const step = Number(inc[0]?.step ?? 1) || 1;
    let next = status.checkpoint;
    let gapSince: { at: number; id: number } | null = null;
    while (!stopping) {
      const [rows] = await conn.query<Row[]>(`SELECT ${select} FROM \`${b.table}\` WHERE \`${id}\` > ? ORDER BY \`${id}\` LIMIT ?`, [next, batchRows]);
      let taken = 0;
      for (const r of rows) {
        const n = Number(r[id]);
        // A hole: wait for it to fill, or take it as a row that never comes after gapWaitMs.
        if (n !== next + step && next > 0) {
          if (gapSince === null || gapSince.id !== next) gapSince = { at: now(), id: next };
          if (now() - gapSince.at < gapWaitMs) break;
          deps.log.warn({ source: b.name, after: next, next: n }, 'ids skipped: a hole stayed open (rolled back or deleted rows)');
        }
        gapSince = null;
        emit(r, n);
        next = n;
        taken += 1;
        if (b.publisher.full) await b.publisher.waitForSpace();
      }
      if (taken < batchRows) await sleep(pollMs);
    }
  }

  async function readByWindow(conn: Connection, b: NonNullable<typeof bound>, timeCol: string, timeType: string, select: string, emit: (r: Row, offset: number) => void): Promise<void> {
    // The bound is written like the column's values: a number, or a text (date-time or epoch digits; texts of one format compare in time order).
    const numeric = /int|decimal|double|float/.test(timeType);
    let epochText = false;
    if (!numeric && !/date|time/.test(timeType)) {
      const [one] = await conn.query<Row[]>(`SELECT \`${timeCol}\` AS t FROM \`${b.table}\` WHERE \`${timeCol}\` IS NOT NULL LIMIT 1`);
      epochText = one.length > 0 && /^\s*\d+\s*$/.test(text(one[0] as Row, 't'));
    }
    const boundOf = (epoch: number): string | number => (numeric ? epoch : epochText ? String(epoch) : epochToLocalDateTime(epoch, tz));
    // A new generation of offsets before anything of this run is published (see the header).
    b.generation += 1;
    b.checkpoints.save(checkpointOf(b));
    await b.checkpoints.flush();
    let n = 0;
    let newest = status.checkpointTime;
    /** Content keys of the rows published in this run, with their time, dropped once below the window. */
    const seen = new Map<string, number>();
    while (!stopping) {
      let from = newest === null ? null : newest - overlapS;
      for (;;) {
        const [rows] = await conn.query<Row[]>(
          from === null
            ? `SELECT ${select} FROM \`${b.table}\` ORDER BY \`${timeCol}\` LIMIT ?`
            : `SELECT ${select} FROM \`${b.table}\` WHERE \`${timeCol}\` >= ? ORDER BY \`${timeCol}\` LIMIT ?`,
          from === null ? [batchRows] : [boundOf(from), batchRows],
        );
        let last: number | null = null;
        for (const r of rows) {
          const t = cellEpoch(text(r, timeCol), tz);
          if (t !== null) last = t;
          const key = createHash('sha1').update(JSON.stringify(r)).digest('base64');
          if (seen.has(key)) continue;
          seen.set(key, t ?? 0);
          if (n >= GENERATION) throw new DbSourceError(`table ${b.table}: more than 2^32 rows in one run`);
          const offset = b.generation * GENERATION + n;
          n += 1;
          if (t !== null && (newest === null || t > newest)) newest = t;
          b.pendingTimes.push([offset, newest ?? 0]);
          emit(r, offset);
          if (b.publisher.full) await b.publisher.waitForSpace();
        }
        if (rows.length < batchRows || stopping || last === null) break;
        // A full page: go on from its last time (rows at that time come again and are skipped). A
        // page all at one time would come back the same: that time is read whole, then after it.
        if (last !== null && from !== null && last <= from) {
          const [same] = await conn.query<Row[]>(`SELECT ${select} FROM \`${b.table}\` WHERE \`${timeCol}\` = ?`, [boundOf(last)]);
          for (const r of same) {
            const key = createHash('sha1').update(JSON.stringify(r)).digest('base64');
            if (seen.has(key)) continue;
            seen.set(key, last);
            const offset = b.generation * GENERATION + n;
            n += 1;
            b.pendingTimes.push([offset, newest ?? last]);
            emit(r, offset);
            if (b.publisher.full) await b.publisher.waitForSpace();
          }
          from = last + 1;
        } else {
          from = last;
        }
      }
      if (newest !== null) for (const [k, t] of seen) if (t < newest - overlapS) seen.delete(k);
      await sleep(windowPollMs);
    }
  }

  const done = (async () => {
    await deps.bus.ensureStream(EVENTS_STREAM_SPEC);
    let backoff = 500;
    while (!stopping) {
      let conn: Connection | null = null;
      try {
        // mysql2 loads with the first database source, not with every ingest.
        const { createConnection } = await import('mysql2/promise');
        conn = await createConnection({ uri: o.url, dateStrings: true, supportBigNumbers: true, bigNumberStrings: false, connectTimeout: 10_000 });
        status.connected = true;
        backoff = 500;
        if (bound === null) {
          const table = await findTable(conn);
          if (table === null) {
            if (status.mode !== 'absent') deps.log.info({ kind, tables: candidates, source: status.source }, 'no such table in the database: looked for again later');
            status.mode = 'absent';
            await conn.end().catch(() => undefined);
            conn = null;
            status.connected = false;
            await sleep(absentMs);
            continue;
          }
          bound = await bind(table);
        }
        // After a reconnect: from what the bus acknowledged (rows in flight come again, same ids).
        await bound.publisher.flush();
        await session(conn, bound);
      } catch (err) {
        status.connected = false;
        if (err instanceof DbSourceError) {
          deps.log.error({ source: status.source, err: err.message }, 'database source stopped');
          throw err;
        }
        if (stopping) break;
        status.reconnects += 1;
        deps.log.warn({ source: status.source, err: (err as Error).message, retry_ms: backoff }, 'database source disconnected, retrying');
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 30_000);
      } finally {
        status.connected = false;
        await conn?.end().catch(() => undefined);
      }
    }
  })();
  done.catch(() => undefined);

  return {
    done,
    status: () => ({ ...status }),
    async stop() {
      stopping = true;
      wake?.();
      await done.catch(() => undefined);
      if (bound) {
        await bound.publisher.flush().catch(() => undefined);
        await bound.publisher.stop(5000);
        await bound.checkpoints.flush().catch(() => undefined);
      }
    },
  };
}
