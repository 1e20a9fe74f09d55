// Benchmark (issue 19): lease renewals of busy processors on a machine starved of CPU. A
// nats-server, ClickHouse over HTTP (the chDB shim), a backlog of events over 12 sites published
// first, then CPU burners (busy-loop processes, as many as asked) and two `tablero processor`
// processes (TABLERO_PARTITIONS=12, TTL 6 s) working the backlog for a fixed time. From the lease
// log: how many leases were lost (a renewal refused or overdue: the partition stops and is taken
// again after a rebuild), the longest gap between two successful renewals of one lease, and its
// p99. Run the whole bench under `nice -n 10` so the burners and the processors compete with
// each other and leave the machine's other work alone; the load average is printed.
// Usage: npx tsx bench/lease-renewals-load.ts [burners=16] [seconds=60] [backlog events=600000]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENTS_STREAM_SPEC } from '@tablero/ingest/contract';
import { NatsBus, PartitionedBus } from '../src/bus/index.ts';
import { flowBatches } from '../processor/src/testing/flows.ts';
import { readLeaseLog } from '../test/support/lease-log.ts';
import { publishRoundRobin } from '../test/support/publish-batches.ts';
import { startNatsServer } from '../test/support/nats-server.ts';
import { REPO_ROOT, TABLERO_BIN } from '../test/support/tablero-process.ts';
import { waitFor } from '../test/support/wait-for.ts';
import { spawnChdbHttpServer } from './support/chdb-http-server.ts';

const BURNERS = Number(process.argv[2] ?? 16);
const SECONDS = Number(process.argv[3] ?? 60);
const BACKLOG = Number(process.argv[4] ?? 600_000);
const PARTITIONS = 12;
const SITES = Array.from({ length: 12 }, (_, i) => `site-${String.fromCharCode(97 + i)}`);
const TTL_MS = 6_000;

const bench = (metric: string, value: number, unit: string, target = 'reference'): void =>
  console.log(`BENCH ${JSON.stringify({ bench: 'lease-renewals-load', metric, value, unit, target })}`);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
}

const dir = mkdtempSync(join(tmpdir(), 'tablero-bench-renew-'));
const nats = await startNatsServer();
const shim = await spawnChdbHttpServer(join(dir, 'ch'));
const bus = new PartitionedBus(await NatsBus.connect({ servers: nats.url }), PARTITIONS);
const leaseLog = join(dir, 'leases.jsonl');
const children: ChildProcess[] = [];
try {
  await bus.ensureStream(EVENTS_STREAM_SPEC);
  const gens = SITES.map((site, i) => flowBatches({ events: Math.floor(BACKLOG / SITES.length), batchSize: 500, seed: 500 + i, site, fingerprint: `r-${site}`, callsPerS: 20 }));
  await publishRoundRobin(bus, gens, 32);
  for (let i = 0; i < BURNERS; i++) children.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  const env = { NATS_URL: nats.url, CLICKHOUSE_URL: shim.url, TABLERO_PARTITIONS: String(PARTITIONS), TABLERO_LEASE_TTL_MS: String(TTL_MS), TABLERO_LEASE_LOG: leaseLog };
  for (let i = 0; i < 2; i++) {
    children.push(
      spawn(process.execPath, [TABLERO_BIN, 'processor'], {
        cwd: REPO_ROOT,
        env: { ...process.env, TABLERO_DATA_DIR: join(dir, `p${i}`), LOG_LEVEL: 'warn', TZ: 'UTC', ...env },
        stdio: ['ignore', 'ignore', 'ignore'],
      }),
    );
  }
  await waitFor(() => readLeaseLog(leaseLog).some((e) => e.event === 'acquired'), { timeoutMs: 300_000, what: 'a first lease' });
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const load = loadavg()[0] ?? 0;
  const log = readLeaseLog(leaseLog).filter((e) => e.at >= t0);
  const lost = log.filter((e) => e.event === 'lost').length;
  const acquired = log.filter((e) => e.event === 'acquired').length;
  // Gaps between successive successful writes (acquired, renewed) of one member's lease.
  const last = new Map<string, number>();
  const gaps: number[] = [];
  for (const e of log) {
    const key = `${e.item}\0${e.member}`;
    if (e.event === 'acquired') last.set(key, e.at);
    else if (e.event === 'renewed') {
      const prev = last.get(key);
      if (prev !== undefined) gaps.push(e.at - prev);
      last.set(key, e.at);
    } else last.delete(key);
  }
  console.log(`${SECONDS} s, ${BURNERS} burners, load average ${load.toFixed(1)}: ${lost} leases lost, ${acquired} acquired, renewal gap p50 ${pct(gaps, 50)} ms, p99 ${pct(gaps, 99)} ms, max ${Math.max(0, ...gaps)} ms (fence at TTL - TTL/4 = ${TTL_MS * 0.75} ms)`);
  bench('leases_lost', lost, 'leases', `reference (${SECONDS} s, 2 processors, 12 partitions, load average ${load.toFixed(1)})`);
  bench('leases_acquired', acquired, 'leases', 'reference');
  bench('renewal_gap_p99_ms', pct(gaps, 99), 'ms', `reference (the fence closes at ${TTL_MS * 0.75}; lost only past the TTL)`);
  bench('renewal_gap_max_ms', Math.max(0, ...gaps), 'ms', `reference (the fence closes at ${TTL_MS * 0.75}; lost only past the TTL)`);
  bench('load_average', Math.round(load * 10) / 10, '', 'reference');
} finally {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await bus.close();
  await shim.stop();
  await nats.stop();
  rmSync(dir, { recursive: true, force: true });
}
