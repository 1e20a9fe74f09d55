// A three-server NATS cluster (issue 19), real processes on loopback: nats-server cluster routes,
// streams with three replicas, two `tablero ingest` processes tailing the queue_logs of two
// sites, a `tablero processor` (ClickHouse over HTTP), every client given the three server URLs
// (test/support/cluster-kill.ts). While the calls flow, the server leading the events stream is
// SIGKILLed, the others carry on, and it is started again later. Afterwards every call is stored
// once: the stints per site, queue and outcome equal those the feeds wrote (the clean run),
// counted without FINAL, and every line is stored once.
// The run's size is `events`: the 1,000,000 is the size of the benchmark
// (bench/nats-cluster-kill.ts, the same run); here 15,000 lines (NATS_CLUSTER_TEST_EVENTS) at
// ~640 lines/s so that CI stays within its time on 2 cores.
import { describe, expect, it } from 'vitest';
import { cleanCounts, runClusterKill } from '../support/cluster-kill.ts';

const EVENTS = Number(process.env.NATS_CLUSTER_TEST_EVENTS ?? 15_000);
const CALLS_PER_TICK = Number(process.env.NATS_CLUSTER_TEST_CALLS_PER_TICK ?? 6);

describe('three-server NATS cluster with replicated streams', () => {
  it('stores every call once when the stream leader is SIGKILLed while two ingest processes publish', async () => {
    const r = await runClusterKill({ events: EVENTS, callsPerTick: CALLS_PER_TICK });
    expect(r.replicas).toEqual({ configured: 3, placed: 3 });
    expect(r.killed).toMatch(/^n[123]$/);
    expect(r.newLeader).toMatch(/^n[123]$/);
    expect(r.newLeader).not.toBe(r.killed);
    expect(r.lines).toBeGreaterThanOrEqual(EVENTS);
    expect(r.got).toEqual(r.want);
    expect(r.counts).toEqual(cleanCounts(r));
  }, 600_000);
});
