// Batches parsed lines into JetStream messages: an `EventBatch` (or any item batch) as UTF-8 JSON
// on the events subject and a `DeadLetterBatch` on the dead-letter subject, both with the
// deterministic batch id as Nats-Msg-Id. Several batches are in flight at once; a batch's commit
// mark (a checkpoint) is handed out only when it and every batch before it were acknowledged,
// so a checkpoint never runs ahead of the bus. A failed publish is retried with backoff, same
// bytes, same id; while the bus is down the in-flight limit stops the reader (bounded memory).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { DeadLetter } from '../contract.ts';
import type { IngestBus } from './port.ts';

export interface PublisherOptions<M> {
  site: string;
  subject: string;
  deadSubject: string;
  /** JSON field that holds the items in the batch envelope (`events` for queue_log, `records` for CDR). */
  itemsField: string;
  /** Seal a batch at this many items (events + dead letters). */
  maxItems?: number;
  /** Seal a batch when its input reaches this many bytes (keeps messages under the NATS 1 MiB payload limit). */
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
}

export class PublisherStoppedError extends Error {
  override name = 'PublisherStoppedError';
}

interface Batch<T, M> {
  seq: number;
  fingerprint: string;
  items: T[];
  dead: DeadLetter[];
  firstItem: number;
  lastItem: number;
  firstDead: number;
  lastDead: number;
  bytes: number;
  mark: M | null;
  acked: boolean;
}

const BYTES_PER_ITEM_OVERHEAD = 400;

/** `<fingerprint>:<first offset>-<last offset>`: the same lines always give the same id. */
export function batchId(fingerprint: string, first: number, last: number): string {
  return `${fingerprint}:${first}-${last}`;
}

export class BatchPublisher<T, M> {
  private readonly maxItems: number;
  private readonly maxBytes: number;
  private readonly lingerMs: number;
  private readonly maxInFlight: number;
  private current: Batch<T, M> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Sealed batches, oldest first, until committed. */
  private readonly sealed: Batch<T, M>[] = [];
  private seq = 0;
  private stopped = false;
  private readonly abort = new AbortController();
  private waiters: Array<() => void> = [];
  private failure: Error | null = null;
  readonly stats: PublisherStats = { batches: 0, messages: 0, retries: 0 };

  constructor(
    private readonly deps: { bus: IngestBus; log: Logger },
    private readonly opts: PublisherOptions<M>,
  ) {
    this.maxItems = opts.maxItems ?? 500;
    this.maxBytes = opts.maxBytes ?? 256 * 1024;
    this.lingerMs = opts.lingerMs ?? 20;
    this.maxInFlight = opts.maxInFlight ?? 4;
  }

  /** While true, batches are sealed only by size or explicitly (replaying recorded boundaries). */
  private hold = false;

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

  /** Batches sealed and not yet committed, plus the open one. */
  get pending(): number {
    return this.sealed.length + (this.current ? 1 : 0);
  }

  add(fingerprint: string, offset: number, item: T, bytes: number, mark: M): void {
    const b = this.open(fingerprint);
    if (b.items.length === 0) b.firstItem = offset;
    b.items.push(item);
    b.lastItem = offset;
    this.grow(b, bytes, mark);
  }

  addDead(fingerprint: string, dead: DeadLetter, mark: M): void {
    const b = this.open(fingerprint);
    if (b.dead.length === 0) b.firstDead = dead.offset;
    b.dead.push(dead);
    b.lastDead = dead.offset;
    this.grow(b, dead.raw.length, mark);
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

  /** Seal the open batch now (end of a bulk file, shutdown). */
  seal(): void {
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

  private open(fingerprint: string): Batch<T, M> {
    let b = this.current;
    if (b && b.fingerprint !== fingerprint) {
      this.seal();
      b = null;
    }
    if (!b) {
      this.seq += 1;
      b = { seq: this.seq, fingerprint, items: [], dead: [], firstItem: 0, lastItem: 0, firstDead: 0, lastDead: 0, bytes: 0, mark: null, acked: false };
      this.current = b;
      if (this.lingerMs > 0 && !this.hold) this.timer = setTimeout(() => this.seal(), this.lingerMs);
    }
    return b;
  }

  private grow(b: Batch<T, M>, bytes: number, mark: M): void {
    b.mark = mark;
    b.bytes += bytes + BYTES_PER_ITEM_OVERHEAD;
    if (b.items.length + b.dead.length >= this.maxItems || b.bytes >= this.maxBytes) this.seal();
  }

  private async send(b: Batch<T, M>): Promise<void> {
    const { site } = this.opts;
    if (this.opts.beforeSend) {
      try {
        await this.opts.beforeSend();
      } catch (err) {
        this.deps.log.warn({ err }, 'write-ahead of batch boundaries failed; sending anyway');
      }
    }
    const sends: Array<Promise<void>> = [];
    if (b.items.length > 0) {
      const id = batchId(b.fingerprint, b.firstItem, b.lastItem);
      const body = Buffer.from(JSON.stringify({ batch_id: id, site, [this.opts.itemsField]: b.items }));
      sends.push(this.publish(this.opts.subject, body, id));
    }
    if (b.dead.length > 0) {
      // Dead and accepted offsets of one fingerprint are disjoint, so these ids never collide.
      const id = batchId(b.fingerprint, b.firstDead, b.lastDead);
      const body = Buffer.from(JSON.stringify({ batch_id: id, site, dead: b.dead }));
      sends.push(this.publish(this.opts.deadSubject, body, id));
    }
    try {
      await Promise.all(sends);
    } catch (err) {
      if (!(err instanceof PublisherStoppedError)) this.failure = err instanceof Error ? err : new Error(String(err));
      this.wake();
      return;
    }
    b.acked = true;
    this.commitPrefix();
  }

  private async publish(subject: string, body: Uint8Array, id: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) throw new PublisherStoppedError('publisher stopped');
      try {
        await this.deps.bus.publish(subject, body, id);
        this.stats.messages += 1;
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
    while (this.sealed.length > 0 && (this.sealed[0] as Batch<T, M>).acked) {
      const b = this.sealed.shift() as Batch<T, M>;
      if (b.mark !== null) this.opts.onCommit(b.mark);
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
