// Contact records onto the bus (`contacts.records.<site>`): HTTP push (JSON records or CSV text)
// and bulk import (CSV files, plain or .gz, streamed). Both resolve only after the bus
// acknowledged every batch, so a caller that sees success may forget what it sent. Rejected rows
// go to `contacts.dead.<site>` as dead letters (stored, counted on the data quality page).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Logger } from 'pino';
import { CONTACTS_STREAM_SPEC, SITE_ID_PATTERN, contactsDeadSubject, contactsSubject, type ContactRecord, type DeadLetter, type DeadLetterBatch } from '../contract.ts';
import type { IngestBus } from '../bus/port.ts';
import { truncateUtf8 } from '../core/dead-letter.ts';
import { isValidTimeZone } from '../core/time.ts';
import type { ImportProgress } from '../sources/import.ts';
import { contactBatch, contactFingerprint, contactFromRecord, parseContactCsvHeader, parseContactCsvRow } from './parse.ts';

export class ContactInputError extends Error {
  override name = 'ContactInputError';
  constructor(
    readonly code: 'TABLERO_ERR_CONTACTS_BODY' | 'TABLERO_ERR_CONTACTS_SITE' | 'TABLERO_ERR_CONTACTS_TZ' | 'TABLERO_ERR_CONTACTS_HEADER',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface ContactRejection {
  /** 1-based record index (JSON) or line number (CSV). */
  line: number;
  reason: string;
}

export interface ContactPublishResult {
  accepted: number;
  rejected: number;
  rejections: ContactRejection[];
}

/**
 * Contacts per bus message: ~250 bytes each as JSON, so a message stays well under NATS's
 * default 1 MiB payload limit while the store receives large blocks.
 */
export const CONTACT_BATCH_SIZE = 2000;
/** A batch is also cut at this many bytes of rows: long fields must not push a message past 1 MiB. */
export const CONTACT_BATCH_MAX_BYTES = 768 * 1024;
const MAX_PUSH_RECORDS = 10_000;
/**
 * Batches published before the oldest is awaited: a durable publish resolves only once stored (the
 * in-process bus) or acknowledged (JetStream), so one at a time would leave the store writing
 * 2,000 rows per insert. With a window the consumer takes many batches per insert.
 */
const PUBLISH_WINDOW = 32;
/** Rejections listed back to a caller (all are counted and stored as dead letters). */
const MAX_LISTED = 100;

function deadLetter(site: string, source: string, fingerprint: string, line: number, raw: string, reason: string, nowS: number): DeadLetter {
  const id = createHash('sha256').update(`${site}\0${source}\0${fingerprint}\0${line}\0${raw}`).digest('hex').slice(0, 24);
  return { event_id: `dead:${id}`, site, source, offset: line, line_no: line, raw: truncateUtf8(raw, 8192), reason, rejected_at: nowS };
}

/** Collects parsed rows into batches and publishes each full one; `flush()` sends the rest. */
class Publisher {
  /** Rows of the batch being filled (JSON arrays in CONTACT_COLUMNS order, see the contract), their bytes and count. */
  private rows = '';
  private bytes = 0;
  private count = 0;
  private first = 0;
  private last = 0;
  private dead: DeadLetter[] = [];
  accepted = 0;
  rejected = 0;
  readonly rejections: ContactRejection[] = [];
  readonly reasons: Record<string, number> = {};
  private inflight: Array<Promise<void>> = [];
  private failed: unknown = null;

  constructor(
    private readonly bus: IngestBus,
    private readonly site: string,
    private readonly source: string,
    private readonly fingerprint: string,
    private readonly nowS: number,
  ) {}

  async accept(c: ContactRecord, line: number): Promise<void> {
    if (this.count === 0) this.first = line;
    this.last = line;
    const row = `${JSON.stringify([c.site, c.source, c.contact_id, c.channel, c.queue, c.arrived, c.first_response, c.ended, c.agent, c.outcome, c.call_id, c.ticket_id, c.rating_dims, c.rating_scores, c.version])}\n`;
    this.rows += row;
    this.bytes += Buffer.byteLength(row);
    this.count += 1;
    this.accepted += 1;
    if (this.count >= CONTACT_BATCH_SIZE || this.bytes >= CONTACT_BATCH_MAX_BYTES) await this.sendContacts();
  }

  async reject(line: number, raw: string, reason: string): Promise<void> {
    this.rejected += 1;
    this.reasons[reason] = (this.reasons[reason] ?? 0) + 1;
    if (this.rejections.length < MAX_LISTED) this.rejections.push({ line, reason });
    // Named `contacts:<source>` on the data quality page, apart from PBX and ticket sources.
    this.dead.push(deadLetter(this.site, `contacts:${this.source}`, this.fingerprint, line, raw, reason, this.nowS));
    if (this.dead.length >= 500) await this.sendDead();
  }

  private async sendContacts(): Promise<void> {
    if (this.count === 0) return;
    const b = contactBatch(this.site, this.fingerprint, this.first, this.last, this.count, this.rows);
    this.rows = '';
    this.bytes = 0;
    this.count = 0;
    await this.send(contactsSubject(this.site), b.id, b.body);
  }

  private async send(subject: string, id: string, body: string): Promise<void> {
    if (this.failed !== null) throw this.failed;
    // Failures are kept and thrown at the next send or flush (never an unhandled rejection).
    this.inflight.push(this.bus.publish(subject, Buffer.from(body), id).then(() => undefined, (err: unknown) => void (this.failed ??= err)));
    if (this.inflight.length >= PUBLISH_WINDOW) await this.inflight.shift();
    if (this.failed !== null) throw this.failed;
  }

  private async sendDead(): Promise<void> {
    if (this.dead.length === 0) return;
    const h = createHash('sha256');
    for (const d of this.dead) h.update(d.event_id).update('\0');
    const batch: DeadLetterBatch = { batch_id: `contact-dead:${h.digest('hex').slice(0, 32)}`, site: this.site, dead: this.dead };
    this.dead = [];
    await this.send(contactsDeadSubject(this.site), batch.batch_id, JSON.stringify(batch));
  }

  /** Sends what is left and resolves once every batch was acknowledged. */
  async flush(): Promise<void> {
    await this.sendContacts();
    await this.sendDead();
    await Promise.all(this.inflight);
    this.inflight = [];
    if (this.failed !== null) throw this.failed;
  }
}

function checkSiteTz(site: string, tz: string): void {
  if (!SITE_ID_PATTERN.test(site)) throw new ContactInputError('TABLERO_ERR_CONTACTS_SITE', `site id "${site}" is not valid`);
  if (!isValidTimeZone(tz)) throw new ContactInputError('TABLERO_ERR_CONTACTS_TZ', `unknown time zone "${tz}"`);
}

/** Splits text into lines and feeds a CSV's rows (header first) to the publisher. */
class CsvFeeder {
  private header: { names: string[]; sep: string } | null = null;
  private lineNo = 0;
  lines = 0;

  constructor(
    private readonly pub: Publisher,
    private readonly ctx: { site: string; source: string; tz: string; line: number },
    private readonly name: string,
  ) {}

  async line(raw: string): Promise<void> {
    this.lineNo += 1;
    this.ctx.line = this.lineNo;
    if (this.header === null) {
      if (raw.trim() === '') return;
      const h = parseContactCsvHeader(raw);
      if (!h.ok) throw new ContactInputError('TABLERO_ERR_CONTACTS_HEADER', `${this.name}: ${h.reason}`);
      this.header = h.value;
      return;
    }
    // Blank lines are skipped (trim only when the line starts with blank space: the common row does not).
    if (raw.length === 0 || (raw.charCodeAt(0) <= 32 && raw.trim() === '')) return;
    this.lines += 1;
    const r = parseContactCsvRow(raw, this.header, this.ctx);
    if (r.ok) await this.pub.accept(r.value, this.lineNo);
    else await this.pub.reject(this.lineNo, raw, r.reason);
  }
}

export interface ContactPushRequest {
  site: string;
  /** The push source's name (from its token); contacts are stored with source `push:<name>`. */
  sourceName: string;
  /** JSON: `{ "contacts": [ {...}, ... ] }` or a bare array; or CSV text with a header. */
  body: unknown;
  /** Zone of local times without an offset (default UTC). */
  tz?: string;
}

/**
 * POST /ingest/contacts core. A body that is not a list of records (or a CSV without a usable
 * header) is refused whole (400); bad records inside a good body are rejected one by one,
 * reported with their index or line, stored as dead letters, and the good ones kept.
 */
export function createContactPushHandler(deps: { bus: IngestBus; log: Logger; now?: () => number }): (req: ContactPushRequest) => Promise<ContactPublishResult> {
  const now = deps.now ?? Date.now;
  let ensured = false;
  return async (req) => {
    const tz = req.tz ?? 'UTC';
    checkSiteTz(req.site, tz);
    const source = `push:${req.sourceName}`;
    const nowS = Math.floor(now() / 1000);
    const body = req.body;
    let work: (pub: Publisher) => Promise<void>;
    let fingerprint: string;
    if (typeof body === 'string') {
      fingerprint = contactFingerprint(req.site, source, body);
      work = async (pub) => {
        const feeder = new CsvFeeder(pub, { site: req.site, source, tz, line: 0 }, 'body');
        const lines = body.split('\n');
        if (lines.length > MAX_PUSH_RECORDS + 2) throw new ContactInputError('TABLERO_ERR_CONTACTS_BODY', `at most ${MAX_PUSH_RECORDS} rows per request`);
        for (const l of lines) await feeder.line(l);
      };
    } else {
      const records: unknown = Array.isArray(body) ? body : typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['contacts'] : undefined;
      if (!Array.isArray(records)) throw new ContactInputError('TABLERO_ERR_CONTACTS_BODY', 'body must be {"contacts": [...]}, an array of contacts, or CSV text');
      if (records.length > MAX_PUSH_RECORDS) throw new ContactInputError('TABLERO_ERR_CONTACTS_BODY', `at most ${MAX_PUSH_RECORDS} contacts per request`);
      fingerprint = contactFingerprint(req.site, source, JSON.stringify(records));
      work = async (pub) => {
        for (let i = 0; i < records.length; i++) {
          const rec: unknown = records[i];
          const line = i + 1;
          const raw = JSON.stringify(rec) ?? 'undefined';
          if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
            await pub.reject(line, raw, 'not_an_object');
            continue;
          }
          const r = contactFromRecord(rec as Record<string, unknown>, { site: req.site, source, tz, line });
          if (r.ok) await pub.accept(r.value, line);
          else await pub.reject(line, raw, r.reason);
        }
      };
    }
    if (!ensured) {
      await deps.bus.ensureStream(CONTACTS_STREAM_SPEC);
      ensured = true;
    }
    const pub = new Publisher(deps.bus, req.site, source, fingerprint, nowS);
    await work(pub);
    await pub.flush();
    if (pub.rejected > 0) deps.log.warn({ site: req.site, source, rejected: pub.rejected, reasons: pub.reasons }, 'pushed contacts rejected');
    return { accepted: pub.accepted, rejected: pub.rejected, rejections: pub.rejections };
  };
}

export interface ContactImportOptions {
  files: string[];
  site: string;
  /** The channel system's name; stored as `import:<source>`. Default `crm`. */
  source?: string;
  /** Zone of local times in the files. */
  tz: string;
  now?: () => number;
  /** Called as the files are read (the same progress as the other kinds of import). */
  onProgress?: (p: ImportProgress) => void;
}

export interface ContactImportSummary {
  files: number;
  lines: number;
  accepted: number;
  /** Rejected rows by reason (also published as dead letters). */
  rejected: Record<string, number>;
  /** The first rejected rows, with file and line. */
  examples: Array<{ file: string; line: number; reason: string }>;
}

async function head(file: string): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(1024);
    const { bytesRead } = await fh.read(buf, 0, 1024, 0);
    return buf.subarray(0, bytesRead).toString('latin1');
  } finally {
    await fh.close();
  }
}

