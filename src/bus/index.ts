export * from './bus.ts';
export { MemoryBus, type MemoryBusOptions } from './memory-bus.ts';
export { NatsBus, consumerFloor, type NatsBusOptions } from './nats-bus.ts';
export { PartitionedBus } from './partitioned-bus.ts';
export type { LeaseEntry, LeaseStore } from './nats-leases.ts';
