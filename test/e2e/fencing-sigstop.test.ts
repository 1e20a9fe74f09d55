// Store-side fencing with real processes (issue 19, docs/partitions.md "Fencing"): processor A
// holds the only partition and is frozen (SIGSTOP) in the middle of a commit, its stints insert
// on its way to the store (held in an HTTP proxy between A and the store, as a request stays in
// the network from a frozen client). The partition's lease runs out, processor B takes it,
// rebuilds from the store and processes every batch, A's pending ones included. Then A resumes
// (SIGCONT) and its insert reaches the store, long after the fence: the store stores none of its
// rows (the epoch it names is no longer the partition's), A learns it lost the partition, and
// counted without FINAL every stint and event is stored once and none is missing (the pure stint
// machine over the same events). Without the store's check that insert would store its stints a
// second time under A's insert token.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROCESSOR_CONSUMER, eventsSubject, partitionStream } from '@tablero/ingest/contract';
import { openClickHouse, type ClickHouse } from '@tablero/sql';
import { cleanStintCounts, flowBatches, type FlowOptions } from '../../processor/src/testing/flows.ts';
import { NatsBus, PartitionedBus, consumerFloor } from '../../src/bus/index.ts';
import { spawnChdbHttpServer, type ChdbHttpChild } from '../../bench/support/chdb-http-server.ts';
import { startHoldingProxy, type HoldingProxy } from '../support/holding-proxy.ts';
import { holdings, overlappingHoldings, readLeaseLog } from '../support/lease-log.ts';
import { startNatsServer, type NatsServer } from '../support/nats-server.ts';
import { spawnTableroService, type TableroService } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const SITES = ['site-x', 'site-y'];
const EVENTS_PER_SITE = 1_500;
const flow = (site: string, i: number): FlowOptions => ({ events: EVENTS_PER_SITE, batchSize: 50, seed: 9_100 + i, site, fingerprint: `fp-${site}`, callsPerS: 2, restartEveryS: 6 * 3600 });