/**
 * `tablero import --kind contacts`: each file streamed line by line. Idempotent: batch ids come
 * from the file's first 1 KiB and line numbers (the same file again gives the same Nats-Msg-Ids)
 * and the store keeps one row per contact (its latest state).
 */
export async function importContactFiles(deps: { bus: IngestBus; log: Logger }, o: ContactImportOptions): Promise<ContactImportSummary> {
  checkSiteTz(o.site, o.tz);
  const source = `import:${o.source ?? 'crm'}`;
  const nowS = Math.floor((o.now ?? Date.now)() / 1000);
  await deps.bus.ensureStream(CONTACTS_STREAM_SPEC);
  const total: ContactImportSummary = { files: 0, lines: 0, accepted: 0, rejected: {}, examples: [] };
  const bytesTotal = (await Promise.all(o.files.map((f) => stat(f)))).reduce((n, st) => n + st.size, 0);
  const startedMs = Date.now();
  let bytesDone = 0;
  for (const file of o.files) {
    const fingerprint = contactFingerprint(o.site, source, await head(file));
    const pub = new Publisher(deps.bus, o.site, source, fingerprint, nowS);
    const feeder = new CsvFeeder(pub, { site: o.site, source, tz: o.tz, line: 0 }, file);
    const raw = createReadStream(file);
    const progress = (lines: number): void => {
      if (!o.onProgress) return;
      const s = (Date.now() - startedMs) / 1000;
      const bytesRate = s > 0 ? bytesDone / s : 0;
      o.onProgress({ file, bytesDone, bytesTotal, lines, linesPerSec: s > 0 ? lines / s : 0, etaSec: bytesRate > 0 ? (bytesTotal - bytesDone) / bytesRate : null });
    };
    raw.on('data', (b: Buffer | string) => {
      bytesDone += b.length;
      progress(total.lines + feeder.lines);
    });
    const stream = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
    stream.setEncoding('utf8');
    let rest = '';
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest + chunk;
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        await feeder.line(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    if (rest !== '') await feeder.line(rest);
    await pub.flush();
    total.files += 1;
    total.lines += feeder.lines;
    progress(total.lines);
    total.accepted += pub.accepted;
    for (const [r, n] of Object.entries(pub.reasons)) total.rejected[r] = (total.rejected[r] ?? 0) + n;
    for (const e of pub.rejections) if (total.examples.length < 10) total.examples.push({ file, line: e.line, reason: e.reason });
  }
  return total;
}
