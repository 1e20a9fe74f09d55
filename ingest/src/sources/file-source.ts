// One tailed file end to end: tail -> parse -> batch publisher -> checkpoint. The checkpoint is
// saved from the publisher's in-order commit marks only, i.e. after the bus acknowledged every
// line before it.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { BatchPublisher } from '../bus/publisher.ts';
import type { IngestBus } from '../bus/port.ts';
import { toDeadLetter } from '../core/dead-letter.ts';
import type { KindSpec } from '../core/kinds.ts';
import { DEFAULT_CLOCK_SKEW_S, type LineOrigin } from '../core/queue-log.ts';
import { CheckpointWriter, readCheckpoint, type Checkpoint } from './checkpoint.ts';
import { FileTail, type FileIdentity } from './file-tail.ts';

export interface SourceStatus {
  source: string;
  site: string;
  kind: string;
  path: string;
  /** Byte offset up to which every line is acknowledged by the bus (the checkpoint). */
  offset: number;
  accepted: number;
  rejected: number;
  /** Rejected lines by reason since start (data-quality panel); they sum to `rejected`. */
  rejected_by_reason: Record<string, number>;
  last_line_at_ms: number | null;
  last_event_ts: number | null;
}

export interface FileSourceOptions {
  path: string;
  site: string;
  stateDir: string;
  pollIntervalMs?: number;
  rotationIdleMs?: number;
  lingerMs?: number;
  maxBatchItems?: number;
  maxInFlight?: number;
  /** Bytes read from the file at a time (the tail's default when unset). */
  readChunkBytes?: number;
  /** How long `stop()` waits for in-flight batches before leaving them to the next run. */
  stopGraceMs?: number;
  /** Clock-skew tolerance: lines dated later than now + this are rejected (default 1 day). */
  clockSkewS?: number;
}

/** One checkpoint file per (site, kind, path). */
export function checkpointFile(stateDir: string, site: string, kind: string, path: string): string {
  const h = createHash('sha256').update(path).digest('hex').slice(0, 12);
  return join(stateDir, `ingest-${site}-${kind}-${h}.json`);
}

export class FileSource<T> {
  private tail: FileTail | null = null;
  private publisher: BatchPublisher<T, Checkpoint> | null = null;
  private writer: CheckpointWriter | null = null;
  private readonly st: SourceStatus;

  constructor(
    private readonly deps: { bus: IngestBus; log: Logger },
    private readonly spec: KindSpec<T>,
    private readonly opts: FileSourceOptions,
  ) {
    this.st = {
      source: opts.path, site: opts.site, kind: spec.kind, path: opts.path, offset: 0,
      accepted: 0, rejected: 0, rejected_by_reason: {}, last_line_at_ms: null, last_event_ts: null,
    };
  }

  status(): SourceStatus {
    return { ...this.st, rejected_by_reason: { ...this.st.rejected_by_reason } };
  }