let nats: NatsServer;
let gateway: ChdbHttpChild;
let proxy: HoldingProxy;
let dir: string;
let nc: NatsConnection;
let jsm: JetStreamManager;
beforeAll(async () => {
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), 'tablero-fence-'));
  gateway = await spawnChdbHttpServer(join(dir, 'store'));
  proxy = await startHoldingProxy(gateway.url);
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
});
afterAll(async () => {
  await nc?.close();
  await proxy?.close();
  await gateway?.stop();
  await nats?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The clean run: the pure stint machine over each site's events. */
const expected = (): ReturnType<typeof cleanStintCounts> => cleanStintCounts(SITES.map((site, i) => flow(site, i)));

async function acked(): Promise<number> {
  try {
    return consumerFloor(await jsm.consumers.info(partitionStream(0), PROCESSOR_CONSUMER));
  } catch {
    return 0;
  }
}

async function rows<T>(ch: ClickHouse, query: string): Promise<T[]> {
  return (await ch.client.query({ query, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })).json<T>();
}

const memberOf = (log: ReturnType<typeof readLeaseLog>, pid: number | undefined): string | undefined => log.find((e) => e.member.includes(`-${pid}-`))?.member;

describe('store-side fencing', () => {
  it('a processor frozen with its insert on the way stores nothing once another took the partition; nothing twice, nothing lost', async () => {
    const want = expected();
    const leaseLog = join(dir, 'leases.jsonl');
    const env = {
      NATS_URL: nats.url,
      TABLERO_PARTITIONS: '1',
      TABLERO_LEASE_TTL_MS: '4000',
      TABLERO_LEASE_LOG: leaseLog,
      TABLERO_FENCE_INSERT_TIMEOUT_MS: '1000',
    };
    const bus = new PartitionedBus(await NatsBus.connect({ servers: nats.url }), 1);
    // Round robin over the sites, each site's batches in their order.
    const perSite = SITES.map((site, i) => [...flowBatches(flow(site, i))]);
    const batches = Array.from({ length: Math.max(...perSite.map((p) => p.length)) }, (_, k) => perSite.flatMap((p) => (p[k] ? [p[k]] : []))).flat();
    const publish = async (from: number, to: number): Promise<void> => {
      for (let i = from; i < to; i += 10) {
        await Promise.all(batches.slice(i, Math.min(i + 10, to)).map((b) => bus.publish(eventsSubject(b.site), Buffer.from(JSON.stringify(b)), b.batch_id)));
      }
    };
    const half = Math.floor(batches.length / 2);
    let a: TableroService | null = null;
    let b: TableroService | null = null;
    let frozen = false;
    try {
      // A alone (its store through the proxy) takes both items and stores the first half.
      a = spawnTableroService('processor', { dataDir: join(dir, 'a'), env: { ...env, CLICKHOUSE_URL: proxy.url } });
      await a.running();
      await publish(0, half);
      await waitFor(async () => (await acked()) === half, { timeoutMs: 120_000, intervalMs: 100, what: 'first half acknowledged' });
      // B joins: A gives up the singletons (the last item by name) and keeps the partition.
      b = spawnTableroService('processor', { dataDir: join(dir, 'b'), env: { ...env, CLICKHOUSE_URL: gateway.url } });
      await b.running();
      const aPid = a.child.pid;
      const bPid = b.child.pid;
      await waitFor(
        () => {
          const log = readLeaseLog(leaseLog);
          const now = Date.now();
          const held = holdings(log).filter((h) => h.until > now);
          const bm = memberOf(log, bPid);
          return bm !== undefined && held.some((h) => h.item === 'p0' && h.member === memberOf(log, aPid)) && held.some((h) => h.item === 'singletons' && h.member === bm);
        },
        { timeoutMs: 60_000, intervalMs: 100, what: 'A holding p0, B the singletons' },
      );

      // A's next stints insert stays on its way; A freezes.
      const trap = proxy.hold((body) => body.startsWith('INSERT INTO stints'));
      const publishing = publish(half, batches.length);
      const held = await trap;
      process.kill(aPid as number, 'SIGSTOP');
      frozen = true;
      const frozenAt = Date.now();
      const heldStints = [...held.body.matchAll(/"stint_id":"([^"]+)"/g)].map((m) => m[1] as string);
      expect(heldStints.length).toBeGreaterThan(0);
      expect(held.body).toContain('FROM partition_fences');
      await publishing;

      // B takes the partition (A's lease runs out) and stores every batch, A's held commit included.
      await waitFor(() => readLeaseLog(leaseLog).some((e) => e.at > frozenAt && e.item === 'p0' && e.event === 'acquired' && e.member === memberOf(readLeaseLog(leaseLog), bPid)), {
        timeoutMs: 60_000, intervalMs: 100, what: 'B acquiring p0',
      });
      await waitFor(async () => (await acked()) === batches.length, { timeoutMs: 180_000, intervalMs: 200, what: 'every batch acknowledged by B' });
      const ch = await openClickHouse({ url: gateway.url, database: 'tablero', dataDir: dir });
      try {
        const ids = heldStints.map((s) => `'${s}'`).join(',');
        // B stored the stints A's held insert carries.
        expect(Number((await rows<{ n: number }>(ch, `SELECT count() AS n FROM stints WHERE stint_id IN (${ids})`))[0]?.n)).toBe(heldStints.length);

        // A resumes; its insert reaches the store now, after the fence.
        process.kill(aPid as number, 'SIGCONT');
        frozen = false;
        const answer = await held.release();
        expect(answer.status).toBe(200);
        expect(Number((await rows<{ n: number }>(ch, `SELECT count() AS n FROM stints WHERE stint_id IN (${ids})`))[0]?.n)).toBe(heldStints.length);
        // A learns it lost the partition.
        await waitFor(() => readLeaseLog(leaseLog).some((e) => e.item === 'p0' && e.event === 'lost' && e.member === memberOf(readLeaseLog(leaseLog), aPid)), {
          timeoutMs: 30_000, intervalMs: 100, what: 'A recording p0 lost',
        });
      } finally {
        await ch.close();
      }
    } finally {
      if (frozen && a?.child.pid) process.kill(a.child.pid, 'SIGCONT');
      await a?.stop();
      await b?.stop();
      await bus.close();
    }

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
    expect(overlappingHoldings(holdings(readLeaseLog(leaseLog)))).toEqual([]);
  }, 600_000);
});
