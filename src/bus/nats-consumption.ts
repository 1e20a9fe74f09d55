// The lifecycle of one JetStream batch consumption: the live pull and its pump, re-creating the
// consumer at its ack floor after a reconnect, watching for its deletion from outside, and the
// stop. Ordering lives in stream-order.ts, handing over and acknowledging in handover.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, JetStreamApiError, type ConsumerConfig, type ConsumerMessages, type JetStreamManager } from '@nats-io/jetstream';
import { BusError, handleUntilDone, retryDelayMs, type Consumption, type DurableMessage } from './bus.ts';
import { Handover, Wakeup, type Lifecycle } from './handover.ts';
import { GAP_FETCH_MS, StreamOrder, type HeldMsg, type StreamReader } from './stream-order.ts';

/** How long a consumer deleted from outside waits before it looks whether somebody re-created it. */
const DELETION_GRACE_MS = 1_000;

export type DurableConfig = Partial<ConsumerConfig> & { durable_name: string };

/**
 * Stream sequence up to which every message of a consumer is acknowledged. A consumer created to
 * start at sequence N reports an ack floor of 0 until its first ack, though all before N is done.
 */
export function consumerFloor(info: { ack_floor: { stream_seq: number }; config: { opt_start_seq?: number } }): number {
  return Math.max(info.ack_floor.stream_seq, (info.config.opt_start_seq ?? 1) - 1);
}

/**
 * Creates the durable consumer, or re-creates it so that delivery starts at the oldest message
 * not acknowledged. A consumer that died left its unacknowledged messages to be redelivered only
 * after ack_wait, after newer ones; and a pull request it left waiting on the server can still
 * take new messages away to nobody. A consumer that takes many messages at once would then
 * handle a newer message before an older one. Re-creating drops both. One consumer process per
 * durable name. `ifNone`: where a consumer that does not exist starts (else at the beginning).
 * Returns the first sequence it delivers.
 */
export async function startConsumerAtAckFloor(jsm: JetStreamManager, stream: string, config: DurableConfig, ifNone: number | null = null): Promise<number> {
  let startSeq: number | null = ifNone;
  try {
    const info = await jsm.consumers.info(stream, config.durable_name);
    startSeq = consumerFloor(info) + 1;
    await jsm.consumers.delete(stream, config.durable_name);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === 10014)) throw err;
  }
  await jsm.consumers.add(
    stream,
    startSeq === null
      ? { ...config, deliver_policy: DeliverPolicy.All }
      : { ...config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq },
  );
  // The first sequence it delivers: a purged stream starts later (see StreamOrder.mendGaps).
  const state = (await jsm.streams.info(stream)).state;
  const first = state.messages === 0 ? state.last_seq + 1 : state.first_seq;
  return Math.max(startSeq ?? 1, first);
}

