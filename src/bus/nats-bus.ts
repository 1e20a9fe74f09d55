// NATS JetStream bus. Durable publishes carry the batch id as Nats-Msg-Id (server-side dedup
// within the stream's duplicate window); consumption is a durable pull consumer with explicit
// acks, each message acked only after the handler resolved (a batch consumption's parts:
// nats-consumption.ts for its lifecycle, stream-order.ts, handover.ts).
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  AckPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type ConsumerMessages,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { BusError, consumeOneByOne, retryDelayMs, type BatchConsumeSpec, type Bus, type PublishResult, type ConsumeSpec, type Consumption, type DurableMessage, type StreamSpec } from './bus.ts';
import { BatchConsumption, startConsumerAtAckFloor } from './nats-consumption.ts';
import type { ConsumerFacts } from '@tablero/processor/metrics';
import { openLeaseStore, type LeaseStore } from './nats-leases.ts';

export { consumerFloor } from './nats-consumption.ts';

/** Bytes a consumer asks the server for per pull request. */
const PULL_MAX_BYTES = 8 * 1024 * 1024;
/**
 * Default life of a pull request (ms). The client's own default (30 s) let a pull held by a
 * NATS server that died stall consumption ~41 s (docs/partitions.md, "Failover"); a short pull
 * is replaced within this time (its heartbeats, half of it, are missed sooner).
 */
export const DEFAULT_PULL_EXPIRES_MS = 5_000;

export interface NatsBusOptions {
  servers: string | string[];
  name?: string;
  /** How long publish retries a failing JetStream publish (bus down, stream full) before giving up. */
  publishTimeoutMs?: number;
  /**
   * Copies of every stream this bus creates or updates (JetStream `num_replicas`): 1 on a single
   * server, 3 on a three-server cluster (a stream then survives the loss of one server).
   */
  replicas?: number;
  /** Life of each pull request of a consumption (ms, `expires`; default DEFAULT_PULL_EXPIRES_MS, TABLERO_NATS_PULL_EXPIRES_MS). */
  pullExpiresMs?: number;
}

export class NatsBus implements Bus {
  readonly kind = 'nats' as const;
  private readonly subs = new Set<Subscription>();
  /** Per subject, the publish that the next one on it waits for. */
  private readonly subjectTails = new Map<string, Promise<void>>();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly publishTimeoutMs: number,
    private readonly replicas: number,
    private readonly pullExpiresMs: number,
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
      return new NatsBus(nc, jetstream(nc), jsm, opts.publishTimeoutMs ?? 120_000, opts.replicas ?? 1, opts.pullExpiresMs ?? DEFAULT_PULL_EXPIRES_MS);
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
      num_replicas: this.replicas,
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

  /**
   * Publishes to one subject go out one after the other: a message is sent once the previous one
   * on its subject is acknowledged. Otherwise a publish that fails (a stream leader dying, in a
   * cluster) and is retried lands after a later one that did not fail, and the processor, which
   * reads a source's events in offset order (its per-source watermark), would take the late one
   * for a redelivery and drop it (found by test/e2e/nats-cluster.test.ts). One subject is one
   * site: sites still publish side by side.
   */
  publish(subject: string, data: Uint8Array, msgId: string): Promise<PublishResult> {
    const previous = this.subjectTails.get(subject);
    const run = previous ? previous.then(() => this.publishNow(subject, data, msgId)) : this.publishNow(subject, data, msgId);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.subjectTails.set(subject, tail);
    void tail.then(() => {
      if (this.subjectTails.get(subject) === tail) this.subjectTails.delete(subject);
    });
    return run;
  }

  private async publishNow(subject: string, data: Uint8Array, msgId: string): Promise<PublishResult> {
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
      // Stream order is enforced from contiguous sequence numbers (StreamOrder), which a filter breaks.
      throw new BusError(`a filtered consumer (${spec.durable}) takes one message at a time: maxAckPending 1`);
    }
    const config = {
      durable_name: spec.durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(ackWaitMs),
      max_ack_pending: maxAckPending,
      ...(spec.filterSubject ? { filter_subject: spec.filterSubject } : {}),
    };
    // Bytes per pull request bounded: a client that stops reading for a while (a long handler
    // turn) must not make the server cut it off as a slow consumer, which loses messages in flight.
    // A short `expires`: a pull held by a server that died is replaced within it (idle heartbeat:
    // half of it), not after the client's default 30 s.
    const pull = async (): Promise<ConsumerMessages> =>
      (await this.js.consumers.get(spec.stream, spec.durable)).consume({ max_bytes: PULL_MAX_BYTES, expires: this.pullExpiresMs });
    const claim = await this.claimDurable(spec.stream, spec.durable);
    let next: number;
    let first: ConsumerMessages;
    try {
      next = await startConsumerAtAckFloor(this.jsm, spec.stream, config);
      first = await pull();
    } catch (err) {
      this.release(claim);
      throw err;
    }
    const consumption = new BatchConsumption(
      {
        nc: this.nc,
        jsm: this.jsm,
        stream: spec.stream,
        config,
        ackWaitMs,
        maxBatch: spec.maxBatch,
        maxInFlight,
        filtered: Boolean(spec.filterSubject),
        pull,
        release: () => this.release(claim),
        handler,
        onError,
      },
      next,
    );
    return consumption.start(first);
  }

  /**
   * Makes sure no other live process consumes `stream` as `durable`, and answers for this one
   * from now on: a second consumer would delete this one's consumer, at its start and at every
   * reconnect (see startConsumerAtAckFloor), and the two would split the stream between them.
   * Asked on core NATS; a process that died no longer answers. Two started in the same instant
   * can both pass.
   */
  private async claimDurable(stream: string, durable: string): Promise<Subscription> {
    const subject = `_TABLERO.consumer.${stream}.${durable}`;
    // Nobody holding it answers at once ("no responders"); a holder busy for a moment (a long
    // commit, a loaded machine) still gets a few seconds to answer.
    const holder = await this.nc.request(subject, undefined, { timeout: 5_000 }).catch(() => null);
    if (holder) {
      throw new BusError(`another process already consumes ${stream} as ${durable} (${holder.string()}); run a single processor per NATS server`);
    }
    const me = `${hostname()} pid ${process.pid}, since ${new Date().toISOString()}`;
    const sub = this.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (!err) msg.respond(me);
      },
    });
    this.subs.add(sub);
    return sub;
  }

  private release(sub: Subscription): void {
    if (this.subs.delete(sub)) sub.unsubscribe();
  }

  /** Compare-and-set leases in a KV bucket whose keys expire `ttlMs` after their last write (nats-leases.ts). */
  leases(bucket: string, ttlMs: number): Promise<LeaseStore> {
    return openLeaseStore(this.js, this.jsm, bucket, { ttlMs, replicas: this.replicas });
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

  /**
   * Every durable consumer of every stream with its pending counts, as the server reports them
   * (for /metrics: consumer lag and pending per consumer, partitioned consumers included).
   */
  async consumerFacts(): Promise<ConsumerFacts[]> {
    const facts: ConsumerFacts[] = [];
    for await (const stream of this.jsm.streams.list()) {
      for await (const c of this.jsm.consumers.list(stream.config.name)) {
        facts.push({ stream: c.stream_name, consumer: c.name, pending: c.num_pending, ack_pending: c.num_ack_pending });
      }
    }
    return facts;
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
