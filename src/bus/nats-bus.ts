// NATS JetStream bus. Durable publishes carry the batch id as Nats-Msg-Id (server-side dedup
// within the stream's duplicate window); consumption is a durable pull consumer with explicit
// acks, each message acked only after the handler resolved.
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type JetStreamClient,
  type JsMsg,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { BusError, consumeOneByOne, handleUntilDone, retryDelayMs, type BatchConsumeSpec, type Bus, type PublishResult, type ConsumeSpec, type Consumption, type DurableMessage, type StreamSpec } from './bus.ts';

/**
 * Stream sequence up to which every message of a consumer is acknowledged. A consumer created to
 * start at sequence N reports an ack floor of 0 until its first ack, though all before N is done.
 */
export function consumerFloor(info: { ack_floor: { stream_seq: number }; config: { opt_start_seq?: number } }): number {
  return Math.max(info.ack_floor.stream_seq, (info.config.opt_start_seq ?? 1) - 1);
}

/** Bytes a consumer asks the server for per pull request. */
const PULL_MAX_BYTES = 8 * 1024 * 1024;

export interface NatsBusOptions {
  servers: string | string[];
  name?: string;
  /** How long publish retries a failing JetStream publish (bus down, stream full) before giving up. */
  publishTimeoutMs?: number;
}

