// Prometheus metrics of every Tablero service (issue 19), named once here and kept in one registry
// per process (a process runs one service, or all three under `tablero start`). Things a service
// already counts are read from it at scrape time through a provider registered here, so nothing is
// counted twice nor per event in a hot path; only the commit latency is observed as it happens.
// Served as GET /metrics by the dashboard and by the metrics listener of `tablero ingest` and
// `tablero processor` (src/metrics-server.ts), with the token rule of docs/scaling.md.
//
// For the partitioned processors (docs/partitions.md): set `partitionsOwned` to the number of
// partitions this process holds a lease for; nothing else here knows about partitions.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const metricsRegistry = new Registry();

/** Process defaults (CPU, resident memory, heap, event loop lag, GC, open files), once per process. */
let defaultsOn = false;
export function enableProcessMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: metricsRegistry });
}

/** The exposition text and its content type (Prometheus text format 0.0.4). */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}

/** A set of providers; `add` returns the function that removes it again (a stopped service). */
function providers<T>(): { add(p: T): () => void; all(): T[] } {
  const set = new Set<T>();
  return {
    add(p) {
      set.add(p);
      return () => void set.delete(p);
    },
    all: () => [...set],
  };
}

// ---- Lines accepted / rejected per source ----

/** Lines one source has accepted and rejected so far (a tailed file, a push source, a database). */
export interface LineCounts {
  site: string;
  /** The file path, `push:<name>` for an HTTP push source, or the database source's name. */
  source: string;
  kind: string;
  accepted: number;
  rejected: number;
}

const lineSources = providers<() => LineCounts[]>();
/** Counts of finished work (pushes): added up here, since the request that counted them is gone. */
const finishedLines = new Map<string, LineCounts>();
const lineKey = (c: Pick<LineCounts, 'site' | 'source' | 'kind'>): string => `${c.site}\0${c.source}\0${c.kind}`;

/** Live sources (their counters grow while they run): read at each scrape. */
export function registerLineSources(read: () => LineCounts[]): () => void {
  return lineSources.add(read);
}

/** Adds the lines of a finished piece of work (one HTTP push) to its source's totals. */
export function countLines(c: LineCounts): void {
  const key = lineKey(c);
  const seen = finishedLines.get(key);
  if (seen) {
    seen.accepted += c.accepted;
    seen.rejected += c.rejected;
  } else finishedLines.set(key, { ...c });
}

new Counter({
  name: 'tablero_lines_total',
  help: 'PBX/CRM lines read per source: result="accepted" published, result="rejected" dead-lettered',
  labelNames: ['site', 'source', 'kind', 'result'] as const,
  registers: [metricsRegistry],
  collect() {
    const sums = new Map<string, LineCounts>();
    const add = (c: LineCounts): void => {
      const s = sums.get(lineKey(c));
      if (s) {
        s.accepted += c.accepted;
        s.rejected += c.rejected;
      } else sums.set(lineKey(c), { ...c });
    };
    for (const c of finishedLines.values()) add(c);
    for (const read of lineSources.all()) for (const c of read()) add(c);
    this.reset();
    for (const c of sums.values()) {
      const labels = { site: c.site, source: c.source, kind: c.kind };
      this.inc({ ...labels, result: 'accepted' }, c.accepted);
      this.inc({ ...labels, result: 'rejected' }, c.rejected);
    }
  },
});

// ---- JetStream consumers: lag and pending, from the server's consumer info ----

/** One durable consumer as JetStream reports it. */
export interface ConsumerFacts {
  stream: string;
  consumer: string;
  /** Messages of the consumer's subjects not delivered yet (`num_pending`). */
  pending: number;
  /** Delivered, not acknowledged yet (`num_ack_pending`). */
  ack_pending: number;
}

const consumerSources = providers<() => Promise<ConsumerFacts[]>>();

/** Reads every consumer's facts at scrape time (the processor registers its bus). */
export function registerConsumers(read: () => Promise<ConsumerFacts[]>): () => void {
  return consumerSources.add(read);
}

