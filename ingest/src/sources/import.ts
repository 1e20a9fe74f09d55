// Bulk import of finished files (plain or .gz) onto the bus. Idempotent: event ids are the same
// as when the file was tailed (same fingerprint rule over the decompressed first line, byte
// offsets in the decompressed text), and batches are cut deterministically (size and file end
// only, never time), so importing the same file again gives byte-identical batches with the
// same Nats-Msg-Id: JetStream drops them within its duplicate window, the processor's dedup
// after it.
import { createReadStream, type ReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Logger } from 'pino';
import { EVENTS_STREAM_SPEC, SITE_ID_PATTERN } from '../contract.ts';
import type { IngestBus } from '../bus/port.ts';
import { BatchPublisher } from '../bus/publisher.ts';
import { FINGERPRINT_HEAD_BYTES, fingerprintFromHead } from '../core/fingerprint.ts';
import { detectKind, kindSpec } from '../core/kind-registry.ts';
import type { KindSpec, SourceKind } from '../core/kinds.ts';
import { LineSplitter } from '../core/line-splitter.ts';
import { sortRotated } from '../core/rotation.ts';

export { sortRotated };
import { lineHandler, newCounters } from './line-handler.ts';

export interface ImportProgress {
  file: string;
  /** Bytes read so far over all files (compressed bytes for .gz files). */
  bytesDone: number;
  /** Size of all files to import. */
  bytesTotal: number;
  lines: number;
  linesPerSec: number;
  etaSec: number | null;
}

export interface ImportSummary {
  files: number;
  lines: number;
  accepted: number;
  /** Rejected lines by reason (also published as dead letters). */
  rejected: Record<string, number>;
  /** Lines that carry no data (CSV headers). */
  skipped: number;
  /**
   * Lines (accepted or rejected) the bus already held from an earlier import or tail of the same
   * bytes, so nothing was added for them. Counted only with a bus that reports duplicates
   * (JetStream's PubAck within its duplicate window); 0 otherwise. Later duplicates are dropped
   * by the processor's dedup and not counted here.
   */
  duplicates: number;
  batches: number;
  /** Kinds of the files read, in the order first met (what `auto` detected). */
  kinds: SourceKind[];
}

/** `auto`: each file's kind is told by its first line (core/kind-registry.ts detectKind). */
export type ImportKind = SourceKind | 'auto';

export interface ImportOptions {
  files: string[];
  kind: ImportKind;
  site: string;
  /** Zone of CDR date cells (default `UTC`). */
  timeZone?: string;
  onProgress?: (p: ImportProgress) => void;
  /** Minimum time between two progress calls (one more always comes at the end of each file). */
  progressIntervalMs?: number;
  /** Clock-skew tolerance: lines dated later than now + this are rejected (default 1 day). */
  clockSkewS?: number;
  /**
   * Messages published and not yet acknowledged before reading waits (default 8). With the
   * in-process bus a message is acknowledged once stored, so this bounds the processor's commit
   * size: `tablero import` without NATS raises it to let its bulk commits fill.
   */
  maxInFlight?: number;
}

export class ImportError extends Error {
  override name = 'ImportError';
}

/**
 * Expands directories into their rotated files, oldest first: dated/timestamped names in
 * ascending order (`queue_log-20250101`, `queue_log.1700000000`), then numbered rotations from
 * the highest number down (`queue_log.4` ... `queue_log.1`), then the live file. In a directory
 * only files of the kind are taken (`queue_log*` for queue_log, `*.csv*` for CDR, both for auto).
 */
export async function expandImportFiles(paths: string[], kind: ImportKind): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = await stat(p);
    } catch (err) {
      throw new ImportError(`cannot read ${p}`, { cause: err });
    }
    if (!st.isDirectory()) {
      out.push(resolve(p));
      continue;
    }
    const names = (await readdir(p, { withFileTypes: true }))
      .filter((d) => d.isFile() && !d.name.startsWith('.'))
      .map((d) => d.name)
      .filter((n) => (kind !== 'cdr' && n.startsWith('queue_log')) || (kind !== 'queue_log' && /\.csv(\.|$)/.test(n)));
    out.push(...sortRotated(names).map((n) => resolve(join(p, n))));
  }
  return out;
}

