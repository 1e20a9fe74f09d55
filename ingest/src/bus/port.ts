// The small slice of the bus that ingest needs. The root `Bus` implementations (NATS JetStream,
// in-process) satisfy it structurally; the composition root passes the real one in.

/** What a bus may tell about a stored message (JetStream's PubAck says whether it was a duplicate). */
export interface PublishAck {
  /** The bus already held a message with this msgId (within its duplicate window): nothing was added. */
  duplicate?: boolean;
}

export interface IngestBus {
  ensureStream(spec: { name: string; subjects: string[]; maxBytes: number; duplicateWindowMs: number }): Promise<void>;
  /**
   * Resolves once the bus holds the message durably; a repeated msgId within the duplicate
   * window is stored once. The caller reuses `data`'s memory after the promise resolved, so the
   * bus must not read it later (NATS has sent it by then; the in-process bus has handed it to
   * its consumer, which must copy what it keeps). A bus that knows whether the message was a
   * duplicate says so in the result (counted in import summaries); `void` means unknown.
   */
  publish(subject: string, data: Uint8Array, msgId: string): Promise<void | PublishAck>;
}
