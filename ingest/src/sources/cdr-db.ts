// Source `asteriskcdrdb`: new rows of the MySQL/MariaDB CDR table (Elastix, Issabel, FreePBX
// `asteriskcdrdb.cdr`, written by cdr_mysql / cdr_adaptive_odbc) read incrementally by the
// table's auto-increment `id` and published as CdrRecord batches, like Master.csv lines.
//
// Exactly once (README "How the numbers stay exact"):
// - A row's event id is `<source fingerprint>:<id>` and its offset the id, so a row read twice is
//   the same record and the processor's per-source offset watermark drops it.
// - The checkpoint (the highest id every row up to which the bus acknowledged) is written after the
//   acknowledgement only: temp file + fsync + rename (sources/checkpoint.ts). After a crash the rows
//   after it are read again; nothing before it is ever skipped.
// - Ids are read in order and only over a run without holes: with InnoDB, a row whose id was
//   taken before another's may become visible after it (concurrent inserts commit out of id
//   order). A hole stops the reader until it fills, or until it has stayed open `gapWaitMs` (a
//   rolled-back or deleted row, which never comes). So a row inserted late, whatever its calldate,
//   is read: it has a higher id. The step between ids is the server's auto_increment_increment.
// - A lost connection is retried with backoff (0.5 s doubling to 30 s) from the checkpoint.
// Dates: `calldate` is the call start in the database's zone (`timeZone`); the table has no answer
// or end column: end = calldate + duration, answer = end - billsec when billsec > 0.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import type { Logger } from 'pino';
import { cdrSubject, deadLetterSubject, EVENTS_STREAM_SPEC, type CdrRecord, type DeadLetter } from '../contract.ts';
import type { IngestBus } from '../bus/port.ts';
import { BatchPublisher } from '../bus/publisher.ts';
import { epochWindow } from '../core/queue-log.ts';
import { localDateTimeToEpoch } from '../core/time.ts';
import { CheckpointWriter, readCheckpoint } from './checkpoint.ts';

export interface CdrDbOptions {
  /** `mysql://user:password@host:port/asteriskcdrdb` (read-only credentials are enough). */
  url: string;
  site: string;
  table?: string;
  /** Directory of the checkpoint file. */
  stateDir: string;
  /** Zone of `calldate` (the database server's; default UTC). */
  timeZone?: string;
  pollIntervalMs?: number;
  batchRows?: number;
  /** How long a hole in the ids is waited for before it is taken as a row that never comes. */
  gapWaitMs?: number;
  clockSkewS?: number;
  /** For tests: the clock. */
  now?: () => number;
}

export interface CdrDbStatus {
  source: string;
  site: string;
  /** Highest id acknowledged by the bus. */
  checkpoint: number;
  accepted: number;
  rejected: number;
  connected: boolean;
  reconnects: number;
}

export class CdrDbSourceError extends Error {
  override name = 'CdrDbSourceError';
}

/** Columns read when the table has them (Issabel and Elastix versions differ: read by name). */
const OPTIONAL = ['accountcode', 'src', 'dst', 'dcontext', 'clid', 'channel', 'dstchannel', 'lastapp', 'lastdata', 'disposition', 'amaflags', 'uniqueid', 'userfield', 'peeraccount', 'linkedid', 'sequence', 'did'] as const;
const REQUIRED = ['id', 'calldate', 'duration', 'billsec'] as const;
const AMAFLAGS: Record<string, string> = { '1': 'OMIT', '2': 'BILLING', '3': 'DOCUMENTATION' };

/** The source's name with the password left out (logs, dead letters, the event source). */
export function sourceName(url: string, table: string): string {
  const u = new URL(url);
  return `mysql://${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}.${table}`;
}

export interface CdrDbSource {
  stop(): Promise<void>;
  status(): CdrDbStatus;
  /** Settles when the source ends: resolves after stop(), rejects when the table cannot be read (CdrDbSourceError). */
  readonly done: Promise<void>;
}

