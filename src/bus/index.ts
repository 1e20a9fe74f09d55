export * from './bus.ts';
export { MemoryBus, type MemoryBusOptions } from './memory-bus.ts';
export { NatsBus, type NatsBusOptions } from './nats-bus.ts';
