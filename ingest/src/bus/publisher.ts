// Batches parsed lines into JetStream messages: an `EventBatch` (or any item batch) as UTF-8 JSON
// on the events subject and a `DeadLetterBatch` on the dead-letter subject, both with the
// deterministic batch id as Nats-Msg-Id. Items are serialized into the batch body as they are
// added (see batch-body.ts), and a batch is sealed before an item would take it past `maxBytes`,
// so no message exceeds the NATS payload limit whatever the lines hold. Several batches are in flight at once; a batch's commit
// mark (a checkpoint) is handed out only when it and every batch before it were acknowledged,
// so a checkpoint never runs ahead of the bus. A failed publish is retried with backoff, same
// bytes, same id; while the bus is down the in-flight limit stops the reader (bounded memory).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { DeadLetter } from '../contract.ts';
import { BatchBody, BodyPool } from './batch-body.ts';
import type { IngestBus } from './port.ts';

export interface PublisherOptions<T, M> {
  site: string;
  subject: string;
  deadSubject: string;
  /** JSON field that holds the items in the batch envelope (`events` for queue_log, `records` for CDR). */
  itemsField: string;
  /** JSON text of one item; must equal `JSON.stringify(item)` (the default). `plain` as in LineEmitter. */
  serialize?: (item: T, plain: boolean) => string;
  /** Seal a batch at this many items (events + dead letters). */
  maxItems?: number;
  /**
   * Largest message body in bytes, envelope included. Capped at MAX_MESSAGE_BYTES, under the
   * NATS 1 MiB default payload limit (which counts the Nats-Msg-Id header too).
   */
  maxBytes?: number;
  /** Seal a non-empty batch this long after its first item, so a quiet source still publishes at once. 0 = only on size or flush. */
  lingerMs?: number;
  /** Sealed, unacknowledged batches allowed before `full` (then the producer waits). */
  maxInFlight?: number;
  /** Called in order with the mark of the last line of each fully acknowledged batch. */
  onCommit: (mark: M) => void;
  /**
   * Awaited before a sealed batch is published (write-ahead of its boundaries, see
   * `pendingMarks`). A rejection is logged and the batch is sent anyway: a missing write-ahead
   * can only cause duplicates after a crash, never loss.
   */
  beforeSend?: () => Promise<void>;
}

export interface PublisherStats {
  batches: number;
  messages: number;
  retries: number;
  /** Items (events, records, dead letters) in messages the bus reported as duplicates. */
  duplicateItems: number;
}

export class PublisherStoppedError extends Error {
  override name = 'PublisherStoppedError';
}

interface Batch<M> {
  seq: number;
  fingerprint: string;
  items: BatchBody | null;
  dead: BatchBody | null;
  firstItem: number;
  lastItem: number;
  firstDead: number;
  lastDead: number;
  mark: M | null;
  acked: boolean;
}

/** Largest body the publisher builds: NATS' default max_payload is 1 MiB, headers included. */
export const MAX_MESSAGE_BYTES = 1_000_000;
/** Bytes kept for the envelope (`{"batch_id":...,"site":...,"events":[` and `]}`). */
const ENVELOPE_BYTES = 600;

/** `<fingerprint>:<first offset>-<last offset>`: the same lines always give the same id. */
export function batchId(fingerprint: string, first: number, last: number): string {
  return `${fingerprint}:${first}-${last}`;
}

export class BatchPublisher<T, M> {
  private readonly maxItems: number;
  /** Byte limit of the items of one body (the envelope comes on top). */
  private readonly itemBytes: number;
  private readonly serialize: (item: T, plain: boolean) => string;
  /** Size of the last items body sent: the first allocation of the next one. */
  private lastBodyBytes = 0;
  private readonly pool: BodyPool;
  private readonly lingerMs: number;
  private readonly maxInFlight: number;
  private current: Batch<M> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Sealed batches, oldest first, until committed. */
  private readonly sealed: Batch<M>[] = [];
  private seq = 0;
  private stopped = false;
  private readonly abort = new AbortController();
  private waiters: Array<() => void> = [];
  private failure: Error | null = null;
  readonly stats: PublisherStats = { batches: 0, messages: 0, retries: 0, duplicateItems: 0 };

