// The part of the bus the dashboard uses: live (not persisted) KPI messages and a health flag.
// The root Bus implementations (in-process and NATS) satisfy it structurally.
export interface DashboardBus {
  /** Subscribe to live messages; `subject` may use `*` and `>`. Returns an unsubscribe function. */
  listen(subject: string, handler: (subject: string, data: Uint8Array) => void): () => void;
  healthy(): boolean;
  /** Publish a live (not persisted) message: the hub's request for the whole picture at start. */
  emit?(subject: string, data: Uint8Array): void;
}
