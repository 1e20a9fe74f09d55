// Ticket events onto the bus: HTTP push (JSON) and bulk import (CSV files, plain or .gz).
// Both resolve only after the bus acknowledged every batch, so a caller that sees success may
// forget what it sent. Rejected records go to `crm.dead.<site>` as dead letters and are counted.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import {
  CRM_STREAM_SPEC,
  SITE_ID_PATTERN,
  crmDeadLetterSubject,
  ticketsSubject,
  type DeadLetter,
  type DeadLetterBatch,
  type TicketEvent,
} from '../contract.ts';
import type { IngestBus } from '../bus/port.ts';
import { truncateUtf8 } from '../core/dead-letter.ts';
import { isValidTimeZone } from '../core/time.ts';
import { parseTicketCsvHeader, parseTicketCsvRow, ticketBatches, ticketFromRecord } from './parse.ts';

export class TicketInputError extends Error {
  override name = 'TicketInputError';
  constructor(
    readonly code: 'TABLERO_ERR_TICKETS_BODY' | 'TABLERO_ERR_TICKETS_SITE' | 'TABLERO_ERR_TICKETS_TZ' | 'TABLERO_ERR_TICKETS_HEADER',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface TicketRejection {
  /** 1-based record index (JSON) or line number (CSV). */
  line: number;
  reason: string;
}

export interface TicketPublishResult {
  accepted: number;
  rejected: number;
  rejections: TicketRejection[];
}

const MAX_PUSH_RECORDS = 10_000;

function deadLetter(site: string, source: string, key: string, line: number, raw: string, reason: string, nowS: number): DeadLetter {
  const id = createHash('sha256').update(`${site}\0${source}\0${key}\0${line}\0${raw}`).digest('hex').slice(0, 24);
  return { event_id: `dead:${id}`, site, source, offset: line, line_no: line, raw: truncateUtf8(raw, 8192), reason, rejected_at: nowS };
}

async function publishAll(bus: IngestBus, site: string, events: TicketEvent[], dead: DeadLetter[]): Promise<void> {
  await bus.ensureStream(CRM_STREAM_SPEC);
  for (const b of ticketBatches(site, events)) {
    await bus.publish(ticketsSubject(site), Buffer.from(JSON.stringify(b)), b.batch_id);
  }
  for (let i = 0; i < dead.length; i += 500) {
    const chunk = dead.slice(i, i + 500);
    const h = createHash('sha256');
    for (const d of chunk) h.update(d.event_id).update('\0');
    const batch: DeadLetterBatch = { batch_id: `ticket-dead:${h.digest('hex').slice(0, 32)}`, site, dead: chunk };
    await bus.publish(crmDeadLetterSubject(site), Buffer.from(JSON.stringify(batch)), batch.batch_id);
  }
}

export interface TicketPushRequest {
  site: string;
  /** The push source's name (from its token); events are stored with source `push:<name>`. */
  sourceName: string;
  /** `{ "events": [ {...}, ... ] }` or a bare array of records (see parse.ts for the fields). */
  body: unknown;
  /** Zone of local times without an offset (default UTC). */
  tz?: string;
}

/**
 * POST /ingest/tickets core. A body that is not a list of records is refused whole (400); bad
 * records inside a good body are rejected one by one and reported with their index.
 */
export function createTicketPushHandler(deps: { bus: IngestBus; log: Logger; now?: () => number }): (req: TicketPushRequest) => Promise<TicketPublishResult> {
  const now = deps.now ?? Date.now;
  return async (req) => {
    if (!SITE_ID_PATTERN.test(req.site)) throw new TicketInputError('TABLERO_ERR_TICKETS_SITE', `site id "${req.site}" is not valid`);
    const tz = req.tz ?? 'UTC';
    if (!isValidTimeZone(tz)) throw new TicketInputError('TABLERO_ERR_TICKETS_TZ', `unknown time zone "${tz}"`);
    const body = req.body;
    const records: unknown = Array.isArray(body) ? body : typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['events'] : undefined;
    if (!Array.isArray(records)) throw new TicketInputError('TABLERO_ERR_TICKETS_BODY', 'body must be {"events": [...]} or an array of ticket events');
    if (records.length > MAX_PUSH_RECORDS) throw new TicketInputError('TABLERO_ERR_TICKETS_BODY', `at most ${MAX_PUSH_RECORDS} events per request`);
    const source = `push:${req.sourceName}`;
    const nowS = Math.floor(now() / 1000);
    const events: TicketEvent[] = [];
    const dead: DeadLetter[] = [];
    const rejections: TicketRejection[] = [];
    records.forEach((rec, i) => {
      const line = i + 1;
      const raw = JSON.stringify(rec) ?? 'undefined';
      if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
        rejections.push({ line, reason: 'not_an_object' });
        dead.push(deadLetter(req.site, source, 'push', line, raw, 'not_an_object', nowS));
        return;
      }
      const r = ticketFromRecord(rec as Record<string, unknown>, { site: req.site, source, tz, line });
      if (r.ok) events.push(r.value);
      else {
        rejections.push({ line, reason: r.reason });
        dead.push(deadLetter(req.site, source, 'push', line, raw, r.reason, nowS));
      }
    });
    await publishAll(deps.bus, req.site, events, dead);
    if (rejections.length > 0) deps.log.warn({ site: req.site, source, rejected: rejections.length }, 'pushed ticket events rejected');
    return { accepted: events.length, rejected: rejections.length, rejections };
  };
}

export interface TicketImportOptions {
  files: string[];
  site: string;
  /** The CRM's name; with the ticket id, event and time it makes an event's identity. Default `crm`. */
  source?: string;
  /** Zone of local times in the files. */
  tz: string;
  onFile?: (file: string, result: TicketPublishResult) => void;
}

export interface TicketImportSummary {
  files: number;
  lines: number;
  accepted: number;
  /** Rejected rows by reason (also published as dead letters). */
  rejected: Record<string, number>;
  /** First rejections with file and line, for the closing report. */
  examples: Array<{ file: string; line: number; reason: string }>;
}

/**
 * `tablero import --kind tickets`: whole CSV files (a CRM export is small) parsed and published.
 * Idempotent: the same rows give the same event ids and batch ids, so a second import stores
 * nothing new (the bus drops repeated msg ids; the store collapses repeated event ids).
 */
export async function importTicketFiles(deps: { bus: IngestBus; log: Logger; now?: () => number }, opts: TicketImportOptions): Promise<TicketImportSummary> {
  if (!SITE_ID_PATTERN.test(opts.site)) throw new TicketInputError('TABLERO_ERR_TICKETS_SITE', `site id "${opts.site}" is not valid`);
  if (!isValidTimeZone(opts.tz)) throw new TicketInputError('TABLERO_ERR_TICKETS_TZ', `unknown time zone "${opts.tz}"`);
  const now = deps.now ?? Date.now;
  const source = opts.source ?? 'crm';
  const summary: TicketImportSummary = { files: 0, lines: 0, accepted: 0, rejected: {}, examples: [] };
  for (const file of opts.files) {
    let bytes = await readFile(file);
    if (file.endsWith('.gz')) bytes = gunzipSync(bytes);
    const lines = bytes.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    const head = parseTicketCsvHeader(lines[0] ?? '');
    if (!head.ok) throw new TicketInputError('TABLERO_ERR_TICKETS_HEADER', `${file}: line 1: ${head.reason} (expected a header like ticket_id,event,time,type,area)`);
    const nowS = Math.floor(now() / 1000);
    const events: TicketEvent[] = [];
    const dead: DeadLetter[] = [];
    const rejections: TicketRejection[] = [];
    for (let i = 1; i < lines.length; i++) {
      const raw = lines[i] as string;
      if (raw.trim() === '') continue;
      summary.lines += 1;
      const r = parseTicketCsvRow(raw, head.value, { site: opts.site, source, tz: opts.tz, line: i + 1 });
      if (r.ok) events.push(r.value);
      else {
        rejections.push({ line: r.line, reason: r.reason });
        dead.push(deadLetter(opts.site, source, `import:${basename(file)}`, r.line, raw, r.reason, nowS));
        summary.rejected[r.reason] = (summary.rejected[r.reason] ?? 0) + 1;
        if (summary.examples.length < 10) summary.examples.push({ file, line: r.line, reason: r.reason });
      }
    }
    await publishAll(deps.bus, opts.site, events, dead);
    summary.files += 1;
    summary.accepted += events.length;
    opts.onFile?.(file, { accepted: events.length, rejected: rejections.length, rejections });
  }
  return summary;
}
