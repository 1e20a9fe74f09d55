// The bus port the processor needs (structural: the root MemoryBus and NatsBus satisfy it).
// Durable messages in (event batches, dead letters), live snapshots out.
export interface ProcessorDurableMessage {
  subject: string;
  data: Uint8Array;
  msgId: string;
  seq: number;
  deliveries: number;
}

export interface ProcessorBus {
  ensureStream(spec: { name: string; subjects: string[]; maxBytes: number; duplicateWindowMs: number }): Promise<void>;
  consume(
    spec: { stream: string; durable: string; filterSubject?: string; maxAckPending?: number; ackWaitMs?: number },
    handler: (msg: ProcessorDurableMessage) => Promise<void>,
    onError?: (err: unknown, msg: { subject: string; msgId: string }) => void,
  ): Promise<{ stop(): Promise<void>; done: Promise<void> }>;
  consumeBatches(
    spec: { stream: string; durable: string; filterSubject?: string; maxAckPending?: number; ackWaitMs?: number; maxBatch: number; maxInFlight?: number },
    handler: (msgs: ProcessorDurableMessage[]) => Promise<void>,
    onError?: (err: unknown, msgs: Array<{ subject: string; msgId: string }>) => void,
  ): Promise<{ stop(): Promise<void>; done: Promise<void> }>;
  emit(subject: string, data: Uint8Array): void;
  /** Core (not persisted) messages on `subject` (LIVE_RESYNC_SUBJECT); absent on test buses that need none. */
  listen?(subject: string, handler: (subject: string, data: Uint8Array) => void): () => void;
}

/**
 * A durable message's body as JSON. An unreadable one is not ours to fix by retrying (it would
 * block the stream): callers count it, log it and let it be acknowledged.
 */
export function readMessage(data: Uint8Array): { ok: true; value: unknown; text: string } | { ok: false; reason: string } {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text), text };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Runs the functions given to it one after the other, in call order, each after the previous
 * one settled (a failure does not stop the next).
 */
export function takeTurns(): <T>(fn: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const run = last.then(fn, fn);
    last = run.catch(() => undefined);
    return run;
  };
}
