// Stream order for a batch consumer: messages are handed over strictly by stream sequence,
// without holes. JetStream hands a message lost on the way (a reconnect) out again only after
// ack_wait, possibly after newer ones: newer ones wait until the older one is there, read from
// the stream directly once the hole lasts GAP_FETCH_MS; a copy of one already queued or handled
// is held to be acknowledged with its original. No NATS here: messages and the stream are
// interfaces, so this is tested with plain objects.

/** How long a gap in the sequence may last before its messages are read from the stream directly. */
export const GAP_FETCH_MS = 500;
/** Past ack_wait by this much, a message the stream does not hold will not be redelivered either. */
const GONE_AFTER_ACK_WAIT_MS = 2_000;

/** A delivered message (nats.js `JsMsg` is one). */
export interface LiveMsg {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly seq: number;
  readonly headers: { get(name: string): string } | undefined;
  readonly info: { deliveryCount: number };
  ack(): void;
  nak(): void;
  working(): void;
  /** Acknowledges and waits for the server's confirmation. */
  ackAck(): Promise<boolean>;
}

/**
 * A message held without a live delivery: read from the stream directly because its delivery
 * was lost on the way, or delivered by a consumer since re-created. There is nothing to
 * acknowledge; JetStream hands it out again, and that copy is acknowledged like any copy.
 */
export class DetachedMsg {
  readonly info = { deliveryCount: 1 };
  constructor(
    readonly subject: string,
    readonly data: Uint8Array,
    readonly seq: number,
    readonly headers: { get(name: string): string } | undefined,
  ) {}
  ack(): void {}
  nak(): void {}
  working(): void {}
}

export type HeldMsg = LiveMsg | DetachedMsg;

export function detached(m: HeldMsg): DetachedMsg {
  return m instanceof DetachedMsg ? m : new DetachedMsg(m.subject, m.data, m.seq, m.headers);
}

/** What mending a gap reads of the stream. */
export interface StreamReader {
  /** The message at `seq`, or null when the stream definitely does not hold it. */
  getMessage(seq: number): Promise<{ subject: string; data: Uint8Array; header: { get(name: string): string } | undefined } | null>;
  /** The stream's first sequence (older ones are gone: limits, a purge). */
  firstSeq(): Promise<number>;
}

export class StreamOrder {
  /** In stream order without gaps: ready to be handed over. */
  readonly waiting: HeldMsg[] = [];
  /** Arrived after a gap: wait until the gap is filled. */
  readonly early = new Map<number, HeldMsg>();
  /** Copies of messages queued or being handled, acknowledged with their original. */
  private readonly copies = new Map<number, LiveMsg[]>();
  /** Every message up to here is acknowledged. */
  ackedThrough: number;
  private gapSince = 0;
  private mending = false;

  /**
   * `next`: the first sequence to hand over. `filtered`: the consumer filters subjects, so the
   * sequence skips other subjects' messages and has no gaps to wait for.
   */
  constructor(
    public next: number,
    private readonly filtered: boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.ackedThrough = next - 1;
  }

  accept(m: HeldMsg): void {
    if (m.seq < this.next) {
      // A copy of one queued or handled: JetStream counts it as delivered again (a server that
      // restarted from an older consumer state does so), so it is acknowledged too, now if its
      // original already was, else with its group.
      if (m instanceof DetachedMsg) return;
      if (m.seq <= this.ackedThrough) m.ack();
      else this.copies.set(m.seq, [...(this.copies.get(m.seq) ?? []), m]);
      return;
    }
    if (this.filtered) {
      // One message in flight at a time (maxAckPending 1), so a lost one blocks the next until it comes again.
      this.next = m.seq + 1;
      this.waiting.push(m);
      return;
    }
    this.early.set(m.seq, m);
    this.drain();
  }

  /** Up to `max` messages to hand over, oldest first. */
  take(max: number): HeldMsg[] {
    return this.waiting.splice(0, max);
  }

  /** Moves what follows `next` without a gap from `early` to `waiting`. */
  private drain(): void {
    for (let e = this.early.get(this.next); e; e = this.early.get(this.next)) {
      this.early.delete(this.next);
      this.waiting.push(e);
      this.next += 1;
    }
    this.gapSince = this.early.size > 0 ? this.gapSince || this.now() : 0;
  }

  /**
   * A gap that lasts GAP_FETCH_MS: its messages are read from the stream instead of waiting
   * ack_wait for their redelivery (the wallboard would stand still that long). One the stream
   * does not hold is passed over only once a redelivery could have come (it is gone: limits, a
   * purge), and only on a definite "no such message", never on an error (tried again later).
   * `done` is called after every attempt that read the stream, whatever came of it.
   */
  async mendGaps(stream: StreamReader, o: { ackWaitMs: number; stopping: () => boolean; done: () => void }): Promise<void> {
    if (this.mending || this.early.size === 0 || this.now() - this.gapSince < GAP_FETCH_MS) return;
    this.mending = true;
    try {
      const gone = this.now() - this.gapSince >= o.ackWaitMs + GONE_AFTER_ACK_WAIT_MS;
      if (gone) {
        this.next = Math.max(this.next, await stream.firstSeq());
        // Held ones the stream dropped meanwhile are below it now: settled like copies.
        for (const [seq, m] of [...this.early]) {
          if (seq >= this.next) continue;
          this.early.delete(seq);
          this.accept(m);
        }
      }
      while (this.early.size > 0 && !this.early.has(this.next) && !o.stopping()) {
        const seq = this.next;
        const sm = await stream.getMessage(seq);
        if (this.next !== seq) continue; // its delivery came meanwhile
        if (sm !== null) this.accept(new DetachedMsg(sm.subject, sm.data, seq, sm.header));
        else if (gone) this.next = seq + 1;
        else break;
      }
      this.drain();
    } finally {
      this.mending = false;
      o.done();
    }
  }

  /**
   * Acknowledges a handled group (oldest first) with the copies of its messages, all but its
   * last live message; that one is returned for the caller to acknowledge with a confirmation,
   * which also confirms the ones before it (acks go out in order on one connection).
   */
  acknowledge(msgs: readonly HeldMsg[]): LiveMsg | undefined {
    const last = msgs.findLast((m): m is LiveMsg => !(m instanceof DetachedMsg));
    for (const m of msgs) {
      for (const c of this.copies.get(m.seq) ?? []) c.ack();
      this.copies.delete(m.seq);
      if (m !== last) m.ack();
    }
    const tail = msgs[msgs.length - 1];
    if (tail) this.ackedThrough = Math.max(this.ackedThrough, tail.seq);
    return last;
  }

  /** The deliveries of a consumer going away are not ours any more: what we hold is detached from them. */
  detach(): void {
    this.waiting.splice(0, this.waiting.length, ...this.waiting.map(detached));
    for (const [seq, m] of this.early) this.early.set(seq, detached(m));
    this.copies.clear();
  }

  /** Every message held and not handed over yet. */
  held(): HeldMsg[] {
    return [...this.waiting, ...this.early.values()];
  }

  /** Drops what is held (the consumption ended). */
  clear(): void {
    this.waiting.length = 0;
    this.early.clear();
  }

  /** Hands back (nak) what is held, for the next consumer. */
  handBack(): void {
    for (const m of this.waiting.splice(0)) m.nak();
    for (const m of this.early.values()) m.nak();
    this.early.clear();
  }
}
