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
}
