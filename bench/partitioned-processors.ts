// Benchmark (issue 19): processors partitioned by site, real processes. A nats-server, ClickHouse
// over HTTP (the chDB shim of bench/support/chdb-http-server.ts, a process of its own), and 1, 2
// or 3 `tablero processor` processes (TABLERO_PARTITIONS=12) over 12 sites.
// - Throughput: the events (generated call flows, 500 per batch) are published first; the clock
//   runs from the first lease acquired until JetStream reports every batch of every partition
//   acknowledged (stored). Per-processor CPU is read from /proc (user + system time over the run).
//   On this 2-core machine the store (one chDB, its statements one at a time) is shared by all, so
//   little gain is expected from more processors: the figures say how much.
// - Failover, 3 processors, events published all along: 10 times one processor is SIGKILLed; the
//   time to "moved" is kill -> every partition it held acquired by another (lease log), and
//   "first commit" kill -> each of those partitions acknowledged a new batch (acks follow the
//   store), p50/p99 over the kills, with the default lease TTL (6 s).
// Usage: npx tsx bench/partitioned-processors.ts [events per throughput run] [kills]   (BENCH_ONLY=throughput|failover)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { EVENTS_STREAM_SPEC, PROCESSOR_CONSUMER, eventsSubject, partitionOf, partitionStream } from '@tablero/ingest/contract';
import { NatsBus, PartitionedBus, consumerFloor } from '../src/bus/index.ts';
import { flowBatches } from '../processor/src/testing/flows.ts';
import { holdings, readLeaseLog } from '../test/support/lease-log.ts';
import { publishRoundRobin } from '../test/support/publish-batches.ts';
import { startNatsServer, type NatsServer } from '../test/support/nats-server.ts';
import { REPO_ROOT, TABLERO_BIN } from '../test/support/tablero-process.ts';
import { waitFor } from '../test/support/wait-for.ts';
import { spawnChdbHttpServer } from './support/chdb-http-server.ts';
import { cpuSeconds } from './support/proc-cpu.ts';

const PARTITIONS = 12;
const SITES = Array.from({ length: 12 }, (_, i) => `site-${String.fromCharCode(97 + i)}`);
const TOTAL = Number(process.argv[2] ?? 120_000);
const KILLS = Number(process.argv[3] ?? 10);
const TTL_MS = 6_000; // the default TABLERO_LEASE_TTL_MS

const bench = (metric: string, value: number, unit: string, target = 'reference'): void =>
  console.log(`BENCH ${JSON.stringify({ bench: 'partitioned-processors', metric, value, unit, target })}`);

interface Proc {
  child: ChildProcess;
  exited: Promise<void>;
}

