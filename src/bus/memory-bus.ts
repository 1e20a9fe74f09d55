// In-process bus for the embedded all-in-one run. Durable publishes resolve only after the
// consumer handled the message, so a producer's checkpoint never runs ahead of storage: after a
// crash, the producer resends from its checkpoint and nothing is lost (the consumer dedups).
import {
  BusError,
  consumeOneByOne,
  handleUntilDone,
  subjectMatches,
  type BatchConsumeSpec,
  type Bus,
  type ConsumeSpec,
  type Consumption,
  type DurableMessage,
  type PublishResult,
  type StreamSpec,
} from './bus.ts';

interface Pending {
  msg: DurableMessage;
  resolve: () => void;
  reject: (err: Error) => void;
}

interface MemoryStream {
  spec: StreamSpec;
  seq: number;
  queue: Pending[];
  /** msgId -> time first seen, for the duplicate window. */
  recentIds: Map<string, number>;
  wake: (() => void) | null;
  consumer: boolean;
}

export interface MemoryBusOptions {
  /** Max messages waiting for the consumer; publishers wait beyond it (backpressure). */
  maxPending?: number;
  now?: () => number;
}

export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  private readonly streams = new Map<string, MemoryStream>();
  private readonly listeners = new Set<{ pattern: string; handler: (s: string, d: Uint8Array) => void }>();
  private readonly maxPending: number;
  private readonly now: () => number;
  private closed = false;
  private spaceWaiters: Array<() => void> = [];

  constructor(opts: MemoryBusOptions = {}) {
    this.maxPending = opts.maxPending ?? 64;
    this.now = opts.now ?? Date.now;
  }

  async ensureStream(spec: StreamSpec): Promise<void> {
    if (!this.streams.has(spec.name)) {
      this.streams.set(spec.name, { spec, seq: 0, queue: [], recentIds: new Map(), wake: null, consumer: false });
    }
  }

  private streamFor(subject: string): MemoryStream {
    for (const stream of this.streams.values()) {
      if (stream.spec.subjects.some((p) => subjectMatches(p, subject))) return stream;
    }
    throw new BusError(`no stream holds subject ${subject}`);
  }

  async publish(subject: string, data: Uint8Array, msgId: string): Promise<PublishResult> {
    if (this.closed) throw new BusError('bus closed');
    const stream = this.streamFor(subject);
    const now = this.now();
    for (const [id, at] of stream.recentIds) {
      if (now - at <= stream.spec.duplicateWindowMs) break;
      stream.recentIds.delete(id);
    }
    if (stream.recentIds.has(msgId)) return { duplicate: true };
    while (stream.queue.length >= this.maxPending) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
      if (this.closed) throw new BusError('bus closed');
    }
    stream.recentIds.set(msgId, now);
    stream.seq += 1;
    const msg: DurableMessage = { subject, data, msgId, seq: stream.seq, deliveries: 1 };
    await new Promise<void>((resolve, reject) => {
      stream.queue.push({ msg, resolve, reject });
      stream.wake?.();
    });
    return { duplicate: false };
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
    const stream = this.streams.get(spec.stream);
    if (!stream) throw new BusError(`no stream ${spec.stream}`);
    if (stream.consumer) throw new BusError(`stream ${spec.stream} already has a consumer`);
    stream.consumer = true;
    let stopping = false;
    const maxInFlight = Math.max(1, spec.maxInFlight ?? 1);
    // Groups with the handler, oldest first; their messages are the head of stream.queue.
    const groups: Array<{ group: Pending[]; handled: Promise<boolean> }> = [];
    const run = (group: Pending[]): Promise<boolean> =>
      handleUntilDone(
        () => handler(group.map((p) => p.msg)),
        (err) => onError?.(err, group.map((p) => p.msg)),
        () => stopping || this.closed,
        () => {
          for (const p of group) p.msg = { ...p.msg, deliveries: p.msg.deliveries + 1 };
        },
      );
    const settleOldest = async (): Promise<boolean> => {
      const g = groups[0] as { group: Pending[]; handled: Promise<boolean> };
      const ok = await g.handled;
      groups.shift();
      if (!ok) return false;
      stream.queue.splice(0, g.group.length);
      for (const p of g.group) p.resolve();
      this.releaseSpace();
      return true;
    };
    const wakeOrSettled = async (g: { handled: Promise<boolean> }): Promise<'wake' | 'settled'> => {
      const woke = new Promise<'wake'>((resolve) => (stream.wake = () => resolve('wake')));
      const first = await Promise.race([g.handled.then(() => 'settled' as const), woke]);
      stream.wake = null;
      return first;
    };
    const loop = async (): Promise<void> => {
      try {
        while (!stopping && !this.closed) {
          const held = groups.reduce((n, g) => n + g.group.length, 0);
          // Messages of other subjects are passed over (acknowledged) without the handler.
          while (held === 0 && stream.queue[0] && spec.filterSubject && !subjectMatches(spec.filterSubject, stream.queue[0].msg.subject)) {
            stream.queue.shift()?.resolve();
            this.releaseSpace();
          }
          const group: Pending[] = [];
          if (groups.length < maxInFlight) {
            for (const p of stream.queue.slice(held)) {
              if (group.length >= spec.maxBatch) break;
              if (spec.filterSubject && !subjectMatches(spec.filterSubject, p.msg.subject)) break;
              group.push(p);
            }
          }
          if (group.length > 0) {
            groups.push({ group, handled: run(group) });
            continue;
          }
          if (groups.length > 0) {
            // Room for another group: start it as soon as a message comes, not after the oldest.
            if (groups.length < maxInFlight && (await wakeOrSettled(groups[0] as { handled: Promise<boolean> })) === 'wake') continue;
            if (!(await settleOldest())) return;
            continue;
          }
          await new Promise<void>((resolve) => (stream.wake = resolve));
          stream.wake = null;
        }
      } finally {
        while (groups.length > 0) if (!(await settleOldest())) break;
      }
    };
    const done = loop().finally(() => {
      stream.consumer = false;
    });
    return {
      done,
      stop: async () => {
        stopping = true;
        stream.wake?.();
        await done;
      },
    };
  }

  private releaseSpace(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const w of waiters) w();
  }

  emit(subject: string, data: Uint8Array): void {
    for (const l of this.listeners) {
      if (subjectMatches(l.pattern, subject)) l.handler(subject, data);
    }
  }

  listen(subject: string, handler: (subject: string, data: Uint8Array) => void): () => void {
    const entry = { pattern: subject, handler };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  healthy(): boolean {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stream of this.streams.values()) {
      for (const p of stream.queue) p.reject(new BusError('bus closed'));
      stream.queue = [];
      stream.wake?.();
    }
    this.releaseSpace();
    this.listeners.clear();
  }
}
