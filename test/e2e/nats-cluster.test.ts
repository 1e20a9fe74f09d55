// A three-server NATS cluster (issue 19), real processes on loopback: nats-server cluster routes,
// streams with three replicas (TABLERO_STREAM_REPLICAS=3), two `tablero ingest` processes tailing
// the queue_logs of two sites, a `tablero processor` (ClickHouse over HTTP: the chDB shim of
// bench/support/chdb-http-server.ts), every client given the three server URLs. While the calls
// flow, the server leading the events stream is SIGKILLed, the others carry on, and it is started
// again later. Afterwards every call is stored once: the stints per site, queue and outcome equal
// those the feeds wrote (the clean run), counted without FINAL, and every line is stored once.
// The 1,000,000 events are the size of the benchmark (bench/cluster-throughput.ts); here
// the run is ~30,000 events so that CI stays within its time on 2 cores.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENTS_STREAM, PROCESSOR_CONSUMER } from '@tablero/ingest/contract';
import { consumerFloor } from '../../src/bus/index.ts';
import { openClickHouse, type ClickHouse } from '@tablero/sql';
import { spawnChdbHttpServer, type ChdbHttpChild } from '../../bench/support/chdb-http-server.ts';
import { startNatsCluster, type NatsCluster } from '../support/nats-cluster.ts';
import { appendLines } from '../support/queue-log-writer.ts';
import { CallFeed } from '../support/site-traffic.ts';
import { spawnTableroService, type TableroService } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const CALLS_PER_TICK = Number(process.env.NATS_CLUSTER_TEST_CALLS_PER_TICK ?? 6);
const dir = mkdtempSync(join(tmpdir(), 'tablero-natscl-'));
const sub = (name: string): string => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rows<T>(ch: ClickHouse, query: string): Promise<T[]> {
  return (await ch.client.query({ query, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })).json<T>();
}