/** A promise with its resolve function (Node 20 has no Promise.withResolvers). */
function signalled(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export interface BatchConsumptionSetup {
  nc: NatsConnection;
  jsm: JetStreamManager;
  stream: string;
  config: DurableConfig;
  ackWaitMs: number;
  maxBatch: number;
  maxInFlight: number;
  filtered: boolean;
  /** A new pull from the consumer as it is now. */
  pull(): Promise<ConsumerMessages>;
  /** Gives the durable up for other processes (the consumption stopped or died). */
  release(): void;
  handler(msgs: DurableMessage[]): Promise<void>;
  onError?: ((err: unknown, msgs: DurableMessage[]) => void) | undefined;
}

export class BatchConsumption {
  private stopping = false;
  private ended = false;
  private endError: unknown = null;
  /** The pull whose messages are handed over (see follow); null while it is being replaced. */
  private messages: ConsumerMessages | null = null;
  private pump: Promise<void> = Promise.resolve();
  /** Resolved when the consumer is replaced (a reconnect, a deletion): acks asked of the old one are moot. */
  private renewed = signalled();
  /** Re-creations and deletion handling, one after the other. */
  private renewing: Promise<void> = Promise.resolve();
  private readonly wakeup = new Wakeup();
  private readonly order: StreamOrder;
  private readonly handover: Handover;
  private readonly stream: StreamReader;

  /** `next`: the first sequence the consumer delivers (startConsumerAtAckFloor). */
  constructor(
    private readonly s: BatchConsumptionSetup,
    next: number,
  ) {
    this.order = new StreamOrder(next, s.filtered);
    this.handover = new Handover(this.order, this.wakeup, {
      maxBatch: s.maxBatch,
      maxInFlight: s.maxInFlight,
      handle: (msgs) => this.handle(msgs),
      connectionClosed: () => s.nc.isClosed(),
      replaced: () => this.renewed.promise,
    });
    this.stream = {
      getMessage: (seq) => s.jsm.streams.getMessage(s.stream, { seq }),
      firstSeq: async () => (await s.jsm.streams.info(s.stream)).state.first_seq,
    };
  }

  /** Starts handing over the messages of `first`, the consumer's first pull. */
  start(first: ConsumerMessages): Consumption {
    const gapTimer = setInterval(() => {
      if (this.order.early.size > 0) this.order.mendGaps(this.stream, { ackWaitMs: this.s.ackWaitMs, stopping: () => this.stopping, done: () => this.wakeup.wake() }).catch(() => undefined);
    }, GAP_FETCH_MS / 2);
    // Keep every message we hold ours while it waits or is being handled.
    const keepAlive = setInterval(() => {
      for (const m of this.handover.held()) m.working();
      for (const m of this.order.held()) m.working();
    }, Math.max(500, this.s.ackWaitMs / 3));
    this.follow(first);
    this.watchReconnects().catch(() => undefined);
    const life: Lifecycle = { stopping: () => this.stopping, ended: () => this.ended, endError: () => this.endError };
    const done = this.handover.run(life).finally(() => {
      clearInterval(keepAlive);
      clearInterval(gapTimer);
      // Stopped or dead: another process may take the durable over.
      this.s.release();
    });
    return { done, stop: () => this.stop(done) };
  }

  private async stop(done: Promise<void>): Promise<void> {
    this.stopping = true;
    this.wakeup.wake();
    await done.catch(() => undefined);
    // The claim is released (done): once the server has that, a replacement asking for the
    // durable hears "no responders" at once instead of waiting out the holder's answer.
    if (!this.s.nc.isClosed()) await this.s.nc.flush().catch(() => undefined);
    await this.renewing;
    await this.messages?.close();
    await this.pump.catch(() => undefined);
    this.order.handBack();
  }

  private handle(held: HeldMsg[]): Promise<boolean> {
    const msgs = held.map((m) => ({
      subject: m.subject,
      data: m.data,
      msgId: m.headers?.get('Nats-Msg-Id') ?? '',
      seq: m.seq,
      deliveries: m.info.deliveryCount,
    }));
    return handleUntilDone(
      () => this.s.handler(msgs),
      (err) => this.s.onError?.(err, msgs),
      () => this.s.nc.isClosed() || this.stopping,
    );
  }

  /** Makes `from` the live pull: its messages are handed over, its deletion watched. */
  private follow(from: ConsumerMessages): void {
    this.messages = from;
    this.pump = this.startPump(from);
    this.watchDeletion(from).catch(() => undefined);
  }

  private async startPump(from: ConsumerMessages): Promise<void> {
    try {
      for await (const m of from) {
        if (from !== this.messages) {
          // A pull being given up (its consumer deleted or being re-created): not ours to
          // handle or acknowledge. After an outside deletion it may already be served by a
          // consumer someone else created under the same name: handed straight back to it.
          m.nak();
          continue;
        }
        this.order.accept(m);
        this.wakeup.wake();
      }
    } catch (err) {
      if (from === this.messages) this.endError = err instanceof BusError ? err : new BusError(`consumption of ${this.s.stream} ended`, { cause: err });
    } finally {
      // A pull closed to re-create the consumer (see renew) is not the end.
      if (from === this.messages) {
        this.ended = true;
        this.wakeup.wake();
      }
    }
  }

  /** Ends the consumption with `err`: the groups being handled finish, nothing else is handed over. */
  private die(err: BusError): void {
    this.endError = err;
    this.ended = true;
    this.order.clear();
    this.wakeup.wake();
  }

  /** The consumer is being replaced: acks asked of the old one are moot (see HandoverOptions.replaced). */
  private signalRenewal(): void {
    this.renewed.resolve();
    this.renewed = signalled();
  }

  /** Stops a pull given up and detaches what we hold from its deliveries (they belong to a consumer going away). */
  private async detachAll(old: ConsumerMessages | null): Promise<void> {
    await old?.close().catch(() => undefined);
    this.handover.detach();
    this.order.detach();
  }

  private async recreate(): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        // Everything through ackedThrough was handled: a consumer gone meanwhile restarts after it.
        await startConsumerAtAckFloor(this.s.jsm, this.s.stream, this.s.config, this.order.ackedThrough + 1);
        this.follow(await this.s.pull());
        return;
      } catch {
        await sleep(retryDelayMs(attempt));
      }
    }
  }

  // After a reconnect the server may count every delivery we hold, or acknowledged while it
  // died, as pending (a restarted server loses acks it had not stored yet). With max_ack_pending
  // reached it delivers nothing new until ack_wait brings them back. So the consumer is
  // re-created at its ack floor, like at start: what it hands out again below `next` is a copy,
  // acknowledged without being handled again. What we hold is detached from the old deliveries.
  private async renew(): Promise<void> {
    const old = this.messages;
    this.messages = null;
    await this.detachAll(old);
    await this.recreate();
  }

  private async watchReconnects(): Promise<void> {
    for await (const st of this.s.nc.status()) {
      if (this.stopping) break;
      if (st.type !== 'reconnect') continue;
      this.signalRenewal();
      this.renewing = this.renewing.then(() => this.renew());
    }
  }

  private async watchDeletion(from: ConsumerMessages): Promise<void> {
    for await (const st of from.status()) {
      if (st.type !== 'consumer_deleted') continue;
      if (from !== this.messages || this.stopping) return; // our own re-creation (see renew), or a stop
      this.messages = null; // at once: what this pull still receives is not ours (see startPump)
      this.renewing = this.renewing.then(() => this.afterDeletion(from));
      return;
    }
  }

  // A consumer deleted from outside (`nats consumer rm`, an admin tool): nats.js would go on
  // pulling from nothing, and the processor would stand still without a word. It is re-created
  // after the last acknowledged message, as at a reconnect; unless somebody re-created it
  // meanwhile (another process deleting it to start its own, see startConsumerAtAckFloor):
  // then this consumption ends with that reason instead of deleting theirs in turn.
  private async afterDeletion(from: ConsumerMessages): Promise<void> {
    if (this.stopping) return;
    await this.detachAll(from);
    this.signalRenewal();
    await sleep(DELETION_GRACE_MS); // a process that deletes it to re-create it does so at once
    const { stream, config } = this.s;
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        const info = await this.s.jsm.consumers.info(stream, config.durable_name);
        this.die(new BusError(`the consumer ${config.durable_name} of ${stream} was deleted and created again by another process (at ${info.created}); this one stops rather than take it back: run a single consumer per durable`));
        return;
      } catch (err) {
        if (err instanceof JetStreamApiError && err.code === 10014) return this.recreate();
        if (err instanceof JetStreamApiError && err.code === 10059) {
          // Its stream went with it: a restarted process creates both again (ensureStream).
          this.die(new BusError(`the stream ${stream} was deleted under the consumer ${config.durable_name}`));
          return;
        }
        await sleep(retryDelayMs(attempt));
      }
    }
  }
}
