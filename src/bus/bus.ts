// One bus interface, two implementations: NATS JetStream (production, tests) and in-process
// (the embedded all-in-one run). Services receive a Bus from the composition root and never
// know which one it is.
import { setTimeout as sleep } from 'node:timers/promises';

export interface StreamSpec {
  name: string;
  subjects: string[];
  /** Hard limit; with `discard: new` a full stream rejects publishes (pushes back) instead of deleting data. */
  maxBytes: number;
  /** Window in which a repeated msgId is dropped by the server. */
  duplicateWindowMs: number;
}

export interface ConsumeSpec {
  stream: string;
  durable: string;
  filterSubject?: string;
  /** Max unacknowledged messages the consumer has at once. */
  maxAckPending?: number;
  /** After this long without an ack (a consumer that died), the message is delivered again. Default 30 s. */
  ackWaitMs?: number;
}

export interface BatchConsumeSpec extends ConsumeSpec {
  /** Most messages handed to the handler at once (what has arrived while the previous group was handled). */
  maxBatch: number;
  /**
   * How many groups may be with the handler at once (default 1): with 2, the next group is handed
   * over while the previous one is still being handled (e.g. stored), so the handler can overlap
   * its work. Acknowledgements stay in stream order. The in-process bus hands over one at a time.
   */
  maxInFlight?: number;
}

export interface DurableMessage {
  subject: string;
  data: Uint8Array;
  msgId: string;
  /** Stream sequence number (monotonic within the stream). */
  seq: number;
  /** How many times this message has been delivered (1 = first time). */
  deliveries: number;
}

export interface Consumption {
  /** Resolves after the current message finished (acked or not) and no more are taken. */
  stop(): Promise<void>;
  /** Resolves when the consumption ends for any reason; rejects if it died. */
  done: Promise<void>;
}

export interface PublishResult {
  /** The bus already held a message with this msgId (within its duplicate window): nothing was added. */
  duplicate: boolean;
}

export interface Bus {
  readonly kind: 'nats' | 'memory';
  ensureStream(spec: StreamSpec): Promise<void>;
  /**
   * Durable publish. Resolves once the bus has the message for good (JetStream ack; in-process:
   * once the consumer handled it). A repeated msgId within the duplicate window is stored once.
   */
  publish(subject: string, data: Uint8Array, msgId: string): Promise<PublishResult>;
  /**
   * Durable consumption, one message at a time, in stream order. The message is acknowledged
   * only after `handler` resolves; a handler that throws is retried (same message, backoff)
   * so order is kept; `onError` is told about each failure.
   */
  consume(
    spec: ConsumeSpec,
    handler: (msg: DurableMessage) => Promise<void>,
    onError?: (err: unknown, msg: DurableMessage) => void,
  ): Promise<Consumption>;
  /**
   * Durable consumption in groups: the handler receives, in stream order, every message that
   * arrived while the previous group was handled (at least one, at most `maxBatch`), and all of
   * them are acknowledged only after it resolves; a handler that throws gets the same group again.
   * A message is never handed over before an older one of the same consumer, also after a crash
   * of the previous consumer (delivery restarts at the oldest unacknowledged message).
   */
  consumeBatches(
    spec: BatchConsumeSpec,
    handler: (msgs: DurableMessage[]) => Promise<void>,
    onError?: (err: unknown, msgs: DurableMessage[]) => void,
  ): Promise<Consumption>;
  /** Live, not persisted (core NATS): fire and forget. */
  emit(subject: string, data: Uint8Array): void;
  /** Subscribe to live messages; `subject` may use `*` and `>` wildcards. Returns an unsubscribe function. */
  listen(subject: string, handler: (subject: string, data: Uint8Array) => void): () => void;
  /** True while the bus is usable (for /api/health). */
  healthy(): boolean;
  close(): Promise<void>;
}

export class BusError extends Error {
  override name = 'BusError';
}

/** Matches a NATS subject against a pattern with `*` (one token) and `>` (the rest). */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const token = p[i];
    if (token === '>') return s.length > i;
    if (i >= s.length) return false;
    if (token !== '*' && token !== s[i]) return false;
  }
  return p.length === s.length;
}

/** `consume` on top of `consumeBatches`: groups of one message. */
export function consumeOneByOne(
  bus: Pick<Bus, 'consumeBatches'>,
  spec: ConsumeSpec,
  handler: (msg: DurableMessage) => Promise<void>,
  onError?: (err: unknown, msg: DurableMessage) => void,
): Promise<Consumption> {
  return bus.consumeBatches(
    { ...spec, maxBatch: 1 },
    async (msgs) => {
      for (const m of msgs) await handler(m);
    },
    onError ? (err, msgs) => msgs.forEach((m) => onError(err, m)) : undefined,
  );
}

export function retryDelayMs(attempt: number): number {
  return Math.min(5_000, 100 * 2 ** Math.min(attempt, 6));
}

/**
 * Runs a group's handler until it succeeds (true), or until `givenUp()` after a failure (false).
 * Every failure goes to `onFailure`; the next attempt waits retryDelayMs, then `beforeRetry` runs.
 */
export async function handleUntilDone(
  handle: () => Promise<void>,
  onFailure: (err: unknown) => void,
  givenUp: () => boolean,
  beforeRetry?: () => void,
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await handle();
      return true;
    } catch (err) {
      onFailure(err);
      if (givenUp()) return false;
      await sleep(retryDelayMs(attempt));
      beforeRetry?.();
    }
  }
}