  constructor(
    private readonly deps: { bus: IngestBus; log: Logger },
    private readonly opts: PublisherOptions<T, M>,
  ) {
    this.maxItems = opts.maxItems ?? 500;
    this.itemBytes = Math.min(opts.maxBytes ?? 256 * 1024, MAX_MESSAGE_BYTES) - ENVELOPE_BYTES;
    this.serialize = opts.serialize ?? ((item) => JSON.stringify(item));
    this.lingerMs = opts.lingerMs ?? 20;
    this.maxInFlight = opts.maxInFlight ?? 4;
    // In flight, the open batch, and one spare: a body per message of each.
    this.pool = new BodyPool(2 * (this.maxInFlight + 2));
  }

  /** While true, batches are sealed only by size or explicitly (replaying recorded boundaries). */
  private hold = false;
  /** `sealSoon` was called while batches were in flight. */
  private sealWhenIdle = false;

  get holdLinger(): boolean {
    return this.hold;
  }

  set holdLinger(v: boolean) {
    this.hold = v;
    if (!v && this.current && !this.timer && this.lingerMs > 0) this.timer = setTimeout(() => this.seal(), this.lingerMs);
    if (v && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** Marks of the sealed batches not yet committed, oldest first. */
  pendingMarks(): M[] {
    const out: M[] = [];
    for (const b of this.sealed) if (b.mark !== null) out.push(b.mark);
    return out;
  }

  /** True when the producer should `await waitForSpace()` before adding more. */
  get full(): boolean {
    return this.sealed.length >= this.maxInFlight;
  }

  /** Batches sealed and not yet committed. */
  get inFlight(): number {
    return this.sealed.length;
  }

  /** Batches sealed and not yet committed, plus the open one. */
  get pending(): number {
    return this.sealed.length + (this.current ? 1 : 0);
  }

  /** `plain`: the line holds nothing JSON escapes (see LineEmitter); false when not known. */
  add(fingerprint: string, offset: number, item: T, mark: M, plain = false): void {
    const json = this.serialize(item, plain);
    let b = this.open(fingerprint);
    b.items ??= new BatchBody(this.itemBytes, this.lastBodyBytes, this.pool);
    if (!b.items.push(json)) {
      // Full by bytes: this line starts the next batch.
      this.seal();
      b = this.open(fingerprint);
      b.items = new BatchBody(this.itemBytes, this.lastBodyBytes, this.pool);
      b.items.push(json);
    }
    if (b.items.count === 1) b.firstItem = offset;
    b.lastItem = offset;
    this.grow(b, mark);
  }

  addDead(fingerprint: string, dead: DeadLetter, mark: M): void {
    const json = JSON.stringify(dead);
    let b = this.open(fingerprint);
    b.dead ??= new BatchBody(this.itemBytes, undefined, this.pool);
    if (!b.dead.push(json)) {
      this.seal();
      b = this.open(fingerprint);
      b.dead = new BatchBody(this.itemBytes, undefined, this.pool);
      b.dead.push(json);
    }
    if (b.dead.count === 1) b.firstDead = dead.offset;
    b.lastDead = dead.offset;
    this.grow(b, mark);
  }

  /** Move a line's commit mark forward without publishing anything for it. */
  skip(fingerprint: string, mark: M): void {
    const b = this.open(fingerprint);
    b.mark = mark;
  }

  async waitForSpace(): Promise<void> {
    while (this.full) {
      if (this.failure) throw this.failure;
      if (this.stopped) throw new PublisherStoppedError('publisher stopped');
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /**
   * Seal the open batch now if no batch waits for its ack, else as soon as none does (Nagle):
   * for a source that has nothing more to read, the lowest latency while the bus keeps up, and
   * fewer, bigger batches (fewer write-ahead fsyncs) while it does not.
   */
  sealSoon(): void {
    if (!this.current) return;
    if (this.sealed.length === 0) this.seal();
    else this.sealWhenIdle = true;
  }

  /** Seal the open batch now (end of a bulk file, shutdown). */
  seal(): void {
    this.sealWhenIdle = false;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const b = this.current;
    if (!b) return;
    this.current = null;
    this.sealed.push(b);
    this.stats.batches += 1;
    void this.send(b);
  }

  /** Seals the open batch and resolves when everything added so far is acknowledged and committed. */
  async flush(): Promise<void> {
    this.seal();
    while (this.sealed.length > 0) {
      if (this.failure) throw this.failure;
      if (this.stopped) throw new PublisherStoppedError('publisher stopped before everything was acknowledged');
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /**
   * Flushes for at most `graceMs`, then gives up on unacknowledged batches: their lines are
   * not committed, so they are read and sent again after a restart.
   */
  async stop(graceMs: number): Promise<boolean> {
    let timeout: NodeJS.Timeout | undefined;
    const graced = await Promise.race([
      this.flush().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => (timeout = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timeout);
    this.stopped = true;
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    this.wake();
    return graced;
  }

  private open(fingerprint: string): Batch<M> {
    let b = this.current;
    if (b && b.fingerprint !== fingerprint) {
      this.seal();
      b = null;
    }
    if (!b) {
      this.seq += 1;
      b = { seq: this.seq, fingerprint, items: null, dead: null, firstItem: 0, lastItem: 0, firstDead: 0, lastDead: 0, mark: null, acked: false };
      this.current = b;
      if (this.lingerMs > 0 && !this.hold) this.timer = setTimeout(() => this.seal(), this.lingerMs);
    }
    return b;
  }

  private grow(b: Batch<M>, mark: M): void {
    b.mark = mark;
    if ((b.items?.count ?? 0) + (b.dead?.count ?? 0) >= this.maxItems) this.seal();
  }

  private async send(b: Batch<M>): Promise<void> {
    const { site } = this.opts;
    if (this.opts.beforeSend) {
      try {
        await this.opts.beforeSend();
      } catch (err) {
        this.deps.log.warn({ err }, 'write-ahead of batch boundaries failed; sending anyway');
      }
    }
    const sends: Array<Promise<void>> = [];
    if (b.items) {
      const id = batchId(b.fingerprint, b.firstItem, b.lastItem);
      const body = b.items.finish(id, site, this.opts.itemsField);
      this.lastBodyBytes = body.length;
      sends.push(this.publish(this.opts.subject, body, id, b.items.count));
    }
    if (b.dead) {
      // Dead and accepted offsets of one fingerprint are disjoint, so these ids never collide.
      const id = batchId(b.fingerprint, b.firstDead, b.lastDead);
      const body = b.dead.finish(id, site, 'dead');
      sends.push(this.publish(this.opts.deadSubject, body, id, b.dead.count));
    }
    try {
      await Promise.all(sends);
    } catch (err) {
      if (!(err instanceof PublisherStoppedError)) this.failure = err instanceof Error ? err : new Error(String(err));
      this.wake();
      return;
    }
    // Acknowledged: the bus holds its own copy now (IngestBus contract), the buffers are free.
    b.items?.release();
    b.dead?.release();
    b.items = null;
    b.dead = null;
    b.acked = true;
    this.commitPrefix();
  }

  private async publish(subject: string, body: Uint8Array, id: string, items: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) throw new PublisherStoppedError('publisher stopped');
      try {
        const ack = await this.deps.bus.publish(subject, body, id);
        this.stats.messages += 1;
        if (ack && ack.duplicate === true) this.stats.duplicateItems += items;
        if (attempt > 0) this.deps.log.info({ subject, batch_id: id, attempts: attempt + 1 }, 'publish recovered');
        return;
      } catch (err) {
        this.stats.retries += 1;
        if (attempt === 0) this.deps.log.warn({ subject, batch_id: id, err }, 'publish failed, retrying');
        try {
          await sleep(Math.min(5_000, 50 * 2 ** Math.min(attempt, 7)), undefined, { signal: this.abort.signal });
        } catch {
          throw new PublisherStoppedError('publisher stopped while retrying');
        }
      }
    }
  }

  private commitPrefix(): void {
    while (this.sealed.length > 0 && (this.sealed[0] as Batch<M>).acked) {
      const b = this.sealed.shift() as Batch<M>;
      if (b.mark !== null) this.opts.onCommit(b.mark);
    }
    if (this.sealWhenIdle && this.sealed.length === 0 && !this.hold) this.seal();
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
