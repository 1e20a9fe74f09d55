// The processor of a partitioned deployment (issue 19): the partitions of the events stream and
// the singleton services (survey store, escalation aging, scheduled exports: one per deployment)
// are lease items (lease-manager.ts). A partition held runs a processor on the partition's stream
// and sites (startProcessor with `partition`), which resumes at the partition's oldest
// unacknowledged message and rebuilds the partition's state from the store; every store write
// first asks the lease's fence.
import { appendFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { ClickHouse } from '@tablero/sql';
import { partitionOf, partitionStreamSpec, unpartitionedSubject } from '@tablero/ingest/contract';
import { startProcessor, type ProcessorOptions } from '@tablero/processor';
import { leasesLost, partitionsOwned } from '@tablero/processor/metrics';
import type { NatsBus } from '../bus/nats-bus.ts';
import type { PartitionedBus } from '../bus/partitioned-bus.ts';
import { startLeaseManager, type LeaseEvent, type LeaseItem, type LeaseManager, type LeaseWork } from './lease-manager.ts';

/** KV bucket of the processors' leases. */
export const LEASE_BUCKET = 'TABLERO_LEASES';
export const SINGLETONS_ITEM = 'singletons';

export interface PartitionedProcessorOptions {
  bus: PartitionedBus;
  ch: ClickHouse;
  log: Logger;
  /** Processor options shared by every partition (the partition is added per item). */
  processor: ProcessorOptions;
  leaseTtlMs: number;
  /**
   * Store-side fencing (docs/partitions.md): max_execution_time of every owned insert (ms, whole
   * seconds on the server); a new holder waits this plus 1 s after its claim before it rebuilds.
   */
  insertTimeoutMs: number;
  /** The store is a ClickHouse cluster (a node's process list shows its own queries only): always the whole grace. */
  clusterStore: boolean;
  /** Lease events appended as JSON lines (the lease log), when set. */
  leaseLog?: string;
  /** Starts the singleton services; null: this deployment runs none. */
  singletons: ((log: Logger) => Promise<LeaseWork>) | null;
}

/** How long a new holder waits after its claim: longer than any insert of the previous holder may run. */
export function fenceGraceMs(insertTimeoutMs: number): number {
  return Math.ceil(insertTimeoutMs / 1000) * 1000 + 1_000;
}

export function partitionItemName(partition: number): string {
  return `p${partition}`;
}

export async function startPartitionedProcessor(o: PartitionedProcessorOptions): Promise<LeaseManager> {
  const inner = o.bus.inner as NatsBus;
  if (typeof inner.leases !== 'function') throw new Error('a partitioned processor needs NATS (NATS_URL)');
  const store = await inner.leases(LEASE_BUCKET, o.leaseTtlMs);
  const partitions = o.bus.partitions;
  const items: LeaseItem[] = [];
  for (let k = 0; k < partitions; k++) {
    const label = partitionItemName(k);
    items.push({
      name: label,
      start: async (fence, hold) => {
        const work = await startProcessor(
          { bus: o.bus, ch: o.ch, log: o.log.child({ partition: k }) },
          {
            ...o.processor,
            partition: {
              stream: partitionStreamSpec(k, partitions),
              owns: (site) => partitionOf(site, partitions) === k,
              subject: unpartitionedSubject,
              fence,
              label,
              storeFence: {
                epoch: hold.epoch,
                member: hold.member,
                insertTimeoutS: Math.ceil(o.insertTimeoutMs / 1000),
                graceMs: fenceGraceMs(o.insertTimeoutMs),
                processList: !o.clusterStore,
                lost: hold.lost,
              },
            },
          },
        );
        // /metrics: tablero_partitions_owned counts the partitions running here.
        partitionsOwned.inc();
        let counted = true;
        return {
          done: work.done,
          stop: async () => {
            try {
              await work.stop();
            } finally {
              if (counted) partitionsOwned.dec();
              counted = false;
            }
          },
        };
      },
    });
  }
  const singletons = o.singletons;
  if (singletons) items.push({ name: SINGLETONS_ITEM, start: () => singletons(o.log) });
  const leaseLog = o.leaseLog;
  const journal = (e: LeaseEvent): void => {
    if (e.event === 'lost') leasesLost.inc();
    if (leaseLog) appendFileSync(leaseLog, `${JSON.stringify(e)}\n`);
  };
  const manager = startLeaseManager({ store, items, log: o.log.child({ svc: 'leases' }), ttlMs: o.leaseTtlMs, journal });
  o.log.info({ member: manager.member, partitions, ttl_ms: o.leaseTtlMs }, 'partitioned processor started');
  return manager;
}
