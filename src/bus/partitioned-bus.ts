// The bus as ingest and the dashboard's push routes see it when sites are partitioned (issue 19):
// a publish to `pbx.<kind>.<site>` goes to the site's partition subject `pbxp.<k>.<kind>.<site>`
// (held by the partition's stream), and making sure of the events stream makes sure of every
// partition stream. Everything else (CRM, QA, live `kpi.*`) passes through unchanged. The
// processor does not consume through this wrapper: each partition it leases is consumed from its
// own stream (src/cluster/partitioned-processor.ts).
import { EVENTS_STREAM, partitionStreamSpec, partitionedSubject } from '@tablero/ingest/contract';
import type { ConsumerFacts } from '@tablero/processor/metrics';
import { BusError, type BatchConsumeSpec, type Bus, type ConsumeSpec, type Consumption, type DurableMessage, type PublishResult, type StreamSpec } from './bus.ts';

export class PartitionedBus implements Bus {
  get kind(): Bus['kind'] {
    return this.inner.kind;
  }

  constructor(
    readonly inner: Bus,
    readonly partitions: number,
  ) {}

  async ensureStream(spec: StreamSpec): Promise<void> {
    if (spec.name !== EVENTS_STREAM) return this.inner.ensureStream(spec);
    for (let k = 0; k < this.partitions; k++) await this.inner.ensureStream(partitionStreamSpec(k, this.partitions));
  }

  publish(subject: string, data: Uint8Array, msgId: string): Promise<PublishResult> {
    return this.inner.publish(partitionedSubject(subject, this.partitions) ?? subject, data, msgId);
  }

  private refuse(spec: ConsumeSpec): void {
    if (spec.stream === EVENTS_STREAM) throw new BusError(`${EVENTS_STREAM} is partitioned (${this.partitions} partitions): consume the partition streams`);
  }

  consume(spec: ConsumeSpec, handler: (msg: DurableMessage) => Promise<void>, onError?: (err: unknown, msg: DurableMessage) => void): Promise<Consumption> {
    this.refuse(spec);
    return this.inner.consume(spec, handler, onError);
  }

  consumeBatches(spec: BatchConsumeSpec, handler: (msgs: DurableMessage[]) => Promise<void>, onError?: (err: unknown, msgs: DurableMessage[]) => void): Promise<Consumption> {
    this.refuse(spec);
    return this.inner.consumeBatches(spec, handler, onError);
  }

  emit(subject: string, data: Uint8Array): void {
    this.inner.emit(subject, data);
  }

  listen(subject: string, handler: (subject: string, data: Uint8Array) => void): () => void {
    return this.inner.listen(subject, handler);
  }

  /** /metrics: the inner NATS bus's consumers (each partition stream's among them); none on another bus. */
  consumerFacts(): Promise<ConsumerFacts[]> {
    const read = (this.inner as Partial<{ consumerFacts(): Promise<ConsumerFacts[]> }>).consumerFacts;
    return typeof read === 'function' ? read.call(this.inner) : Promise.resolve([]);
  }

  healthy(): boolean {
    return this.inner.healthy();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
