// Test support: an in-process ProcessorBus with explicit redelivery, so tests can replay a
// batch the way JetStream does after a crash (the root MemoryBus never redelivers).
import type { ProcessorBus, ProcessorDurableMessage } from '../bus/bus.ts';

type Handler = (msg: ProcessorDurableMessage) => Promise<void>;
type GroupHandler = (msgs: ProcessorDurableMessage[]) => Promise<void>;

export class TestBus implements ProcessorBus {
  readonly emitted: Array<{ subject: string; data: unknown }> = [];
  private handler: GroupHandler | null = null;
  private onError: ((err: unknown, msgs: Array<{ subject: string; msgId: string }>) => void) | undefined;
  private seq = 0;
  streams: string[] = [];

  constructor(private readonly maxAttempts = 5) {}

  async ensureStream(spec: { name: string }): Promise<void> {
    this.streams.push(spec.name);
  }

  consume(
    spec: { stream: string; durable: string },
    handler: Handler,
    onError?: (err: unknown, msg: { subject: string; msgId: string }) => void,
  ): Promise<{ stop(): Promise<void>; done: Promise<void> }> {
    return this.consumeBatches(
      { ...spec, maxBatch: 1 },
      async (msgs) => {
        for (const m of msgs) await handler(m);
      },
      onError ? (err, msgs) => msgs.forEach((m) => onError(err, m)) : undefined,
    );
  }

  async consumeBatches(
    _spec: { stream: string; durable: string; maxBatch: number },
    handler: GroupHandler,
    onError?: (err: unknown, msgs: Array<{ subject: string; msgId: string }>) => void,
  ): Promise<{ stop(): Promise<void>; done: Promise<void> }> {
    this.handler = handler;
    this.onError = onError;
    let resolveDone: () => void = () => {};
    const done = new Promise<void>((r) => (resolveDone = r));
    return {
      stop: async () => {
        this.handler = null;
        resolveDone();
      },
      done,
    };
  }

  /** Delivers one message; retries a failing handler up to maxAttempts. Resolves true when acked. */
  deliver(subject: string, body: unknown, msgId: string): Promise<boolean> {
    return this.deliverGroup([{ subject, body, msgId }]);
  }

  /** Delivers messages as one group (as a grouped consumer takes them); retries like `deliver`. */
  async deliverGroup(group: Array<{ subject: string; body: unknown; msgId: string }>): Promise<boolean> {
    const msgs = group.map(({ subject, body, msgId }) => ({
      subject,
      msgId,
      data: new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body)),
      seq: (this.seq += 1),
    }));
    for (let deliveries = 1; deliveries <= this.maxAttempts; deliveries++) {
      const h = this.handler;
      if (!h && deliveries > 1) return false; // the consumer stopped while the group was failing
      if (!h) throw new Error('no consumer');
      try {
        await h(msgs.map((m) => ({ ...m, deliveries })));
        return true;
      } catch (err) {
        this.onError?.(err, msgs);
      }
    }
    return false;
  }

  emit(subject: string, data: Uint8Array): void {
    this.emitted.push({ subject, data: JSON.parse(new TextDecoder().decode(data)) });
  }

  private readonly listeners = new Map<string, Set<(subject: string, data: Uint8Array) => void>>();
  listen(subject: string, handler: (subject: string, data: Uint8Array) => void): () => void {
    const set = this.listeners.get(subject) ?? new Set();
    this.listeners.set(subject, set);
    set.add(handler);
    return () => void set.delete(handler);
  }

  /** A core message on `subject` (exact subject: what listen() was given), as a dashboard would send it. */
  hear(subject: string, data: Uint8Array = new Uint8Array(0)): number {
    const set = this.listeners.get(subject) ?? new Set();
    for (const h of set) h(subject, data);
    return set.size;
  }
}