export async function importFiles(deps: { bus: IngestBus; log: Logger }, opts: ImportOptions): Promise<ImportSummary> {
  if (!SITE_ID_PATTERN.test(opts.site)) throw new ImportError(`site id "${opts.site}" must match ${String(SITE_ID_PATTERN)}`);
  const kindOpts = opts.timeZone !== undefined ? { timeZone: opts.timeZone } : {};
  // Checked before anything is read: a bad --tz fails at once, whatever the files hold.
  if (opts.kind !== 'queue_log') kindSpec('cdr', kindOpts);
  const files = await expandImportFiles(opts.files, opts.kind);
  const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  await deps.bus.ensureStream(EVENTS_STREAM_SPEC);
  // One publisher per kind (each has its subject), made when a file of that kind comes.
  const publishers = new Map<SourceKind, { spec: KindSpec<unknown>; publisher: BatchPublisher<unknown, number> }>();
  const forKind = (kind: SourceKind): { spec: KindSpec<unknown>; publisher: BatchPublisher<unknown, number> } => {
    let p = publishers.get(kind);
    if (!p) {
      const spec = kindSpec(kind, kindOpts);
      const publisher = new BatchPublisher<unknown, number>(deps, {
        site: opts.site,
        subject: spec.subject(opts.site),
        deadSubject: spec.deadSubject(opts.site),
        itemsField: spec.itemsField,
        ...(spec.serializer ? { serialize: spec.serializer() } : {}),
        lingerMs: 0,
        // Batches are cut by bytes only (about 740 queue_log events per 256 KiB message): bigger
        // messages were no faster here but raised peak RSS by ~40 MiB (the NATS client copies each
        // message once more into a buffer of its own), smaller ones cost more per event.
        maxItems: 100_000,
        maxBytes: 256 * 1024,
        maxInFlight: opts.maxInFlight ?? 8,
        onCommit: () => undefined,
      });
      p = { spec, publisher };
      publishers.set(kind, p);
    }
    return p;
  };
  const pick = (firstLine: Uint8Array): { spec: KindSpec<unknown>; publisher: BatchPublisher<unknown, number> } =>
    forKind(opts.kind === 'auto' ? detectKind(firstLine) : opts.kind);
  const counters = newCounters();
  const started = Date.now();
  const interval = opts.progressIntervalMs ?? 200;
  let lastProgress = 0;
  let bytesBefore = 0;
  const progress = (file: string, fileBytes: number, force: boolean): void => {
    if (!opts.onProgress) return;
    const now = Date.now();
    if (!force && now - lastProgress < interval) return;
    lastProgress = now;
    const secs = Math.max(0.001, (now - started) / 1000);
    const done = bytesBefore + fileBytes;
    const rate = done / secs;
    opts.onProgress({
      file,
      bytesDone: done,
      bytesTotal,
      lines: counters.lines,
      linesPerSec: Math.round(counters.lines / secs),
      etaSec: rate > 0 && done > 0 ? Math.round((bytesTotal - done) / rate) : null,
    });
  };
  try {
    for (const [i, file] of files.entries()) {
      await importOne(file, opts.site, pick, counters, (n) => progress(file, n, false), opts.clockSkewS);
      bytesBefore += sizes[i] as number;
      progress(file, 0, true);
    }
    for (const { publisher } of publishers.values()) await publisher.flush();
  } finally {
    for (const { publisher } of publishers.values()) await publisher.stop(0);
  }
  const stats = [...publishers.values()].map((p) => p.publisher.stats);
  const summary: ImportSummary = {
    files: files.length,
    lines: counters.lines,
    accepted: counters.accepted,
    rejected: counters.rejected,
    skipped: counters.skipped,
    duplicates: stats.reduce((n, s) => n + s.duplicateItems, 0),
    batches: stats.reduce((n, s) => n + s.batches, 0),
    kinds: [...publishers.keys()],
  };
  deps.log.info({ ...summary, site: opts.site, kind: opts.kind }, 'import finished');
  return summary;
}