  async start(): Promise<void> {
    const { spec, opts } = this;
    const log = this.deps.log.child({ source: opts.path, site: opts.site, kind: spec.kind });
    const file = checkpointFile(opts.stateDir, opts.site, spec.kind, opts.path);
    const resume = await readCheckpoint(file);
    if (resume) this.st.offset = resume.offset;
    const writer = new CheckpointWriter(file, (err) => log.error({ err, file }, 'checkpoint write failed'));
    // Each record written is a consistent snapshot: the committed mark plus the end of every
    // batch sealed after it (write-ahead, saved before those batches are sent).
    let committed: Checkpoint | null = resume ? withoutPending(resume) : null;
    let baseline: Checkpoint | null = null;
    const record = (): Checkpoint | null => {
      const base = committed ?? baseline;
      if (!base) return null;
      // Ends of batches sealed since, then the recorded ends a replay has not reached yet: a
      // crash during a replay must not forget the boundaries of batches the crashed run sent.
      const pending = publisher.pendingMarks().map((m) => ({ fingerprint: m.fingerprint, end: m.offset }));
      pending.push(...cuts.remaining());
      return pending.length > 0 ? { ...base, pending } : base;
    };
    const publisher: BatchPublisher<T, Checkpoint> = new BatchPublisher<T, Checkpoint>(this.deps, {
      site: opts.site,
      subject: spec.subject(opts.site),
      deadSubject: spec.deadSubject(opts.site),
      itemsField: spec.itemsField,
      ...(spec.serializer ? { serialize: spec.serializer() } : {}),
      ...(opts.lingerMs !== undefined ? { lingerMs: opts.lingerMs } : {}),
      ...(opts.maxBatchItems !== undefined ? { maxItems: opts.maxBatchItems } : {}),
      ...(opts.maxInFlight !== undefined ? { maxInFlight: opts.maxInFlight } : {}),
      onCommit: (cp) => {
        committed = cp;
        this.st.offset = cp.offset;
        const r = record();
        if (r) writer.save(r);
      },
      beforeSend: async () => {
        const r = record();
        if (!r) return;
        writer.save(r);
        await writer.flush();
      },
    });
    const cuts = new ReplayCuts(resume?.pending ?? [], () => {
      publisher.holdLinger = false;
    });
    const startedAt = Date.now();
    if (!cuts.done) {
      // Replay the recorded boundaries exactly: no time-based cut until they are all passed or
      // can no longer be reached (see `caughtUp`). Backstop for a file that lost the lines in a
      // race with the reader: give up once nothing was read for a while and nothing is in flight.
      publisher.holdLinger = true;
      const backstop = setInterval(() => {
        if (cuts.done) clearInterval(backstop);
        else if (publisher.inFlight === 0 && Date.now() - (this.st.last_line_at_ms ?? startedAt) >= REPLAY_IDLE_MAX_MS) {
          log.warn({ pending: cuts.remaining() }, 'recorded batch boundaries not reached; cutting batches freely again');
          cuts.release();
          clearInterval(backstop);
        }
      }, REPLAY_IDLE_MAX_MS / 4);
      backstop.unref();
    }
    const st = this.st;
    const skew = opts.clockSkewS ?? DEFAULT_CLOCK_SKEW_S;
    const source = opts.path;
    const site = opts.site;
    const tail = new FileTail(
      { log },
      {
        path: opts.path, site, resume, decode: spec.decode,
        ...(opts.pollIntervalMs !== undefined ? { pollIntervalMs: opts.pollIntervalMs } : {}),
        ...(opts.rotationIdleMs !== undefined ? { rotationIdleMs: opts.rotationIdleMs } : {}),
        ...(opts.readChunkBytes !== undefined ? { readChunkBytes: opts.readChunkBytes } : {}),
      },
      {
        line(text: string, id: FileIdentity, offset: number, endOffset: number, lineNo: number, plain: boolean): void {
          const mark: Checkpoint = { version: 1, path: id.path, dev: id.dev, ino: id.ino, fingerprint: id.fingerprint, offset: endOffset, line_no: lineNo };
          const nowMs = Date.now();
          st.last_line_at_ms = nowMs;
          baseline ??= { version: 1, path: id.path, dev: id.dev, ino: id.ino, fingerprint: id.fingerprint, offset, line_no: lineNo - 1 };
          if (spec.skip?.(text, lineNo)) {
            publisher.skip(id.fingerprint, mark);
            if (!cuts.done && cuts.cutAfter(id.fingerprint, endOffset)) publisher.seal();
            return;
          }
          const at: LineOrigin = { site, source, fingerprint: id.fingerprint, offset, lineNo, latestEpochS: Math.floor(nowMs / 1000) + skew };
          const r = spec.parse(text, at);
          if (r.ok) {
            st.accepted += 1;
            st.last_event_ts = spec.ts(r.value);
            publisher.add(id.fingerprint, offset, r.value, mark, plain);
          } else {
            st.rejected += 1;
            st.rejected_by_reason[r.reason] = (st.rejected_by_reason[r.reason] ?? 0) + 1;
            publisher.addDead(id.fingerprint, toDeadLetter(r.reason, r.line, at, Math.floor(nowMs / 1000)), mark);
          }
          if (!cuts.done && cuts.cutAfter(id.fingerprint, endOffset)) publisher.seal();
        },
        ready: () => publisher.waitForSpace(),
        // Caught up with the writer: publish what was read as soon as nothing else is in flight
        // instead of after the linger time (tail latency). While a bigger backlog is read,
        // batches still fill up to their size. Not while replaying recorded batch boundaries,
        // which must be cut where they were.
        caughtUp: (fingerprint: string, position: number) => {
          // Recorded ends beyond the end of the file were cut from lines it no longer holds.
          if (!cuts.done) cuts.unreachableAfter(fingerprint, position);
          if (!publisher.holdLinger) publisher.sealSoon();
        },
      },
    );
    this.writer = writer;
    this.publisher = publisher;
    this.tail = tail;
    tail.start();
  }