export function startCdrDbSource(deps: { bus: IngestBus; log: Logger }, o: CdrDbOptions): CdrDbSource {
  const table = o.table ?? 'cdr';
  if (!/^[A-Za-z0-9_]{1,64}$/.test(table)) throw new CdrDbSourceError(`table name '${table}' must be letters, digits or _`);
  const url = new URL(o.url);
  if (url.protocol !== 'mysql:') throw new CdrDbSourceError(`a database source is mysql://user:password@host/asteriskcdrdb, got ${url.protocol}`);
  const name = sourceName(o.url, table);
  const fingerprint = createHash('sha256').update(o.site).update('\0').update(name).digest('hex').slice(0, 16);
  const cpFile = join(o.stateDir, `cdr-db-${fingerprint}.json`);
  const tz = o.timeZone ?? 'UTC';
  const pollMs = o.pollIntervalMs ?? 1000;
  const batchRows = o.batchRows ?? 5000;
  const gapWaitMs = o.gapWaitMs ?? 10_000;
  const now = o.now ?? Date.now;
  const status: CdrDbStatus = { source: name, site: o.site, checkpoint: 0, accepted: 0, rejected: 0, connected: false, reconnects: 0 };
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

  // One write at a time, the newest wins (a fast stream of acknowledgements costs one fsync per write).
  const checkpoints = new CheckpointWriter(cpFile, (err) => deps.log.warn({ err, source: name }, 'checkpoint not written'));
  const publisher = new BatchPublisher<CdrRecord, number>(deps, {
    site: o.site,
    subject: cdrSubject(o.site),
    deadSubject: deadLetterSubject(o.site),
    itemsField: 'records',
    maxItems: 2000,
    lingerMs: 200,
    maxInFlight: 8,
    onCommit: (id) => {
      status.checkpoint = id;
      checkpoints.save({ version: 1, path: name, dev: 'mysql', ino: table, fingerprint, offset: id, line_no: 0 });
    },
  });

  function toRecord(r: RowDataPacket, id: number): { ok: true; value: CdrRecord } | { ok: false; reason: string } {
    const s = (k: string): string => (r[k] === null || r[k] === undefined ? '' : String(r[k]));
    const start = localDateTimeToEpoch(s('calldate'), tz);
    if (start === null) return { ok: false, reason: 'bad_field:calldate' };
    const window = epochWindow(start, { latestEpochS: Math.floor(now() / 1000) + (o.clockSkewS ?? 86_400) });
    if (window !== null) return { ok: false, reason: window };
    const duration = Number(r.duration);
    const billsec = Number(r.billsec);
    if (!Number.isFinite(duration) || duration < 0) return { ok: false, reason: 'bad_field:duration' };
    if (!Number.isFinite(billsec) || billsec < 0) return { ok: false, reason: 'bad_field:billsec' };
    const end = start + duration;
    const sequence = r.sequence === null || r.sequence === undefined || r.sequence === '' ? null : Number(r.sequence);
    return {
      ok: true,
      value: {
        event_id: `${fingerprint}:${id}`, site: o.site, source: name, offset: id, layout: 'mysql',
        accountcode: s('accountcode'), src: s('src'), dst: s('dst'), dcontext: s('dcontext'), clid: s('clid'), channel: s('channel'),
        dstchannel: s('dstchannel'), lastapp: s('lastapp'), lastdata: s('lastdata'), start, answer: billsec > 0 ? end - billsec : null, end,
        duration, billsec, disposition: s('disposition'), amaflags: AMAFLAGS[s('amaflags')] ?? s('amaflags'), uniqueid: s('uniqueid'),
        userfield: s('userfield'), peeraccount: s('peeraccount'), linkedid: s('linkedid'), sequence: Number.isFinite(sequence) ? sequence : null,
        ...(s('did') !== '' ? { did: s('did') } : {}),
      },
    };
  }

  async function session(conn: Connection, from: number): Promise<number> {
    const [cols] = await conn.query<RowDataPacket[]>(
      'SELECT column_name AS c FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?',
      [table],
    );
    const have = new Set(cols.map((x) => String(x.c).toLowerCase()));
    const missing = REQUIRED.filter((c) => !have.has(c));
    if (missing.length > 0) {
      throw new CdrDbSourceError(
        `table ${table} has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}` +
          (missing.includes('id') ? `: add one with ALTER TABLE ${table} ADD id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY` : ''),
      );
    }
    const select = [...REQUIRED, ...OPTIONAL.filter((c) => have.has(c))].map((c) => `\`${c}\``).join(', ');
    const [inc] = await conn.query<RowDataPacket[]>('SELECT @@auto_increment_increment AS step');
    const step = Number(inc[0]?.step ?? 1) || 1;
    let next = from;
    let gapSince: { at: number; id: number } | null = null;
    while (!stopping) {
      const [rows] = await conn.query<RowDataPacket[]>(`SELECT ${select} FROM \`${table}\` WHERE id > ? ORDER BY id LIMIT ?`, [next, batchRows]);
      let taken = 0;
      for (const r of rows) {
        const id = Number(r.id);
        // A hole: wait for it to fill, or take it as a row that never comes after gapWaitMs.
        if (id !== next + step && next > 0) {
          if (gapSince === null || gapSince.id !== next) gapSince = { at: now(), id: next };
          if (now() - gapSince.at < gapWaitMs) break;
          deps.log.warn({ source: name, after: next, next: id }, 'ids skipped: a hole stayed open (rolled back or deleted rows)');
        }
        gapSince = null;
        const rec = toRecord(r, id);
        if (rec.ok) {
          publisher.add(fingerprint, id, rec.value, id);
          status.accepted += 1;
        } else {
          const dead: DeadLetter = {
            event_id: `${fingerprint}:${id}`, site: o.site, source: name, offset: id, line_no: 0,
            raw: JSON.stringify(r).slice(0, 8192), reason: rec.reason, rejected_at: Math.floor(now() / 1000),
          };
          publisher.addDead(fingerprint, dead, id);
          status.rejected += 1;
        }
        next = id;
        taken += 1;
        if (publisher.full) await publisher.waitForSpace();
      }
      if (taken < batchRows) await sleep(pollMs);
    }
    return next;
  }

  const done = (async () => {
    await deps.bus.ensureStream(EVENTS_STREAM_SPEC);
    const cp = await readCheckpoint(cpFile).catch(() => null);
    status.checkpoint = cp?.fingerprint === fingerprint ? cp.offset : 0;
    let backoff = 500;
    while (!stopping) {
      let conn: Connection | null = null;
      try {
        conn = await createConnection({ uri: o.url, dateStrings: true, supportBigNumbers: true, bigNumberStrings: false, connectTimeout: 10_000 });
        status.connected = true;
        backoff = 500;
        // After a reconnect: from what the bus acknowledged (rows in flight come again, same ids).
        await publisher.flush();
        await session(conn, status.checkpoint);
      } catch (err) {
        status.connected = false;
        if (err instanceof CdrDbSourceError) {
          deps.log.error({ source: name, err: err.message }, 'database source stopped');
          throw err;
        }
        if (stopping) break;
        status.reconnects += 1;
        deps.log.warn({ source: name, err: (err as Error).message, retry_ms: backoff }, 'database source disconnected, retrying');
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
      await publisher.flush().catch(() => undefined);
      await publisher.stop(5000);
      await checkpoints.flush().catch(() => undefined);
    },
  };
}