/** One read of the consumers per scrape, shared by the three gauges below. */
let consumerRead: { at: number; facts: Promise<ConsumerFacts[]> } | null = null;
const CONSUMER_READ_REUSE_MS = 1_000;
function consumerFacts(): Promise<ConsumerFacts[]> {
  const now = Date.now();
  if (consumerRead && now - consumerRead.at < CONSUMER_READ_REUSE_MS) return consumerRead.facts;
  const facts = Promise.all(consumerSources.all().map((read) => read().catch(() => [] as ConsumerFacts[]))).then((all) => all.flat());
  consumerRead = { at: now, facts };
  return facts;
}

function consumerGauge(name: string, help: string, value: (f: ConsumerFacts) => number): void {
  new Gauge({
    name,
    help,
    labelNames: ['stream', 'consumer'] as const,
    registers: [metricsRegistry],
    async collect() {
      const facts = await consumerFacts();
      this.reset();
      for (const f of facts) this.set({ stream: f.stream, consumer: f.consumer }, value(f));
    },
  });
}
consumerGauge('tablero_consumer_pending', 'JetStream messages not delivered to the consumer yet (num_pending)', (f) => f.pending);
consumerGauge('tablero_consumer_ack_pending', 'JetStream messages delivered and not acknowledged yet (num_ack_pending)', (f) => f.ack_pending);
consumerGauge('tablero_consumer_lag', 'JetStream messages of the consumer not acknowledged yet: pending + ack pending (the processor acks after the store insert)', (f) => f.pending + f.ack_pending);

// ---- Processor: commit latency, partitions owned ----

/** Seconds from a commit's first insert attempt until all its inserts are stored (retries included). */
export const commitSeconds = new Histogram({
  name: 'tablero_commit_seconds',
  help: 'Time to store one processor commit in ClickHouse, from the first attempt to stored (retries included)',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [metricsRegistry],
});

/** Partitions this processor holds (set by the partition leases; 0 or unset when unpartitioned). */
export const partitionsOwned = new Gauge({
  name: 'tablero_partitions_owned',
  help: 'Partitions (site groups) this processor holds a lease for',
  registers: [metricsRegistry],
});

/** Leases this processor lost (renewal refused or overdue, or the store fenced it): each stops a partition and costs a rebuild. */
export const leasesLost = new Counter({
  name: 'tablero_leases_lost_total',
  help: 'Leases (partitions, singletons) this processor lost instead of giving up: fence closed, renewal refused, or fenced by the store',
  registers: [metricsRegistry],
});

// ---- Dashboard: WebSocket clients; exports ----

const wsSources = providers<() => number>();
export function registerWebSocketClients(read: () => number): () => void {
  return wsSources.add(read);
}
new Gauge({
  name: 'tablero_websocket_clients',
  help: 'Live WebSocket clients (wallboards, kiosk TVs, browsers) connected to this dashboard',
  registers: [metricsRegistry],
  collect() {
    this.set(wsSources.all().reduce((n, read) => n + read(), 0));
  },
});

/** Report render jobs (exports) of this process: running and waiting for a worker. */
export interface ExportQueueFacts {
  running: number;
  waiting: number;
}
const exportSources = providers<() => ExportQueueFacts>();
export function registerExportQueue(read: () => ExportQueueFacts): () => void {
  return exportSources.add(read);
}
new Gauge({
  name: 'tablero_export_jobs',
  help: 'Report exports being rendered (state="running") and waiting for a render worker (state="waiting")',
  labelNames: ['state'] as const,
  registers: [metricsRegistry],
  collect() {
    let running = 0;
    let waiting = 0;
    for (const read of exportSources.all()) {
      const s = read();
      running += s.running;
      waiting += s.waiting;
    }
    this.set({ state: 'running' }, running);
    this.set({ state: 'waiting' }, waiting);
  },
});
