// Test and bench support: publishes event batches the way ingest does, round robin over the
// sources (each source's batches in their order), `inFlight` publishes at a time.
import { eventsSubject, type EventBatch } from '@tablero/ingest/contract';

export async function publishRoundRobin(
  bus: { publish(subject: string, data: Uint8Array, msgId: string): Promise<unknown> },
  sources: Iterator<EventBatch>[],
  inFlight: number,
): Promise<number> {
  let n = 0;
  let window: Array<Promise<unknown>> = [];
  for (let live = sources.length; live > 0; ) {
    live = 0;
    for (const g of sources) {
      const next = g.next();
      if (next.done) continue;
      live += 1;
      n += 1;
      const b = next.value;
      window.push(bus.publish(eventsSubject(b.site), Buffer.from(JSON.stringify(b)), b.batch_id));
      if (window.length >= inFlight) {
        await Promise.all(window);
        window = [];
      }
    }
  }
  await Promise.all(window);
  return n;
}