/**
 * Read size of plain files; one buffer, reused for every read. 64 KiB: the text of a chunk then
 * stays in V8's young generation and dies there (256 KiB chunks went to the large-object space
 * and waited for full GCs: +30 MiB peak RSS); 32 KiB cost more CPU per line.
 */
const READ_CHUNK_BYTES = 64 * 1024;

/**
 * The bytes of a file in chunks, and how many bytes of the file were read so far (compressed
 * bytes for .gz). A plain file is read into one reused buffer: a chunk is valid only until the
 * next one is asked for (the splitter decodes it at once and copies only an unfinished line).
 */
function fileChunks(file: string): { chunks: AsyncIterable<Buffer>; bytesRead: () => number } {
  if (file.endsWith('.gz')) {
    const raw: ReadStream = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
    const input: Readable = raw.pipe(createGunzip());
    raw.on('error', (err) => input.destroy(err));
    return { chunks: input as AsyncIterable<Buffer>, bytesRead: () => raw.bytesRead };
  }
  let pos = 0;
  async function* read(): AsyncGenerator<Buffer> {
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) return;
        pos += bytesRead;
        yield buf.subarray(0, bytesRead);
      }
    } finally {
      await fh.close();
    }
  }
  return { chunks: read(), bytesRead: () => pos };
}

/** The first line of a head (up to the first newline, or all of it). */
function firstLineOf(head: Buffer): Buffer {
  const nl = head.indexOf(10);
  return nl < 0 ? head : head.subarray(0, nl);
}

async function importOne(
  file: string,
  site: string,
  pick: (firstLine: Uint8Array) => { spec: KindSpec<unknown>; publisher: BatchPublisher<unknown, number> },
  counters: ReturnType<typeof newCounters>,
  onBytes: (n: number) => void,
  clockSkewS: number | undefined,
): Promise<void> {
  const input = fileChunks(file);
  // The kind (and so the splitter's decoder and the publisher) is known once the first line is.
  let reader: { emit: ReturnType<typeof lineHandler>; splitter: LineSplitter; publisher: BatchPublisher<unknown, number> } | null = null;
  let head: Buffer[] = [];
  let headBytes = 0;
  const start = (fingerprint: string, joined: Buffer): NonNullable<typeof reader> => {
    const { spec, publisher } = pick(firstLineOf(joined.subarray(0, Math.min(joined.length, FINGERPRINT_HEAD_BYTES + 1))));
    const emit = lineHandler(spec, publisher, { site, source: `import:${file}`, fingerprint, knownLineNumbers: true, nowS: () => Math.floor(Date.now() / 1000), ...(clockSkewS !== undefined ? { clockSkewS } : {}) }, counters);
    return { emit, splitter: new LineSplitter(0, spec.decode), publisher };
  };
  try {
    for await (const chunk of input.chunks) {
      if (!reader) {
        // The fingerprint needs the first line (or 1 KiB): hold the first bytes (copied: the
        // read buffer is reused) until then.
        head.push(Buffer.from(chunk));
        headBytes += chunk.length;
        const joined = Buffer.concat(head, headBytes);
        const fp = fingerprintFromHead(site, joined.subarray(0, Math.min(joined.length, FINGERPRINT_HEAD_BYTES + 1)), false);
        if (fp === null) continue;
        reader = start(fp, joined);
        head = [];
        reader.splitter.push(joined, reader.emit);
      } else {
        reader.splitter.push(chunk, reader.emit);
      }
      onBytes(input.bytesRead());
      if (reader.publisher.full) await reader.publisher.waitForSpace();
    }
  } catch (err) {
    throw new ImportError(`cannot read ${basename(file)}`, { cause: err });
  }
  if (!reader) {
    const joined = Buffer.concat(head, headBytes);
    const fp = fingerprintFromHead(site, joined, true);
    if (fp === null) return; // empty file
    reader = start(fp, joined);
    reader.splitter.push(joined, reader.emit);
  }
  reader.splitter.end(reader.emit);
}
