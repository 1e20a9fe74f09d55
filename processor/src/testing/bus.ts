// Test support: an in-process ProcessorBus with explicit redelivery, so tests can replay a
// batch the way JetStream does after a crash (the root MemoryBus never redelivers).
import type { ProcessorBus, ProcessorDurableMessage } from '../bus/bus.ts';

type Handler = (msg: ProcessorDurableMessage) => Promise<void>;

export class TestBus implements ProcessorBus {
  readonly emitted: Array<{ subject: string; data: unknown }> = [];
  private handler: Handler | null = null;
  private onError: ((err: unknown, msg: { subject: string; msgId: string }) => void) | undefined;
  private seq = 0;
  streams: string[] = [];

  constructor(private readonly maxAttempts = 5) {}

  async ensureStream(spec: { name: string }): Promise<void> {
    this.streams.push(spec.name);
  }

  async consume(
    _spec: { stream: string; durable: string },
    handler: Handler,
    onError?: (err: unknown, msg: { subject: string; msgId: string }) => void,
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
  async deliver(subject: string, body: unknown, msgId: string): Promise<boolean> {
    const data = new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));
    this.seq += 1;
    for (let deliveries = 1; deliveries <= this.maxAttempts; deliveries++) {
      const h = this.handler;
      if (!h) throw new Error('no consumer');
      try {
        await h({ subject, data, msgId, seq: this.seq, deliveries });
        return true;
      } catch (err) {
        this.onError?.(err, { subject, msgId });
      }
    }
    return false;
  }

  emit(subject: string, data: Uint8Array): void {
    this.emitted.push({ subject, data: JSON.parse(new TextDecoder().decode(data)) });
  }
}
