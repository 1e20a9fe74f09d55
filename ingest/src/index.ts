// @tablero/ingest entry point: the composition root (root `src/`, the `tablero` CLI) calls these
// with the real bus and logger.
import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import { EVENTS_STREAM_SPEC, SITE_ID_PATTERN } from './contract.ts';
import type { IngestBus } from './bus/port.ts';
import { kindSpec } from './core/kind-registry.ts';
import { FileSource, type SourceStatus } from './sources/file-source.ts';

export type { IngestBus, PublishAck } from './bus/port.ts';
export type { SourceStatus } from './sources/file-source.ts';
export { parseQueueLogLine, DEFAULT_CLOCK_SKEW_S, type ParseResult, type LineOrigin } from './core/queue-log.ts';
export { fingerprintFromHead } from './core/fingerprint.ts';
export { parseCdrLine, type CdrFormat } from './core/cdr.ts';
export { parseRealtimeLine, parseRealtimeRow, parsePsqlTables, type RealtimeFormat } from './core/realtime.ts';
export { UnknownTimeZoneError } from './core/kind-registry.ts';
export { importFiles, expandImportFiles, ImportError, type ImportOptions, type ImportKind, type ImportProgress, type ImportSummary } from './sources/import.ts';
export { createPushHandler, pushFingerprint, PushRequestError, PushUnavailableError, type PushRequest, type PushResult } from './sources/push.ts';

export interface FileSourceConfig {
  path: string;
  site: string;
  kind: 'queue_log' | 'cdr';
  /** Zone of CDR date cells (default `UTC`); ignored for queue_log, whose epochs are UTC. */
  timeZone?: string;
}

export class IngestConfigError extends Error {
  override name = 'IngestConfigError';
}

export interface IngestHandle {
  stop(): Promise<void>;
  status(): SourceStatus[];
}

/** Tails every configured file until `stop()`. Ensures the events stream exists first. */
export async function startIngest(
  deps: { bus: IngestBus; log: Logger },
  opts: { sources: FileSourceConfig[]; stateDir: string; pollIntervalMs?: number; clockSkewS?: number },
): Promise<IngestHandle> {
  const seen = new Set<string>();
  for (const s of opts.sources) {
    if (!SITE_ID_PATTERN.test(s.site)) throw new IngestConfigError(`site id "${s.site}" of ${s.path} must match ${String(SITE_ID_PATTERN)}`);
    const key = `${s.site}\0${s.kind}\0${s.path}`;
    if (seen.has(key)) throw new IngestConfigError(`source ${s.path} (${s.kind}, site ${s.site}) is configured twice`);
    seen.add(key);
  }
  await deps.bus.ensureStream(EVENTS_STREAM_SPEC);
  await mkdir(opts.stateDir, { recursive: true });
  const sources = opts.sources.map(
    (s) =>
      new FileSource(deps, kindSpec(s.kind, s.timeZone !== undefined ? { timeZone: s.timeZone } : {}), {
        path: s.path,
        site: s.site,
        stateDir: opts.stateDir,
        ...(opts.pollIntervalMs !== undefined ? { pollIntervalMs: opts.pollIntervalMs } : {}),
        ...(opts.clockSkewS !== undefined ? { clockSkewS: opts.clockSkewS } : {}),
      }),
  );
  const started: FileSource<unknown>[] = [];
  try {
    for (const s of sources) {
      await s.start();
      started.push(s);
    }
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    throw err;
  }
  deps.log.info({ sources: opts.sources.length }, 'ingest started');
  return {
    status: () => sources.map((s) => s.status()),
    stop: async () => {
      await Promise.all(sources.map((s) => s.stop()));
      deps.log.info({ sources: opts.sources.length }, 'ingest stopped');
    },
  };
}
// Tickets (PQRSD escalations, issue #7).
export { createTicketPushHandler, importTicketFiles, TicketInputError, type TicketPushRequest, type TicketPublishResult, type TicketRejection, type TicketImportOptions, type TicketImportSummary } from './tickets/publish.ts';
export { ticketFromRecord, parseTicketCsvHeader, parseTicketCsvRow, parseTicketTime, ticketEventId, TICKET_CSV_COLUMNS } from './tickets/parse.ts';
export { startCdrDbSource, sourceName as cdrDbSourceName, CdrDbSourceError, type CdrDbOptions, type CdrDbStatus, type CdrDbSource } from './sources/cdr-db.ts';
export { startDbTableSource, cellEpoch, DbSourceError, type DbTableKind, type DbTableOptions, type DbTableStatus, type DbTableSource } from './sources/db-source.ts';
