// Support for issue 19's cluster fault run, shared by test/e2e/nats-cluster.test.ts (a small size,
// CI) and bench/nats-cluster-kill.ts (the 1,000,000 events): real processes on loopback.
// A three-server NATS cluster (nats-server cluster routes), streams with three replicas
// (TABLERO_STREAM_REPLICAS=3), two `tablero ingest` processes tailing the queue_logs of two sites,
// a `tablero processor` (ClickHouse over HTTP: the chDB shim of bench/support/chdb-http-server.ts),
// every client given the three server URLs. While the calls flow, the server leading the events
// stream is SIGKILLed (once `events / 5` lines are stored), the others carry on (another
// `events / 5` stored with one server down), and it is started again while calls still flow
// (the feed goes on until another `events / 5` are stored after the restart, past `events` if
// need be).
// The run returns what the store holds (stints per site, queue and outcome counted without FINAL;
// rows and distinct ids) beside the clean computation of the same calls (the feeds' own count),
// and the timings of the kill: election, first publish and first acknowledgement after it, the
// restart and the restarted replica catching up.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { EVENTS_STREAM, PROCESSOR_CONSUMER } from '@tablero/ingest/contract';
import { openClickHouse, type ClickHouse } from '@tablero/sql';
import { spawnChdbHttpServer, type ChdbHttpChild } from '../../bench/support/chdb-http-server.ts';
import { cpuSeconds } from '../../bench/support/proc-cpu.ts';
import { consumerFloor } from '../../src/bus/index.ts';
import { startNatsCluster, type NatsCluster } from './nats-cluster.ts';
import { appendLines } from './queue-log-writer.ts';
import { CallFeed } from './site-traffic.ts';
import { spawnTableroService, type TableroService } from './tablero-process.ts';
import { waitFor } from './wait-for.ts';

export interface ClusterKillOptions {
  /** Lines to write (the run's size): no call is started after that many; open ones are ended. */
  events: number;
  /** Calls entered per site and tick (each call is ~2.7 lines). */
  callsPerTick: number;
  tickMs?: number;
  /** Lines written ahead of those stored at most: the writer waits above it (keeps the flow live). */
  window?: number;
  /** A wait fails when the stored count has not grown for that long. */
  stallMs?: number;
  log?: (msg: string) => void;
}

export interface ClusterKillResult {
  lines: number;
  /** First line written -> every line stored. */
  wallMs: number;
  replicas: { configured: number; placed: number };
  /** The server SIGKILLed (it led the events stream) and the one leading after it. */
  killed: string;
  newLeader: string;
  ms: {
    /** Kill -> a surviving server reports a new leader of the events stream. */
    election: number;
    /** Kill -> the stream holds a message it did not hold at the kill (a publish accepted). */
    publishResume: number;
    /** Kill -> the processor's ack floor moves past where it was at the kill (a commit stored). */
    ackResume: number;
    /** The longest time the stored event count did not grow, from the kill to the restart. */
    storeStall: number;
    /** Restart -> the server answers JetStream requests. */
    restartReady: number;
    /** Restart -> its replica of the events stream is current. */
    caughtUp: number;
  };
  /** `site|queue|outcome` -> stints: the clean computation (the feeds) and the store (no FINAL). */
  want: Record<string, number>;
  got: Record<string, number>;
  counts: { stints: number; stint_ids: number; events: number; event_ids: number; dead: number };
  /** CPU seconds per process from the first line written to the last stored (the killed server: before the kill plus after its restart). */
  cpuS: Record<string, number>;
  /** The last warnings and errors each service logged (what the kill made them say). */
  warnings: Record<string, string[]>;
}

async function rows<T>(ch: ClickHouse, query: string): Promise<T[]> {
  return (await ch.client.query({ query, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })).json<T>();
}

const SITES = ['a', 'b'] as const;

/**
 * Two sites' calls appended to their queue_logs every tick until `events` lines and `release()`,
 * then every call ended.
 */