  /** Stops reading, gives in-flight batches `stopGraceMs` to be acknowledged, writes the final checkpoint. */
  async stop(): Promise<void> {
    const graceMs = this.opts.stopGraceMs ?? 5_000;
    // Halt reading first, then flush: a tail blocked on backpressure wakes when the publisher stops.
    this.tail?.halt();
    const flushed = this.publisher?.stop(graceMs);
    await this.tail?.stop();
    const complete = await flushed;
    if (complete === false) this.deps.log.warn({ source: this.opts.path }, 'stopped with unacknowledged batches; they are resent on the next start');
    await this.writer?.flush();
  }
}

/** After a restart, how long nothing may be read (and nothing be in flight) before recorded batch boundaries are given up. */
const REPLAY_IDLE_MAX_MS = 5_000;

function withoutPending(cp: Checkpoint): Checkpoint {
  const { pending: _pending, ...rest } = cp;
  return rest;
}

/** The batch ends recorded before a crash, consumed in order while the same lines are read again. */
export class ReplayCuts {
  private readonly ends = new Map<string, number[]>();
  private left: number;

  constructor(
    pending: Array<{ fingerprint: string; end: number }>,
    private readonly onDone: () => void,
  ) {
    for (const p of pending) {
      const list = this.ends.get(p.fingerprint) ?? [];
      list.push(p.end);
      this.ends.set(p.fingerprint, list);
    }
    this.left = pending.length;
  }

  get done(): boolean {
    return this.left === 0;
  }

  /** True when a batch must end after the line that ends at `end`. */
  cutAfter(fingerprint: string, end: number): boolean {
    const list = this.ends.get(fingerprint);
    if (!list) {
      // A file the records know nothing about: the replay is over.
      this.release();
      return false;
    }
    while (list.length > 0 && (list[0] as number) < end) {
      list.shift(); // passed without a match (the file changed): forget it
      this.left -= 1;
    }
    let cut = false;
    if (list[0] === end) {
      list.shift();
      this.left -= 1;
      cut = true;
    }
    if (list.length === 0) this.ends.delete(fingerprint);
    if (this.left === 0) this.onDone();
    return cut;
  }

  /** The file `fingerprint` ends at `position` for now: its recorded ends after that cannot be reached. */
  unreachableAfter(fingerprint: string, position: number): void {
    const list = this.ends.get(fingerprint);
    if (!list) return;
    const keep = list.filter((end) => end <= position);
    this.left -= list.length - keep.length;
    if (keep.length > 0) this.ends.set(fingerprint, keep);
    else this.ends.delete(fingerprint);
    if (this.left === 0) this.onDone();
  }

  /** Recorded ends not reached yet, in their order (for the write-ahead record). */
  remaining(): Array<{ fingerprint: string; end: number }> {
    const out: Array<{ fingerprint: string; end: number }> = [];
    for (const [fingerprint, list] of this.ends) for (const end of list) out.push({ fingerprint, end });
    return out;
  }

  release(): void {
    if (this.left === 0 && this.ends.size === 0) return;
    this.ends.clear();
    this.left = 0;
    this.onDone();
  }
}
