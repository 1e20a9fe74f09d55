// Handing a batch consumer's messages to its handler and acknowledging them: groups of up to
// maxBatch messages in stream order, up to maxInFlight handled at once, each acknowledged only
// after it and every older group were handled, the last ack of a group confirmed by the server.
// No NATS here (messages are interfaces), so this is tested with plain objects.
import { detached, type HeldMsg, type StreamOrder } from './stream-order.ts';

/** Wakes the handing-over loop when something changed (a message came, the consumption ended). */
export class Wakeup {
  private resolve: (() => void) | null = null;

  wake(): void {
    this.resolve?.();
  }

  /** Until the next wake(). */
  async wait(): Promise<void> {
    await new Promise<void>((resolve) => (this.resolve = resolve));
    this.resolve = null;
  }

  /** Until the next wake() or until `other` settles, whichever comes first. */
  async race(other: Promise<unknown>): Promise<'wake' | 'other'> {
    const woke = new Promise<'wake'>((resolve) => (this.resolve = () => resolve('wake')));
    const first = await Promise.race([other.then(() => 'other' as const), woke]);
    this.resolve = null;
    return first;
  }
}

export interface HandoverOptions {
  maxBatch: number;
  maxInFlight: number;
  /** Handles a group until done; false when it was given up (stop, the connection closed). */
  handle(msgs: HeldMsg[]): Promise<boolean>;
  /** Whether the connection is closed: nothing can be handed back then. */
  connectionClosed(): boolean;
  /**
   * Settles when the consumer is replaced (a reconnect, a deletion): a confirmation asked of the
   * old one would only time out (5 s), and the re-created consumer settles those acks.
   */
  replaced(): Promise<void>;
}

/** What the loop reads of the consumption's lifecycle. */
export interface Lifecycle {
  stopping(): boolean;
  /** No more messages will come (the pull ended, or the consumption died). */
  ended(): boolean;
  /** Why it ended, when not by a stop; null otherwise. */
  endError(): unknown;
}

export class Handover {
  /** Groups handed to the handler and not acknowledged yet, oldest first. */
  readonly groups: Array<{ msgs: HeldMsg[]; handled: Promise<boolean> }> = [];
  /** A group was given up: nothing newer is acknowledged, it is handed back (nak). */
  failed = false;

  constructor(
    private readonly order: StreamOrder,
    private readonly wakeup: Wakeup,
    private readonly o: HandoverOptions,
  ) {}

  /**
   * Acknowledges the oldest group once handled. After a group that was given up (stop, or the
   * connection closed), nothing newer is acknowledged: it is handed back (nak) for the next consumer.
   */
  async settleOldest(): Promise<void> {
    const g = this.groups[0];
    if (!g) return;
    const ok = await g.handled;
    this.groups.shift();
    if (!ok || this.failed) {
      this.failed = true;
      if (!this.o.connectionClosed()) for (const m of g.msgs) m.nak();
      return;
    }
    const last = this.order.acknowledge(g.msgs);
    if (last) await Promise.race([last.ackAck().catch(() => last.ack()), this.o.replaced()]);
  }

  /** Hands groups over as messages come and settles them in order, until stopped, failed or ended. */
  async run(life: Lifecycle): Promise<void> {
    try {
      while (!life.stopping() && !this.failed) {
        if (this.order.waiting.length > 0 && this.groups.length < this.o.maxInFlight) {
          const msgs = this.order.take(this.o.maxBatch);
          this.groups.push({ msgs, handled: this.o.handle(msgs) });
          continue;
        }
        const oldest = this.groups[0];
        if (oldest) {
          // Room for another group: start it as soon as a message comes, not after the oldest.
          if (this.groups.length < this.o.maxInFlight && !life.ended() && (await this.wakeup.race(oldest.handled)) === 'wake') continue;
          await this.settleOldest();
          continue;
        }
        if (life.ended()) {
          const err = life.endError();
          if (err !== null && !life.stopping()) throw err;
          return;
        }
        await this.wakeup.wait();
      }
    } finally {
      while (this.groups.length > 0) await this.settleOldest();
    }
  }

  /** Every message of the groups being handled. */
  held(): HeldMsg[] {
    return this.groups.flatMap((g) => g.msgs);
  }

  /** The groups' deliveries belong to a consumer going away (see StreamOrder.detach). */
  detach(): void {
    for (const g of this.groups) g.msgs = g.msgs.map(detached);
  }
}