class TwoSites {
  readonly feeds = { a: new CallFeed('a'), b: new CallFeed('b') };
  lines = 0;
  startedAt = 0;
  private running = true;
  private held = true;
  private readonly loop: Promise<void>;
  constructor(files: { a: string; b: string }, o: Required<Pick<ClusterKillOptions, 'events' | 'callsPerTick' | 'tickMs' | 'window'>>, stored: () => number) {
    this.loop = (async () => {
      this.startedAt = Date.now();
      while (this.running && (this.lines < o.events || this.held)) {
        if (this.lines - stored() < o.window) {
          const nowS = Math.floor(Date.now() / 1000);
          for (const site of SITES) {
            const lines = Array.from({ length: o.callsPerTick }, () => this.feeds[site].next(nowS)).flat();
            appendLines(files[site], lines);
            this.lines += lines.length;
          }
        }
        await new Promise((r) => setTimeout(r, o.tickMs));
      }
      const nowS = Math.floor(Date.now() / 1000) + 1;
      for (const site of SITES) {
        const lines = this.feeds[site].finish(nowS);
        appendLines(files[site], lines);
        this.lines += lines.length;
      }
    })();
  }
  /** Lets the feed end once it has written `events` lines. */
  release(): void {
    this.held = false;
  }
  /** Resolves once every call is ended (at `events` lines, or now when stopped early). */
  done(): Promise<void> {
    return this.loop;
  }
  stop(): Promise<void> {
    this.running = false;
    return this.loop;
  }
  expected(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const site of SITES) for (const [k, n] of Object.entries(this.feeds[site].expected())) out[`${site}|${k}`] = n;
    return out;
  }
}