export class NatsBus implements Bus {
  readonly kind = 'nats' as const;
  private readonly subs = new Set<Subscription>();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly publishTimeoutMs: number,
  ) {}

  static async connect(opts: NatsBusOptions): Promise<NatsBus> {
    try {
      const nc = await connect({
        servers: opts.servers,
        name: opts.name ?? 'tablero',
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
      });
      const jsm = await jetstreamManager(nc);
      return new NatsBus(nc, jetstream(nc), jsm, opts.publishTimeoutMs ?? 120_000);
    } catch (err) {
      throw new BusError(`cannot connect to NATS at ${String(opts.servers)}`, { cause: err });
    }
  }

  async ensureStream(spec: StreamSpec): Promise<void> {
    const config = {
      name: spec.name,
      subjects: spec.subjects,
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.New,
      max_bytes: spec.maxBytes,
      duplicate_window: nanos(spec.duplicateWindowMs),
    };
    try {
      await this.jsm.streams.info(spec.name);
      await this.jsm.streams.update(spec.name, config);
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === 10059) {
        await this.jsm.streams.add(config);
        return;
      }
      throw err;
    }
  }

  async publish(subject: string, data: Uint8Array, msgId: string): Promise<PublishResult> {
    const deadline = Date.now() + this.publishTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const ack = await this.js.publish(subject, data, { msgID: msgId, timeout: 10_000 });
        return { duplicate: ack.duplicate };
      } catch (err) {
        // Bus down, stream full (discard: new) or a timeout: wait and resend the same bytes
        // with the same msgId; the server drops it if an earlier attempt did land.
        if (this.nc.isClosed() || Date.now() > deadline) {
          throw new BusError(`publish to ${subject} failed`, { cause: err });
        }
        await sleep(retryDelayMs(attempt));
      }
    }
  }

  consume(
    spec: ConsumeSpec,
    handler: (msg: DurableMessage) => Promise<void>,
    onError?: (err: unknown, msg: DurableMessage) => void,
  ): Promise<Consumption> {
    return consumeOneByOne(this, spec, handler, onError);
  }

  async consumeBatches(
    spec: BatchConsumeSpec,
    handler: (msgs: DurableMessage[]) => Promise<void>,
    onError?: (err: unknown, msgs: DurableMessage[]) => void,
  ): Promise<Consumption> {
    const ackWaitMs = spec.ackWaitMs ?? 30_000;
    const maxInFlight = Math.max(1, spec.maxInFlight ?? 1);
    const maxAckPending = Math.max(spec.maxAckPending ?? 64, spec.maxBatch * maxInFlight);
    if (spec.filterSubject && maxAckPending > 1) {
      // Stream order is enforced below from contiguous sequence numbers, which a filter breaks.
      throw new BusError(`a filtered consumer (${spec.durable}) takes one message at a time: maxAckPending 1`);
    }
    let next = await this.startConsumerAtAckFloor(spec.stream, {
      durable_name: spec.durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(ackWaitMs),
      max_ack_pending: maxAckPending,
      ...(spec.filterSubject ? { filter_subject: spec.filterSubject } : {}),
    });
    const consumer = await this.js.consumers.get(spec.stream, spec.durable);
    // Bytes per pull request bounded: a client that stops reading for a while (a long handler
    // turn) must not make the server cut it off as a slow consumer, which loses messages in flight.
    const messages = await consumer.consume({ max_bytes: PULL_MAX_BYTES });
    // Messages in stream order without gaps go to `waiting`; the worker takes them in groups.
    // JetStream hands a message lost on the way (a reconnect) out again only after ack_wait,
    // possibly after newer ones: newer ones wait in `early` until the older one is back, and a
    // copy of one already queued or handled is dropped (the original gets acknowledged).
    const waiting: JsMsg[] = [];
    const early = new Map<number, JsMsg>();
    const copies = new Map<number, JsMsg[]>();
    let ackedThrough = next - 1;
    let gapSince = 0;
    const accept = (m: JsMsg): void => {
      if (spec.filterSubject) {
        waiting.push(m);
        return;
      }
      if (m.seq < next) {
        // A copy of one queued or handled: JetStream counts it as delivered again (a server that
        // restarted from an older consumer state does so), so it is acknowledged too, now if its
        // original already was, else with its group.
        if (m.seq <= ackedThrough) m.ack();
        else copies.set(m.seq, [...(copies.get(m.seq) ?? []), m]);
        return;
      }
      early.set(m.seq, m);
      for (let e = early.get(next); e; e = early.get(next)) {
        early.delete(next);
        waiting.push(e);
        next += 1;
      }
      gapSince = early.size > 0 ? gapSince || Date.now() : 0;
    };
    // A gap that outlives a redelivery: the missing messages may be gone from the stream (limits,
    // a purge); skip exactly those.
    const closeGaps = async (): Promise<void> => {
      if (early.size === 0 || Date.now() - gapSince < ackWaitMs + 2_000) return;
      const first = (await this.jsm.streams.info(spec.stream)).state.first_seq;
      if (next < first) next = first;
      while (early.size > 0 && !early.has(next) && (await this.jsm.streams.getMessage(spec.stream, { seq: next }).catch(() => null)) === null) next += 1;
      const held = [...early.values()];
      early.clear();
      gapSince = 0;
      for (const m of held) accept(m);
      signal.wake?.();
    };
    const signal: { wake: (() => void) | null } = { wake: null };
    let ended = false;
    let pumpError: unknown = null;
    const pump = (async () => {
      try {
        for await (const m of messages) {
          accept(m);
          signal.wake?.();
        }
      } catch (err) {
        pumpError = err;
      } finally {
        ended = true;
        signal.wake?.();
      }
    })();
    // Groups handed to the handler and not acknowledged yet, oldest first.
    const groups: Array<{ msgs: JsMsg[]; handled: Promise<boolean> }> = [];
    // Keep every message we hold ours while it waits or is being handled.
    const keepAlive = setInterval(() => {
      for (const g of groups) for (const m of g.msgs) m.working();
      for (const m of waiting) m.working();
      for (const m of early.values()) m.working();
      closeGaps().catch(() => undefined);
    }, Math.max(500, ackWaitMs / 3));
    let stopping = false;
    let failed = false;
    const run = (jsMsgs: JsMsg[]): Promise<boolean> => {
      const msgs = jsMsgs.map((m) => ({
        subject: m.subject,
        data: m.data,
        msgId: m.headers?.get('Nats-Msg-Id') ?? '',
        seq: m.seq,
        deliveries: m.info.deliveryCount,
      }));
      return handleUntilDone(
        () => handler(msgs),
        (err) => onError?.(err, msgs),
        () => this.nc.isClosed() || stopping,
      );
    };
    // Acknowledges the oldest group once handled. After a group that was given up (stop, or the
    // connection closed), nothing newer is acknowledged: it is handed back (nak) for the next consumer.
    const settleOldest = async (): Promise<void> => {
      const g = groups[0];
      if (!g) return;
      const ok = await g.handled;
      groups.shift();
      if (!ok || failed) {
        failed = true;
        if (!this.nc.isClosed()) for (const m of g.msgs) m.nak();
        return;
      }
      // Acks go out in order on one connection; the last one is confirmed, which also
      // confirms the ones before it.
      const last = g.msgs[g.msgs.length - 1];
      for (const m of g.msgs) {
        for (const c of copies.get(m.seq) ?? []) c.ack();
        copies.delete(m.seq);
        if (m !== last) m.ack();
      }
      if (last) ackedThrough = Math.max(ackedThrough, last.seq);
      await last?.ackAck().catch(() => last.ack());
    };
    const loop = async (): Promise<void> => {
      try {
        while (!stopping && !failed) {
          if (waiting.length > 0 && groups.length < maxInFlight) {
            const jsMsgs = waiting.splice(0, spec.maxBatch);
            groups.push({ msgs: jsMsgs, handled: run(jsMsgs) });
            continue;
          }
          if (groups.length > 0) {
            // Room for another group: start it as soon as a message comes, not after the oldest.
            if (groups.length < maxInFlight && !ended) {
              const g = groups[0] as { handled: Promise<boolean> };
              const woke = new Promise<'wake'>((resolve) => (signal.wake = () => resolve('wake')));
              const first = await Promise.race([g.handled.then(() => 'settled' as const), woke]);
              signal.wake = null;
              if (first === 'wake') continue;
            }
            await settleOldest();
            continue;
          }
          if (ended) {
            if (pumpError !== null && !stopping) throw new BusError(`consumption of ${spec.stream} ended`, { cause: pumpError });
            return;
          }
          await new Promise<void>((resolve) => (signal.wake = resolve));
          signal.wake = null;
        }
      } finally {
        while (groups.length > 0) await settleOldest();
      }
    };
    const done = loop().finally(() => clearInterval(keepAlive));
    return {
      done,
      stop: async () => {
        stopping = true;
        signal.wake?.();
        await done.catch(() => undefined);
        await messages.close();
        await pump.catch(() => undefined);
        for (const m of waiting.splice(0)) m.nak();
        for (const m of early.values()) m.nak();
        early.clear();
      },
    };
  }

  /**
   * Creates the durable consumer, or re-creates it so that delivery starts at the oldest message
   * not acknowledged. A consumer that died left its unacknowledged messages to be redelivered only
   * after ack_wait, after newer ones; and a pull request it left waiting on the server can still
   * take new messages away to nobody. A consumer that takes many messages at once would then
   * handle a newer message before an older one. Re-creating drops both. One consumer process per
   * durable name.
   */
  private async startConsumerAtAckFloor(stream: string, config: Partial<ConsumerConfig> & { durable_name: string }): Promise<number> {
    let startSeq: number | null = null;
    try {
      const info = await this.jsm.consumers.info(stream, config.durable_name);
      startSeq = consumerFloor(info) + 1;
      await this.jsm.consumers.delete(stream, config.durable_name);
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === 10014)) throw err;
    }
    await this.jsm.consumers.add(
      stream,
      startSeq === null
        ? { ...config, deliver_policy: DeliverPolicy.All }
        : { ...config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq },
    );
    // The first sequence it delivers: a purged stream starts later (see closeGaps).
    const state = (await this.jsm.streams.info(stream)).state;
    const first = state.messages === 0 ? state.last_seq + 1 : state.first_seq;
    return Math.max(startSeq ?? 1, first);
  }

  emit(subject: string, data: Uint8Array): void {
    if (!this.nc.isClosed()) this.nc.publish(subject, data);
  }

  listen(subject: string, handler: (subject: string, data: Uint8Array) => void): () => void {
    const sub = this.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (!err) handler(msg.subject, msg.data);
      },
    });
    this.subs.add(sub);
    return () => {
      this.subs.delete(sub);
      sub.unsubscribe();
    };
  }

  healthy(): boolean {
    return !this.nc.isClosed() && this.nc.status !== undefined;
  }

  async close(): Promise<void> {
    for (const sub of this.subs) sub.unsubscribe();
    this.subs.clear();
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}