/** Two sites' calls appended to their queue_logs every 50 ms until stopped, then every call ended. */
class TwoSites {
  readonly feeds = { a: new CallFeed('a'), b: new CallFeed('b') };
  lines = 0;
  private running = true;
  private readonly loop: Promise<void>;
  constructor(private readonly files: { a: string; b: string }) {
    this.loop = (async () => {
      while (this.running) {
        const nowS = Math.floor(Date.now() / 1000);
        for (const site of ['a', 'b'] as const) {
          const lines = Array.from({ length: CALLS_PER_TICK }, () => this.feeds[site].next(nowS)).flat();
          appendLines(this.files[site], lines);
          this.lines += lines.length;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
  }
  async finish(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.loop;
    const nowS = Math.floor(Date.now() / 1000) + 1;
    for (const site of ['a', 'b'] as const) {
      const lines = this.feeds[site].finish(nowS);
      appendLines(this.files[site], lines);
      this.lines += lines.length;
    }
  }
  /** `site|queue|outcome` -> stints. */
  expected(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const site of ['a', 'b'] as const) for (const [k, n] of Object.entries(this.feeds[site].expected())) out[`${site}|${k}`] = n;
    return out;
  }
}

describe('three-server NATS cluster with replicated streams', () => {
  it('stores every call once when the stream leader is SIGKILLed while two ingest processes publish', async () => {
    let cluster: NatsCluster | null = null;
    let server: ChdbHttpChild | null = null;
    let ch: ClickHouse | null = null;
    let traffic: TwoSites | null = null;
    const services: TableroService[] = [];
    try {
      cluster = await startNatsCluster(3);
      server = await spawnChdbHttpServer(sub('ch'));
      const env = { NATS_URL: cluster.urls, CLICKHOUSE_URL: server.url, TABLERO_STREAM_REPLICAS: '3' };
      const service = async (...a: Parameters<typeof spawnTableroService>): Promise<TableroService> => {
        const s = spawnTableroService(...a);
        services.push(s);
        await s.running();
        return s;
      };
      await service('processor', { dataDir: sub('processor'), env });
      const files = { a: sub('a.queue_log'), b: sub('b.queue_log') };
      for (const f of Object.values(files)) writeFileSync(f, '');
      await service('ingest', { dataDir: sub('ingest-a'), env, args: ['--source', files.a, '--site', 'a'] });
      await service('ingest', { dataDir: sub('ingest-b'), env, args: ['--source', files.b, '--site', 'b'] });
      ch = await openClickHouse({ url: server.url, database: 'tablero', dataDir: sub('ch') });
      const store = ch;
      const storedEvents = async (): Promise<number> => Number((await rows<{ n: number }>(store, 'SELECT count() AS n FROM queue_events'))[0]?.n ?? 0);

      const nc = await connect({ servers: cluster.urls.split(',') });
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info(EVENTS_STREAM);
      expect(info.config.num_replicas).toBe(3);
      expect(1 + (info.cluster?.replicas?.length ?? 0)).toBe(3);

      traffic = new TwoSites(files);
      await waitFor(async () => (await storedEvents()) >= 3_000, { timeoutMs: 120_000, intervalMs: 200, what: 'events stored before the kill' });
      // The stream's leader: the server whose loss costs an election while publishes are in flight.
      const leader = (await jsm.streams.info(EVENTS_STREAM)).cluster?.leader;
      await nc.close();
      expect(leader).toMatch(/^n[123]$/);
      await cluster.kill(leader as string);
      const atKill = await storedEvents();
      // The two others go on: events keep being stored with one server down.
      await waitFor(async () => (await storedEvents()) >= atKill + 3_000, { timeoutMs: 120_000, intervalMs: 200, what: 'events stored with one server down' });
      await cluster.restart(leader as string);
      const atRestart = await storedEvents();
      await waitFor(async () => (await storedEvents()) >= atRestart + 3_000, { timeoutMs: 120_000, intervalMs: 200, what: 'events stored after the restart' });
      await traffic.finish();
      const want = traffic.expected();
      const lines = traffic.lines;
      await waitFor(async () => (await storedEvents()) >= lines, { timeoutMs: 180_000, intervalMs: 500, what: `all ${lines} lines stored` }).catch(async (err: unknown) => {
        // What each service said (warnings and errors) tells where the flow stopped.
        const said = services.map((s) => s.output().split('\n').filter((l) => /"level":[456]0/.test(l)).slice(-8).join('\n'));
        const perSite = await rows<{ site: string; n: number }>(store, 'SELECT site, count() AS n FROM queue_events GROUP BY site ORDER BY site');
        const nc2 = await connect({ servers: cluster?.urls.split(',') ?? [] });
        const jsm2 = await jetstreamManager(nc2);
        const stream = (await jsm2.streams.info(EVENTS_STREAM)).state;
        const consumer = await jsm2.consumers.info(EVENTS_STREAM, PROCESSOR_CONSUMER);
        await nc2.close();
        const bus = `stream last_seq ${stream.last_seq} msgs ${stream.messages}; consumer floor ${consumerFloor(consumer)} pending ${consumer.num_pending} ack_pending ${consumer.num_ack_pending} delivered ${consumer.delivered.stream_seq}`;
        throw new Error(`${String(err)}; stored ${await storedEvents()} ${JSON.stringify(perSite)}; ${bus}\n${said.join('\n---\n')}`);
      });

      const got = await rows<{ site: string; queue: string; outcome: string; n: number }>(store, 'SELECT site, queue, outcome, count() AS n FROM stints GROUP BY site, queue, outcome');
      expect(Object.fromEntries(got.map((r) => [`${r.site}|${r.queue}|${r.outcome}`, Number(r.n)]))).toEqual(want);
      const stints = Object.values(want).reduce((a, b) => a + b, 0);
      const [counts] = await rows<Record<string, number>>(store, `
        SELECT (SELECT count() FROM stints) AS stints, (SELECT uniqExact(stint_id) FROM stints) AS stint_ids,
               (SELECT count() FROM queue_events) AS events, (SELECT uniqExact(event_id) FROM queue_events) AS event_ids,
               (SELECT count() FROM dead_letters) AS dead`);
      expect(counts).toEqual({ stints, stint_ids: stints, events: lines, event_ids: lines, dead: 0 });
    } finally {
      await traffic?.finish().catch(() => undefined);
      await ch?.close();
      for (const s of services.reverse()) await s.stop();
      await server?.stop();
      await cluster?.stop();
    }
  }, 600_000);
});
