// NATS JetStream bus. Durable publishes carry the batch id as Nats-Msg-Id (server-side dedup
// within the stream's duplicate window); consumption is a durable pull consumer with explicit
// acks, each message acked only after the handler resolved.
import { hostname } from 'node:os';
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
  type ConsumerMessages,
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

/** How long a gap in the sequence may last before its messages are read from the stream directly. */
const GAP_FETCH_MS = 500;
/** How long a consumer deleted from outside waits before it looks whether somebody re-created it. */
const DELETION_GRACE_MS = 1_000;

/**
 * A message held without a live delivery: read from the stream directly because its delivery
 * was lost on the way, or delivered by a consumer since re-created. There is nothing to
 * acknowledge; JetStream hands it out again, and that copy is acknowledged like any copy.
 */
class DetachedMsg {
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
type HeldMsg = JsMsg | DetachedMsg;

/** A promise with its resolve function (Node 20 has no Promise.withResolvers). */
function signalled(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

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
    const config = {
      durable_name: spec.durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(ackWaitMs),
      max_ack_pending: maxAckPending,
      ...(spec.filterSubject ? { filter_subject: spec.filterSubject } : {}),
    };
    // Bytes per pull request bounded: a client that stops reading for a while (a long handler
    // turn) must not make the server cut it off as a slow consumer, which loses messages in flight.
    const pull = async (): Promise<ConsumerMessages> => (await this.js.consumers.get(spec.stream, spec.durable)).consume({ max_bytes: PULL_MAX_BYTES });
    const claim = await this.claimDurable(spec.stream, spec.durable);
    let next: number;
    let first: ConsumerMessages;
    try {
      next = await this.startConsumerAtAckFloor(spec.stream, config);
      first = await pull();
    } catch (err) {
      this.release(claim);
      throw err;
    }
    // Messages in stream order without gaps go to `waiting`; the worker takes them in groups.
    // JetStream hands a message lost on the way (a reconnect) out again only after ack_wait,
    // possibly after newer ones: newer ones wait in `early` until the older one is there, read
    // from the stream directly once the gap lasts GAP_FETCH_MS (see mendGaps); a copy of one
    // already queued or handled is dropped (the original gets acknowledged).
    const waiting: HeldMsg[] = [];
    const early = new Map<number, HeldMsg>();
    const copies = new Map<number, JsMsg[]>();
    let ackedThrough = next - 1;
    let gapSince = 0;
    /** The pull whose messages are handed over (see follow); null while it is being replaced. */
    let messages: ConsumerMessages | null = null;
    /** Resolved when the consumer is replaced (a reconnect, a deletion): acks asked of the old one are moot. */
    let renewed = signalled();
    const signalRenewal = (): void => {
      renewed.resolve();
      renewed = signalled();
    };
    const accept = (m: HeldMsg): void => {
      if (m.seq < next) {
        // A copy of one queued or handled: JetStream counts it as delivered again (a server that
        // restarted from an older consumer state does so), so it is acknowledged too, now if its
        // original already was, else with its group.
        if (m instanceof DetachedMsg) return;
        if (m.seq <= ackedThrough) m.ack();
        else copies.set(m.seq, [...(copies.get(m.seq) ?? []), m]);
        return;
      }
      if (spec.filterSubject) {
        // The sequence skips the messages of other subjects: no gap to wait for. One message in
        // flight at a time (maxAckPending 1), so a lost one blocks the next until it comes again.
        next = m.seq + 1;
        waiting.push(m);
        return;
      }
      early.set(m.seq, m);
      drain();
    };
    /** Moves what follows `next` without a gap from `early` to `waiting`. */
    const drain = (): void => {
      for (let e = early.get(next); e; e = early.get(next)) {
        early.delete(next);
        waiting.push(e);
        next += 1;
      }
      gapSince = early.size > 0 ? gapSince || Date.now() : 0;
    };
    // A gap that lasts GAP_FETCH_MS: its messages are read from the stream instead of waiting
    // ack_wait for their redelivery (the wallboard would stand still that long). One the stream
    // does not hold is passed over only once a redelivery could have come (it is gone: limits, a
    // purge), and only on a definite "no such message", never on an error (tried again later).
    let mending = false;
    const mendGaps = async (): Promise<void> => {
      if (mending || early.size === 0 || Date.now() - gapSince < GAP_FETCH_MS) return;
      mending = true;
      try {
        const gone = Date.now() - gapSince >= ackWaitMs + 2_000;
        if (gone) {
          next = Math.max(next, (await this.jsm.streams.info(spec.stream)).state.first_seq);
          // Held ones the stream dropped meanwhile are below it now: settled like copies.
          for (const [seq, m] of [...early]) {
            if (seq >= next) continue;
            early.delete(seq);
            accept(m);
          }
        }
        while (early.size > 0 && !early.has(next) && !stopping) {
          const seq = next;
          const sm = await this.jsm.streams.getMessage(spec.stream, { seq });
          if (next !== seq) continue; // its delivery came meanwhile
          if (sm !== null) accept(new DetachedMsg(sm.subject, sm.data, seq, sm.header));
          else if (gone) next = seq + 1;
          else break;
        }
        drain();
      } finally {
        mending = false;
        signal.wake?.();
      }
    };
    const gapTimer = setInterval(() => {
      if (early.size > 0) mendGaps().catch(() => undefined);
    }, GAP_FETCH_MS / 2);
    const signal: { wake: (() => void) | null } = { wake: null };
    let ended = false;
    let pumpError: unknown = null;
    const startPump = (from: ConsumerMessages): Promise<void> =>
      (async () => {
        try {
          for await (const m of from) {
            if (from !== messages) {
              // A pull being given up (its consumer deleted or being re-created): not ours to
              // handle or acknowledge. After an outside deletion it may already be served by a
              // consumer someone else created under the same name: handed straight back to it.
              m.nak();
              continue;
            }
            accept(m);
            signal.wake?.();
          }
        } catch (err) {
          if (from === messages) pumpError = err;
        } finally {
          // A pull closed to re-create the consumer (see renew) is not the end.
          if (from === messages) {
            ended = true;
            signal.wake?.();
          }
        }
      })();
    let pump: Promise<void> = Promise.resolve();
    // Groups handed to the handler and not acknowledged yet, oldest first.
    const groups: Array<{ msgs: HeldMsg[]; handled: Promise<boolean> }> = [];
    // Keep every message we hold ours while it waits or is being handled.
    const keepAlive = setInterval(() => {
      for (const g of groups) for (const m of g.msgs) m.working();
      for (const m of waiting) m.working();
      for (const m of early.values()) m.working();
    }, Math.max(500, ackWaitMs / 3));
    let stopping = false;
    let failed = false;
    const run = (jsMsgs: HeldMsg[]): Promise<boolean> => {
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
      const last = g.msgs.findLast((m): m is JsMsg => !(m instanceof DetachedMsg));
      for (const m of g.msgs) {
        for (const c of copies.get(m.seq) ?? []) c.ack();
        copies.delete(m.seq);
        if (m !== last) m.ack();
      }
      ackedThrough = Math.max(ackedThrough, (g.msgs[g.msgs.length - 1] as HeldMsg).seq);
      // A confirmation asked on a connection that then dropped, or of a consumer since deleted,
      // would only time out (5 s): the consumer is re-created (see renew), which settles these acks.
      if (last) await Promise.race([last.ackAck().catch(() => last.ack()), renewed.promise]);
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
            if (pumpError !== null && !stopping) {
              throw pumpError instanceof BusError ? pumpError : new BusError(`consumption of ${spec.stream} ended`, { cause: pumpError });
            }
            return;
          }
          await new Promise<void>((resolve) => (signal.wake = resolve));
          signal.wake = null;
        }
      } finally {
        while (groups.length > 0) await settleOldest();
      }
    };
    // After a reconnect the server may count every delivery we hold, or acknowledged while it
    // died, as pending (a restarted server loses acks it had not stored yet). With max_ack_pending
    // reached it delivers nothing new until ack_wait brings them back. So the consumer is
    // re-created at its ack floor, like at start: what it hands out again below `next` is a copy,
    // acknowledged without being handled again. What we hold is detached from the old deliveries.
    let renewing: Promise<void> = Promise.resolve();
    /** Stops a pull given up and detaches what we hold from its deliveries (they belong to a consumer going away). */
    const detachAll = async (old: ConsumerMessages | null): Promise<void> => {
      await old?.close().catch(() => undefined);
      const detach = (m: HeldMsg): HeldMsg => (m instanceof DetachedMsg ? m : new DetachedMsg(m.subject, m.data, m.seq, m.headers));
      for (const g of groups) g.msgs = g.msgs.map(detach);
      waiting.splice(0, waiting.length, ...waiting.map(detach));
      for (const [seq, m] of early) early.set(seq, detach(m));
      copies.clear();
    };
    const recreate = async (): Promise<void> => {
      for (let attempt = 0; !stopping; attempt++) {
        try {
          // Everything through ackedThrough was handled: a consumer gone meanwhile restarts after it.
          await this.startConsumerAtAckFloor(spec.stream, config, ackedThrough + 1);
          follow(await pull());
          return;
        } catch {
          await sleep(retryDelayMs(attempt));
        }
      }
    };
    const renew = async (): Promise<void> => {
      const old = messages;
      messages = null;
      await detachAll(old);
      await recreate();
    };
    // A consumer deleted from outside (`nats consumer rm`, an admin tool): nats.js would go on
    // pulling from nothing, and the processor would stand still without a word. It is re-created
    // after the last acknowledged message, as at a reconnect; unless somebody re-created it
    // meanwhile (another process deleting it to start its own, see startConsumerAtAckFloor):
    // then this consumption ends with that reason instead of deleting theirs in turn.
    const afterDeletion = async (from: ConsumerMessages): Promise<void> => {
      if (stopping) return;
      await detachAll(from);
      signalRenewal();
      await sleep(DELETION_GRACE_MS); // a process that deletes it to re-create it does so at once
      for (let attempt = 0; !stopping; attempt++) {
        try {
          const info = await this.jsm.consumers.info(spec.stream, spec.durable);
          die(new BusError(`the consumer ${spec.durable} of ${spec.stream} was deleted and created again by another process (at ${info.created}); this one stops rather than take it back: run a single consumer per durable`));
          return;
        } catch (err) {
          if (err instanceof JetStreamApiError && err.code === 10014) return recreate();
          if (err instanceof JetStreamApiError && err.code === 10059) {
            // Its stream went with it: a restarted process creates both again (ensureStream).
            die(new BusError(`the stream ${spec.stream} was deleted under the consumer ${spec.durable}`));
            return;
          }
          await sleep(retryDelayMs(attempt));
        }
      }
    };
    const watchDeletion = async (from: ConsumerMessages): Promise<void> => {
      for await (const st of from.status()) {
        if (st.type !== 'consumer_deleted') continue;
        if (from !== messages || stopping) return; // our own re-creation (see renew), or a stop
        messages = null; // at once: what this pull still receives is not ours (see startPump)
        renewing = renewing.then(() => afterDeletion(from));
        return;
      }
    };
    /** Ends the consumption with `err`: the groups being handled finish, nothing else is handed over. */
    const die = (err: BusError): void => {
      pumpError = err;
      ended = true;
      waiting.length = 0;
      early.clear();
      signal.wake?.();
    };
    const watchReconnects = async (): Promise<void> => {
      for await (const st of this.nc.status()) {
        if (stopping) break;
        if (st.type !== 'reconnect') continue;
        signalRenewal();
        renewing = renewing.then(renew);
      }
    };
    /** Makes `from` the live pull: its messages are handed over, its deletion watched. */
    const follow = (from: ConsumerMessages): void => {
      messages = from;
      pump = startPump(from);
      watchDeletion(from).catch(() => undefined);
    };
    follow(first);
    watchReconnects().catch(() => undefined);
    const done = loop().finally(() => {
      clearInterval(keepAlive);
      clearInterval(gapTimer);
      // Stopped or dead: another process may take the durable over.
      this.release(claim);
    });
    return {
      done,
      stop: async () => {
        stopping = true;
        signal.wake?.();
        await done.catch(() => undefined);
        // The claim is released (done): once the server has that, a replacement asking for the
        // durable hears "no responders" at once instead of waiting out the holder's answer.
        if (!this.nc.isClosed()) await this.nc.flush().catch(() => undefined);
        await renewing;
        await messages?.close();
        await pump.catch(() => undefined);
        for (const m of waiting.splice(0)) m.nak();
        for (const m of early.values()) m.nak();
        early.clear();
      },
    };
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

  /**
   * Creates the durable consumer, or re-creates it so that delivery starts at the oldest message
   * not acknowledged. A consumer that died left its unacknowledged messages to be redelivered only
   * after ack_wait, after newer ones; and a pull request it left waiting on the server can still
   * take new messages away to nobody. A consumer that takes many messages at once would then
   * handle a newer message before an older one. Re-creating drops both. One consumer process per
   * durable name. `ifNone`: where a consumer that does not exist starts (else at the beginning).
   */
  private async startConsumerAtAckFloor(stream: string, config: Partial<ConsumerConfig> & { durable_name: string }, ifNone: number | null = null): Promise<number> {
    let startSeq: number | null = ifNone;
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
    // The first sequence it delivers: a purged stream starts later (see mendGaps).
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
