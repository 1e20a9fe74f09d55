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
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { BusError, retryDelayMs, type Bus, type PublishResult, type ConsumeSpec, type Consumption, type DurableMessage, type StreamSpec } from './bus.ts';

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

  async consume(
    spec: ConsumeSpec,
    handler: (msg: DurableMessage) => Promise<void>,
    onError?: (err: unknown, msg: DurableMessage) => void,
  ): Promise<Consumption> {
    const consumerConfig = {
      durable_name: spec.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(spec.ackWaitMs ?? 30_000),
      max_ack_pending: spec.maxAckPending ?? 64,
      ...(spec.filterSubject ? { filter_subject: spec.filterSubject } : {}),
    };
    try {
      await this.jsm.consumers.info(spec.stream, spec.durable);
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === 10014) {
        await this.jsm.consumers.add(spec.stream, consumerConfig);
      } else {
        throw err;
      }
    }
    const consumer = await this.js.consumers.get(spec.stream, spec.durable);
    const messages = await consumer.consume({ max_messages: spec.maxAckPending ?? 64 });
    let stopping = false;
    const loop = async (): Promise<void> => {
      for await (const m of messages) {
        const msg: DurableMessage = {
          subject: m.subject,
          data: m.data,
          msgId: m.headers?.get('Nats-Msg-Id') ?? '',
          seq: m.seq,
          deliveries: m.info.deliveryCount,
        };
        // Keep the message ours while the handler (and its retries) run.
        const keepAlive = setInterval(() => m.working(), Math.max(500, (spec.ackWaitMs ?? 30_000) / 3));
        try {
          for (let attempt = 0; ; attempt++) {
            try {
              await handler(msg);
              break;
            } catch (err) {
              onError?.(err, msg);
              if (this.nc.isClosed()) return; // JetStream redelivers it after ack_wait
              if (stopping) {
                // Hand it back at once so the next consumer does not wait for ack_wait.
                m.nak();
                return;
              }
              await sleep(retryDelayMs(attempt));
            }
          }
        } finally {
          clearInterval(keepAlive);
        }
        await m.ackAck().catch(() => m.ack());
        if (stopping) break;
      }
    };
    const done = loop();
    return {
      done,
      stop: async () => {
        stopping = true;
        await messages.close();
        await done.catch(() => undefined);
      },
    };
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
