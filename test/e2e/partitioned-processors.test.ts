// Processors partitioned by site (issue 19), real processes: three `tablero processor` processes
// (TABLERO_PARTITIONS=12) share the partitions of 12 sites through leases in a JetStream KV
// bucket on a real nats-server, over one store (embedded chDB behind the HTTP shim of
// bench/support/chdb-http-server.ts, reached by the production HTTP client). The batches are
// published the way ingest publishes them (PartitionedBus: the site's partition subject), 2,000
// events per site (PARTITION_TEST_EVENTS_PER_SITE; 4,000 passed too, in 3.5 min on the shared
// machine). One of the processors is SIGKILLed 3 times while the partitions are being worked; each time its partitions move to the other two, and it
// is started again (a new member). Afterwards the stints per site, queue and outcome equal those
// of the pure stint machine over the same events (a clean run), no row is stored twice (counted
// without FINAL), and the lease log shows no partition held by two processors at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_STREAM_SPEC, PROCESSOR_CONSUMER, eventsSubject, partitionOf, partitionStream } from '@tablero/ingest/contract';
import { openClickHouse, type ClickHouse } from '@tablero/sql';
import { NatsBus, PartitionedBus, consumerFloor } from '../../src/bus/index.ts';
import { cleanStintCounts, flowBatches, prng, type FlowOptions } from '../../processor/src/testing/flows.ts';
import { spawnChdbHttpServer, type ChdbHttpChild } from '../../bench/support/chdb-http-server.ts';
import { holdings, overlappingHoldings, readLeaseLog } from '../support/lease-log.ts';
import { publishRoundRobin } from '../support/publish-batches.ts';
import { startNatsServer, type NatsServer } from '../support/nats-server.ts';
import { spawnTableroService, type TableroService } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const PARTITIONS = 12;
const SITES = Array.from({ length: 12 }, (_, i) => `site-${String.fromCharCode(97 + i)}`);
const EVENTS_PER_SITE = Number(process.env.PARTITION_TEST_EVENTS_PER_SITE ?? 2_000);
const KILLS = 3;
const LEASE_TTL_MS = 4_000;
const flow = (site: string, i: number): FlowOptions => ({ events: EVENTS_PER_SITE, batchSize: 50, seed: 7_000 + i, site, fingerprint: `fp-${site}`, callsPerS: 2, restartEveryS: 6 * 3600 });

