// The bus port the escalation service needs (structural: the root MemoryBus and NatsBus satisfy
// it). Ticket batches and CRM dead letters in (durable), snapshots and overdue alerts out (live).
export interface EscalationsBus {
  ensureStream(spec: { name: string; subjects: string[]; maxBytes: number; duplicateWindowMs: number }): Promise<void>;
  consume(
    spec: { stream: string; durable: string; maxAckPending?: number },
    handler: (msg: { subject: string; data: Uint8Array; msgId: string }) => Promise<void>,
    onError?: (err: unknown, msg: { subject: string; msgId: string }) => void,
  ): Promise<{ stop(): Promise<void>; done: Promise<void> }>;
  emit(subject: string, data: Uint8Array): void;
}