/** The stored event count, polled every 250 ms, with the times it grew. */
class StoredWatch {
  value = 0;
  private lastGrowth = Date.now();
  private gaps: Array<{ from: number; to: number }> = [];
  private running = true;
  private readonly loop: Promise<void>;
  constructor(private readonly ch: ClickHouse) {
    this.loop = (async () => {
      while (this.running) {
        try {
          const n = Number((await rows<{ n: number }>(this.ch, 'SELECT count() AS n FROM queue_events'))[0]?.n ?? 0);
          if (n > this.value) {
            const now = Date.now();
            this.gaps.push({ from: this.lastGrowth, to: now });
            this.lastGrowth = now;
            this.value = n;
          }
        } catch {
          // The store is busy: the next poll counts.
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
  }
  /** Waits until `target` events are stored; fails when the count has not grown for `stallMs`. */
  async reach(target: number, stallMs: number, what: string): Promise<void> {
    while (this.value < target) {
      if (Date.now() - this.lastGrowth > stallMs) throw new Error(`stalled waiting for ${what}: ${this.value} of ${target} events stored`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  /** The longest time without growth within [from, to] (a gap still open at `to` counts up to it). */
  longestGap(from: number, to: number): number {
    const gaps = [...this.gaps, { from: this.lastGrowth, to }];
    return Math.max(0, ...gaps.map((g) => Math.min(g.to, to) - Math.max(g.from, from)));
  }
  stop(): Promise<void> {
    this.running = false;
    return this.loop;
  }
}

/** Polls every 50 ms until `check` gives a value; returns ms since `t0`. */
async function msUntil(t0: number, check: () => Promise<boolean>, what: string): Promise<number> {
  await waitFor(async () => check().catch(() => false), { timeoutMs: 300_000, intervalMs: 50, what });
  return Date.now() - t0;
}

export async function runClusterKill(opts: ClusterKillOptions): Promise<ClusterKillResult> {
  const o = { tickMs: 50, window: 100_000, stallMs: 120_000, ...opts };
  const log = opts.log ?? ((): void => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'tablero-natscl-'));
  const sub = (name: string): string => join(dir, name);
  let cluster: NatsCluster | null = null;
  let server: ChdbHttpChild | null = null;
  let ch: ClickHouse | null = null;
  let watch: StoredWatch | null = null;
  let traffic: TwoSites | null = null;
  let nc: NatsConnection | null = null;
  const services: Record<string, TableroService> = {};
  try {
    cluster = await startNatsCluster(3);
    server = await spawnChdbHttpServer(sub('ch'));
    const env = { NATS_URL: cluster.urls, CLICKHOUSE_URL: server.url, TABLERO_STREAM_REPLICAS: '3' };
    const service = async (role: string, ...a: Parameters<typeof spawnTableroService>): Promise<void> => {
      const s = spawnTableroService(...a);
      services[role] = s;
      await s.running();
    };
    await service('processor', 'processor', { dataDir: sub('processor'), env });
    const files = { a: sub('a.queue_log'), b: sub('b.queue_log') };
    for (const f of Object.values(files)) writeFileSync(f, '');
    await service('ingest-a', 'ingest', { dataDir: sub('ingest-a'), env, args: ['--source', files.a, '--site', 'a'] });
    await service('ingest-b', 'ingest', { dataDir: sub('ingest-b'), env, args: ['--source', files.b, '--site', 'b'] });
    ch = await openClickHouse({ url: server.url, database: 'tablero', dataDir: sub('ch') });
    const store = ch;
    const stored = new StoredWatch(store);
    watch = stored;

    nc = await connect({ servers: cluster.urls.split(',') });
    const info = await (await jetstreamManager(nc)).streams.info(EVENTS_STREAM);
    const replicas = { configured: info.config.num_replicas, placed: 1 + (info.cluster?.replicas?.length ?? 0) };
    await nc.close();

    /** The last warnings and errors each service logged. */
    const warnings = (n: number): Record<string, string[]> =>
      Object.fromEntries(Object.entries(services).map(([role, s]) => [role, s.output().split('\n').filter((l) => /"level":[456]0/.test(l)).slice(-n)]));
    const live = cluster;
    const chdbPid = server.pid;
    const cpuNow = (): Record<string, number> => {
      const out: Record<string, number> = { driver: cpuSeconds(process.pid), chdb: cpuSeconds(chdbPid) };
      for (const [role, s] of Object.entries(services)) out[role] = cpuSeconds(s.child.pid ?? 0);
      for (const s of live.servers) out[`nats-${s.name}`] = cpuSeconds(s.pid());
      return out;
    };
    const cpu0 = cpuNow();
    const step = Math.max(1, Math.floor(o.events / 5));
    traffic = new TwoSites(files, o, () => stored.value);
    const feed = traffic;
    await stored.reach(step, o.stallMs, 'events stored before the kill');

    // The stream's leader: the server whose loss costs an election while publishes are in flight.
    // Watched from a connection to the two others, so that the watch itself has nothing to redo.
    nc = await connect({ servers: cluster.urls.split(',') });
    const before = await (await jetstreamManager(nc)).streams.info(EVENTS_STREAM);
    const killed = before.cluster?.leader ?? '';
    await nc.close();
    const others = cluster.servers.filter((s) => s.name !== killed);
    if (others.length !== 2) throw new Error(`no leader among the servers: '${killed}'`);
    nc = await connect({ servers: others.map((s) => s.url) });
    const jsm: JetStreamManager = await jetstreamManager(nc, { timeout: 1_000 });
    const floorAtKill = consumerFloor(await jsm.consumers.info(EVENTS_STREAM, PROCESSOR_CONSUMER));
    const seqAtKill = (await jsm.streams.info(EVENTS_STREAM)).state.last_seq;
    const cpuKilled = cpuSeconds(cluster.servers.find((s) => s.name === killed)?.pid() ?? 0);
    const tKill = Date.now();
    await cluster.kill(killed);
    const atKill = stored.value;
    log(`SIGKILLed ${killed} (stream leader) at ${atKill} events stored, stream seq ${seqAtKill}`);
    let newLeader = '';
    const election = await msUntil(tKill, async () => {
      newLeader = (await jsm.streams.info(EVENTS_STREAM)).cluster?.leader ?? '';
      return newLeader !== '' && newLeader !== killed;
    }, 'a new leader of the events stream');
    const publishResume = await msUntil(tKill, async () => (await jsm.streams.info(EVENTS_STREAM)).state.last_seq > seqAtKill, 'a publish accepted after the kill');
    const ackResume = await msUntil(tKill, async () => consumerFloor(await jsm.consumers.info(EVENTS_STREAM, PROCESSOR_CONSUMER)) > floorAtKill, 'an acknowledgement after the kill');
    log(`new leader ${newLeader} after ${election} ms; first publish after ${publishResume} ms, first ack after ${ackResume} ms`);
    // The two others go on: events keep being stored with one server down.
    await stored.reach(atKill + step, o.stallMs, 'events stored with one server down');

    const tRestart = Date.now();
    const storeStall = stored.longestGap(tKill, tRestart);
    await cluster.restart(killed);
    const restartReady = Date.now() - tRestart;
    const caughtUp = await msUntil(tRestart, async () => {
      const replica = (await jsm.streams.info(EVENTS_STREAM)).cluster?.replicas?.find((r) => r.name === killed);
      return replica?.current === true;
    }, `the replica on ${killed} current again`);
    log(`restarted ${killed} at ${stored.value} events stored (${feed.lines} written): ready after ${restartReady} ms, replica current after ${caughtUp} ms`);
    await nc.close();
    nc = null;
    // Calls flow on after the restart (a small run could otherwise have written its size by then).
    await stored.reach(stored.value + step, o.stallMs, 'events stored after the restart');
    feed.release();
    await feed.done();
    const lines = feed.lines;
    await stored.reach(lines, o.stallMs, `all ${lines} lines stored`).catch(async (err: unknown) => {
      // What each service said (warnings and errors) tells where the flow stopped.
      const said = Object.entries(warnings(8)).map(([role, l]) => `${role}:\n${l.join('\n')}`);
      const perSite = await rows<{ site: string; n: number }>(store, 'SELECT site, count() AS n FROM queue_events GROUP BY site ORDER BY site');
      const nc2 = await connect({ servers: cluster?.urls.split(',') ?? [] });
      const jsm2 = await jetstreamManager(nc2);
      const stream = (await jsm2.streams.info(EVENTS_STREAM)).state;
      const consumer = await jsm2.consumers.info(EVENTS_STREAM, PROCESSOR_CONSUMER);
      await nc2.close();
      const bus = `stream last_seq ${stream.last_seq} msgs ${stream.messages}; consumer floor ${consumerFloor(consumer)} pending ${consumer.num_pending} ack_pending ${consumer.num_ack_pending} delivered ${consumer.delivered.stream_seq}`;
      throw new Error(`${String(err)}; ${JSON.stringify(perSite)}; ${bus}\n${said.join('\n---\n')}`);
    });
    const wallMs = Date.now() - feed.startedAt;

    const cpu1 = cpuNow();
    const cpuS = Object.fromEntries(Object.entries(cpu1).map(([k, v]) => [k, k === `nats-${killed}` ? v + cpuKilled - (cpu0[k] ?? 0) : v - (cpu0[k] ?? 0)]));

    const got = Object.fromEntries(
      (await rows<{ site: string; queue: string; outcome: string; n: number }>(store, 'SELECT site, queue, outcome, count() AS n FROM stints GROUP BY site, queue, outcome')).map((r) => [
        `${r.site}|${r.queue}|${r.outcome}`,
        Number(r.n),
      ]),
    );
    const [counts] = await rows<ClusterKillResult['counts']>(store, `
      SELECT (SELECT count() FROM stints) AS stints, (SELECT uniqExact(stint_id) FROM stints) AS stint_ids,
             (SELECT count() FROM queue_events) AS events, (SELECT uniqExact(event_id) FROM queue_events) AS event_ids,
             (SELECT count() FROM dead_letters) AS dead`);
    if (!counts) throw new Error('no counts');
    return {
      lines,
      wallMs,
      replicas,
      killed,
      newLeader,
      ms: { election, publishResume, ackResume, storeStall, restartReady, caughtUp },
      want: feed.expected(),
      got,
      counts,
      cpuS,
      warnings: warnings(20),
    };
  } finally {
    await traffic?.stop().catch(() => undefined);
    await watch?.stop();
    await nc?.close().catch(() => undefined);
    await ch?.close();
    for (const s of Object.values(services).reverse()) await s.stop();
    await server?.stop();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The clean computation's totals: stints of the feeds, and the lines as events, each once. */
export function cleanCounts(r: Pick<ClusterKillResult, 'want' | 'lines'>): ClusterKillResult['counts'] {
  const stints = Object.values(r.want).reduce((a, b) => a + b, 0);
  return { stints, stint_ids: stints, events: r.lines, event_ids: r.lines, dead: 0 };
}