function startProcessor(dir: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [TABLERO_BIN, 'processor'], {
    cwd: REPO_ROOT,
    env: { ...process.env, TABLERO_DATA_DIR: dir, LOG_LEVEL: 'warn', TZ: 'UTC', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { child, exited: new Promise<void>((r) => child.once('exit', () => r())) };
}

async function kill(p: Proc, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  await p.exited;
}

async function floors(jsm: JetStreamManager): Promise<number[]> {
  return Promise.all(
    Array.from({ length: PARTITIONS }, async (_, k) => {
      try {
        return consumerFloor(await jsm.consumers.info(partitionStream(k), PROCESSOR_CONSUMER));
      } catch {
        return 0;
      }
    }),
  );
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
}

async function publishAll(bus: PartitionedBus, events: number, seed: number): Promise<number> {
  const gens = SITES.map((site, i) => flowBatches({ events: Math.floor(events / SITES.length), batchSize: 500, seed: seed + i, site, fingerprint: `b${seed}-${site}`, callsPerS: 20 }));
  return publishRoundRobin(bus, gens, 32);
}

async function withStack<T>(fn: (s: { nats: NatsServer; env: Record<string, string>; dir: string; jsm: JetStreamManager; bus: PartitionedBus; leaseLog: string }) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'tablero-bench-parts-'));
  const nats = await startNatsServer();
  const shim = await spawnChdbHttpServer(join(dir, 'ch'));
  const nc = await connect({ servers: nats.url });
  const bus = new PartitionedBus(await NatsBus.connect({ servers: nats.url }), PARTITIONS);
  const leaseLog = join(dir, 'leases.jsonl');
  try {
    await bus.ensureStream(EVENTS_STREAM_SPEC);
    const env = { NATS_URL: nats.url, CLICKHOUSE_URL: shim.url, TABLERO_PARTITIONS: String(PARTITIONS), TABLERO_LEASE_TTL_MS: String(TTL_MS), TABLERO_LEASE_LOG: leaseLog };
    return await fn({ nats, env, dir, jsm: await jetstreamManager(nc), bus, leaseLog });
  } finally {
    await bus.close();
    await nc.close();
    await shim.stop();
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function throughput(n: number): Promise<void> {
  await withStack(async ({ env, dir, jsm, bus, leaseLog }) => {
    const batches = await publishAll(bus, TOTAL, 100 * n);
    const procs = Array.from({ length: n }, (_, i) => startProcessor(join(dir, `p${i}`), env));
    try {
      await waitFor(() => readLeaseLog(leaseLog).some((e) => e.event === 'acquired'), { timeoutMs: 120_000, what: 'a first lease' });
      const t0 = readLeaseLog(leaseLog).find((e) => e.event === 'acquired')?.at ?? Date.now();
      const cpu0 = procs.map((p) => cpuSeconds(p.child.pid ?? 0));
      await waitFor(async () => (await floors(jsm)).reduce((a, b) => a + b, 0) === batches, { timeoutMs: 900_000, intervalMs: 200, what: 'every batch acknowledged' });
      const wallS = (Date.now() - t0) / 1000;
      const cpu = procs.map((p, i) => (cpuSeconds(p.child.pid ?? 0) - (cpu0[i] ?? 0)) / wallS);
      const events = Math.floor(TOTAL / SITES.length) * SITES.length;
      console.log(`${n} processor(s): ${events} events in ${wallS.toFixed(1)} s, CPU per processor ${cpu.map((c) => `${Math.round(c * 100)} %`).join(', ')}`);
      bench(`events_per_s_${n}_processors`, Math.round(events / wallS), 'events/s', 'reference (2 cores, one chDB store)');
      bench(`cpu_pct_per_processor_${n}_processors`, Math.round((cpu.reduce((a, b) => a + b, 0) / n) * 100), '%');
    } finally {
      for (const p of procs) await kill(p, 'SIGTERM');
    }
  });
}

async function failover(): Promise<void> {
  await withStack(async ({ env, dir, jsm, bus, leaseLog }) => {
    let dirs = 0;
    const procs = Array.from({ length: 3 }, () => startProcessor(join(dir, `f${dirs++}`), env));
    let publishing = true;
    const feeding = (async () => {
      // Calls all along (a small batch per site every 200 ms), so every partition has new work.
      for (let seed = 1; publishing; seed++) {
        await Promise.all(
          SITES.map((site, i) => {
            const [b] = flowBatches({ events: 50, batchSize: 50, seed: seed * 100 + i, site, fingerprint: `f${seed}-${site}`, callsPerS: 2 });
            return b ? bus.publish(eventsSubject(site), Buffer.from(JSON.stringify(b)), b.batch_id) : null;
          }),
        );
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const moved: number[] = [];
    const firstCommit: number[] = [];
    try {
      for (let k = 0; k < KILLS; k++) {
        // All three hold some of the 13 items (12 partitions, the singletons).
        await waitFor(() => new Set(holdings(readLeaseLog(leaseLog)).filter((h) => h.until > Date.now()).map((h) => h.member)).size === 3, { timeoutMs: 120_000, what: 'three members holding' });
        await new Promise((r) => setTimeout(r, 1_000));
        const victim = procs[k % 3] as Proc;
        const member = readLeaseLog(leaseLog).find((e) => e.member.includes(`-${victim.child.pid}-`))?.member;
        const held = holdings(readLeaseLog(leaseLog)).filter((h) => h.member === member && h.until > Date.now() && h.item.startsWith('p'));
        // Partitions with sites (12 sites hash onto fewer than 12 partitions: some have no traffic).
        const parts = held.map((h) => Number(h.item.slice(1))).filter((p) => SITES.some((site) => partitionOf(site, PARTITIONS) === p));
        const before = await floors(jsm);
        const killedAt = Date.now();
        await kill(victim);
        await waitFor(
          () => {
            const taken = readLeaseLog(leaseLog).filter((e) => e.at > killedAt && e.event === 'acquired' && e.member !== member);
            return held.every((h) => taken.some((e) => e.item === h.item));
          },
          { timeoutMs: 60_000, intervalMs: 20, what: 'partitions moved' },
        );
        moved.push(Date.now() - killedAt);
        let last: number[] = [];
        await waitFor(async () => {
          last = await floors(jsm);
          return parts.every((p) => (last[p] ?? 0) > (before[p] ?? 0));
        }, { timeoutMs: 120_000, intervalMs: 20, what: 'a new commit on every moved partition' }).catch((err: unknown) => {
          const stuck = parts.filter((p) => (last[p] ?? 0) <= (before[p] ?? 0));
          const holders = holdings(readLeaseLog(leaseLog)).filter((h) => h.until > Date.now()).map((h) => `${h.item}:${h.member}`);
          throw new Error(`partitions ${stuck.join(',')} acknowledged nothing new (floors ${stuck.map((p) => before[p]).join(',')}); holders now ${holders.join(' ')}`, { cause: err });
        });
        firstCommit.push(Date.now() - killedAt);
        console.log(`kill ${k + 1}: ${parts.length} partitions moved in ${moved.at(-1)} ms, first commits after ${firstCommit.at(-1)} ms`);
        procs[k % 3] = startProcessor(join(dir, `f${dirs++}`), env);
      }
    } finally {
      publishing = false;
      await feeding;
      for (const p of procs) await kill(p, 'SIGTERM');
    }
    bench('failover_moved_ms_p50', pct(moved, 50), 'ms', `<= 15000 (TTL ${TTL_MS} ms, ${KILLS} kills)`);
    bench('failover_moved_ms_p99', pct(moved, 99), 'ms', `<= 15000 (TTL ${TTL_MS} ms, ${KILLS} kills)`);
    bench('failover_first_commit_ms_p50', pct(firstCommit, 50), 'ms', `<= 15000 (TTL ${TTL_MS} ms, ${KILLS} kills)`);
    bench('failover_first_commit_ms_p99', pct(firstCommit, 99), 'ms', `<= 15000 (TTL ${TTL_MS} ms, ${KILLS} kills)`);
  });
}

// BENCH_ONLY=throughput or failover runs one half.
const only = process.env.BENCH_ONLY ?? '';
if (only !== 'failover') for (const n of [1, 2, 3]) await throughput(n);
if (only !== 'throughput') await failover();