let nats: NatsServer;
let gateway: ChdbHttpChild;
let dir: string;
let nc: NatsConnection;
let jsm: JetStreamManager;
beforeAll(async () => {
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), 'tablero-parts-'));
  gateway = await spawnChdbHttpServer(join(dir, 'store'));
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
});
afterAll(async () => {
  await nc?.close();
  await gateway?.stop();
  await nats?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The clean run: the pure stint machine over each site's events. */
const expected = (): ReturnType<typeof cleanStintCounts> => cleanStintCounts(SITES.map((site, i) => flow(site, i)));

async function acked(): Promise<number> {
  let sum = 0;
  for (let k = 0; k < PARTITIONS; k++) {
    try {
      sum += consumerFloor(await jsm.consumers.info(partitionStream(k), PROCESSOR_CONSUMER));
    } catch {
      // not consumed yet
    }
  }
  return sum;
}

/** Every item held now, each member holding some (at most ceil(13 / 3) = 5 each, so at least 3). */
function balanced(log: ReturnType<typeof readLeaseLog>, members: number): boolean {
  const now = Date.now();
  const current = holdings(log).filter((h) => h.until > now);
  const per = new Map<string, number>();
  for (const h of current) per.set(h.member, (per.get(h.member) ?? 0) + 1);
  const counts = [...per.values()];
  return new Set(current.map((h) => h.item)).size === PARTITIONS + 1 && counts.length === members && Math.max(...counts) <= Math.ceil((PARTITIONS + 1) / members);
}

async function rows<T>(ch: ClickHouse, query: string): Promise<T[]> {
  return (await ch.client.query({ query, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })).json<T>();
}

describe('processors partitioned by site', () => {
  it(`three processors over ${SITES.length} sites: one SIGKILLed ${KILLS} times, every stint stored once, no partition held twice`, async () => {
    const want = expected();
    const leaseLog = join(dir, 'leases.jsonl');
    const env = {
      NATS_URL: nats.url,
      CLICKHOUSE_URL: gateway.url,
      TABLERO_PARTITIONS: String(PARTITIONS),
      TABLERO_LEASE_TTL_MS: String(LEASE_TTL_MS),
      TABLERO_LEASE_LOG: leaseLog,
    };
    const start = (n: number): TableroService => spawnTableroService('processor', { dataDir: join(dir, `p${n}`), env });
    const procs = [start(0), start(1), start(2)];
    const bus = new PartitionedBus(await NatsBus.connect({ servers: nats.url }), PARTITIONS);
    const batchesPerSite = Math.ceil(EVENTS_PER_SITE / 50);
    const total = batchesPerSite * SITES.length;
    const failovers: number[] = [];
    try {
      for (const p of procs) await p.running();
      await bus.ensureStream(EVENTS_STREAM_SPEC);
      // Before the events come, the three share the 13 items (12 partitions, the singletons).
      await waitFor(() => balanced(readLeaseLog(leaseLog), 3), { timeoutMs: 90_000, what: 'the partitions shared by the three processors' });
      // Published the way ingest publishes: round robin over the sites, 16 in flight.
      const publishing = publishRoundRobin(bus, SITES.map((site, i) => flowBatches(flow(site, i))), 16);

      const rnd = prng(Date.now() & 0xffffffff);
      for (let k = 0; k < KILLS; k++) {
        const at = Math.floor(((k + 1) / (KILLS + 1)) * total * (0.8 + 0.2 * rnd()));
        await waitFor(async () => (await acked()) >= at, { timeoutMs: 240_000, intervalMs: 100, what: `${at} batches acknowledged` });
        await new Promise((r) => setTimeout(r, Math.floor(rnd() * 300)));
        const victim = procs[0];
        if (!victim) throw new Error('no processor');
        const pid = victim.child.pid;
        const before = readLeaseLog(leaseLog);
        const member = before.find((e) => e.member.includes(`-${pid}-`))?.member;
        const held = holdings(before).filter((h) => h.member === member && h.until > Date.now()).map((h) => h.item);
        expect(held.length).toBeGreaterThan(0);
        const killedAt = Date.now();
        await victim.kill();
        // Its partitions move to the other two.
        await waitFor(
          () => {
            const after = readLeaseLog(leaseLog).filter((e) => e.at > killedAt && e.event === 'acquired');
            return held.every((item) => after.some((e) => e.item === item && e.member !== member));
          },
          { timeoutMs: 30_000, intervalMs: 100, what: `partitions ${held.join(',')} taken over` },
        );
        failovers.push(Date.now() - killedAt);
        procs[0] = start(0);
        await procs[0].running();
        await waitFor(() => balanced(readLeaseLog(leaseLog), 3), { timeoutMs: 90_000, what: 'the partitions shared again by three processors' });
      }
      await publishing;
      const streamed = await Promise.all(Array.from({ length: PARTITIONS }, async (_, k) => (await jsm.streams.info(partitionStream(k))).state.last_seq));
      expect(streamed.reduce((a, b) => a + b, 0)).toBe(total);
      // Every site's batches went to its partition's stream.
      for (const [k, n] of streamed.entries()) expect(n).toBe(SITES.filter((s) => partitionOf(s, PARTITIONS) === k).length * batchesPerSite);
      await waitFor(async () => (await acked()) === total, { timeoutMs: 300_000, intervalMs: 200, what: 'every batch acknowledged' });
    } finally {
      for (const p of procs) await p.stop();
      await bus.close();
    }
    process.stdout.write(`partition failovers (kill -> taken over), ms: ${failovers.join(', ')}\n`);

    const ch = await openClickHouse({ url: gateway.url, database: 'tablero', dataDir: dir });
    try {
      const got = await rows<{ site: string; queue: string; outcome: string; n: number }>(ch, 'SELECT site, queue, outcome, count() AS n FROM stints GROUP BY site, queue, outcome');
      expect(Object.fromEntries(got.map((r) => [`${r.site}|${r.queue}|${r.outcome}`, Number(r.n)]))).toEqual(want.bySiteQueueOutcome);
      const [counts] = await rows<Record<string, number>>(ch, `
        SELECT (SELECT count() FROM stints) AS stints, (SELECT uniqExact(stint_id) FROM stints) AS stint_ids,
               (SELECT count() FROM queue_events) AS events, (SELECT uniqExact(event_id) FROM queue_events) AS event_ids`);
      expect(counts).toEqual({ stints: want.stints, stint_ids: want.stints, events: EVENTS_PER_SITE * SITES.length, event_ids: EVENTS_PER_SITE * SITES.length });
    } finally {
      await ch.close();
    }
    const log = readLeaseLog(leaseLog);
    // Three kills, three takeovers each of several partitions, and never two holders at once.
    expect(new Set(log.map((e) => e.member)).size).toBeGreaterThanOrEqual(3 + KILLS - 1);
    expect(overlappingHoldings(holdings(log))).toEqual([]);
  }, 900_000);
});
