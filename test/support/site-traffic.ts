// Test support for the fault tests: live call traffic on one site from several sources (a feed
// of calls whose lines interleave and span many batches, a PBX-side shipper pushing over HTTP,
// the `tablero simulate` process), the clean run of the same input (`tablero import` of what
// every source wrote, on a fresh data directory) and the stored stint counts to compare.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openClickHouse, type ClickHouse } from '@tablero/sql';
import { appendLines } from './queue-log-writer.ts';
import { REPO_ROOT, TABLERO_BIN, runTablero } from './tablero-process.ts';
import { waitFor } from './wait-for.ts';

export const SITE_QUEUES = ['101', '102', '103']; // the simulator's queues: one site, shared queues

/**
 * Calls as Asterisk logs them live: each `next(nowS)` enters call k and moves calls entered
 * earlier (CONNECT 2 steps later, COMPLETECALLER 5 steps later; every third call ABANDONs 3 steps
 * later), so a call's lines are spread over several appends, batches and commits. `finish` ends
 * every call still open. Call k goes to queue SITE_QUEUES[floor(k / 3) % 3]; k % 3 === 2 abandons.
 */
export class CallFeed {
  private k = 0;
  private readonly enteredAt: number[] = [];
  private readonly connectedAt = new Map<number, number>();
  constructor(private readonly prefix: string) {}

  private id(k: number): string {
    return `${this.prefix}.${k}`;
  }
  private queue(k: number): string {
    return SITE_QUEUES[Math.floor(k / 3) % SITE_QUEUES.length] as string;
  }
  private moves(c: number, step: number, nowS: number): string[] {
    if (c < 0 || c >= this.k) return [];
    const enter = this.enteredAt[c] as number;
    const [id, q, agent] = [this.id(c), this.queue(c), `Agent/${this.prefix}${c % 4}`];
    if (c % 3 === 2) return step === 3 ? [`${nowS}|${id}|${q}|NONE|ABANDON|1|1|${nowS - enter}`] : [];
    if (step === 2) {
      this.connectedAt.set(c, nowS);
      return [`${nowS}|${id}|${q}|${agent}|CONNECT|${nowS - enter}|${id}9|1`];
    }
    const connected = this.connectedAt.get(c) ?? enter;
    if (step === 5) return [`${nowS}|${id}|${q}|${agent}|COMPLETECALLER|${connected - enter}|${nowS - connected}|1`];
    return [];
  }

  /** The moves due when the `at`-th call enters (at > k: steps after the last call). */
  private due(at: number, nowS: number): string[] {
    return [2, 3, 5].flatMap((step) => this.moves(at - 1 - step, step, nowS));
  }

  next(nowS: number): string[] {
    const k = this.k++;
    this.enteredAt.push(nowS);
    return [`${nowS}|${this.id(k)}|${this.queue(k)}|NONE|ENTERQUEUE||300${k}|1`, ...this.due(this.k, nowS)];
  }

  finish(nowS: number): string[] {
    return [1, 2, 3, 4, 5].flatMap((extra) => this.due(this.k + extra, nowS));
  }

  /** Stints per `queue|outcome` once every call is finished. */
  expected(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let c = 0; c < this.k; c++) {
      const key = `${this.queue(c)}|${c % 3 === 2 ? 'abandoned' : 'answered'}`;
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  }
}

/**
 * A PBX-side shipper pushing over HTTP as a simple script would: it sends every line after the
 * last one answered 200, in one body without an offset header, and saves its place only every
 * `checkpointEvery` accepted pushes; after a failed request it goes back to that saved place. So
 * after a crash lines already stored come again inside a larger body, under new event ids: only
 * the same-line rule keeps them from counting twice.
 */
export class Shipper {
  readonly sent: string[] = [];
  failures = 0;
  private acked = 0;
  private checkpoint = 0;
  private accepted = 0;
  constructor(private readonly url: () => string, private readonly token: string, private readonly checkpointEvery = 20) {}

  add(lines: string[]): void {
    this.sent.push(...lines);
  }

  /** One attempt; true when everything added was accepted. */
  async flush(): Promise<boolean> {
    const end = this.sent.length;
    if (this.acked === end) return true;
    const body = this.sent.slice(this.acked, end).map((l) => `${l}\n`).join('');
    const count = end - this.acked;
    try {
      const r = await fetch(`${this.url()}/ingest/queue-log`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'text/plain' },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      const json = (await r.json()) as { accepted?: number; rejected?: number };
      if (r.status !== 200) throw new Error(`answered ${r.status}`);
      if (json.accepted !== count || json.rejected !== 0) throw new Error(`push of ${count} lines answered ${JSON.stringify(json)}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('push of ')) throw err;
      this.failures += 1;
      this.acked = this.checkpoint;
      return false;
    }
    this.acked = end;
    if (++this.accepted % this.checkpointEvery === 0) this.checkpoint = end;
    return this.acked === this.sent.length;
  }
}

/** `tablero simulate` as a process of its own (it outlives the crashes of what reads its file). */
export async function startSimulator(outDir: string): Promise<{ queueLog: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [TABLERO_BIN, 'simulate', '--out', outDir, '--calls-per-hour', '3600', '--speed', '10', '--seed', '14'], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', TZ: 'UTC' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const queueLog = join(outDir, 'queue_log');
  // QUEUESTART (first line) cuts every open call of the site: on disk before any other source starts.
  await waitFor(() => existsSync(queueLog) && readFileSync(queueLog, 'utf8').includes('|QUEUESTART|'), { timeoutMs: 60_000, what: 'the simulator started' });
  return {
    queueLog,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The clean run: every source's lines imported once, in that order, on a fresh data directory. */
export async function importCleanRun(dataDir: string, files: Array<{ path: string; lines?: string[] }>): Promise<void> {
  for (const f of files) if (f.lines) writeFileSync(f.path, f.lines.map((l) => `${l}\n`).join(''));
  const r = await runTablero(['import', ...files.map((f) => f.path)], { dataDir });
  if (r.code !== 0 || !r.stdout.endsWith(' 0 rejected\n')) throw new Error(`the clean import failed (${r.code}): ${r.stdout}${r.stderr}`);
}

export interface StoredCounts {
  /** `source|queue|outcome` -> stints counted without FINAL (source: `tail.`/`push.` call ids, else `sim`). */
  stints: Record<string, number>;
  stintsFinal: Record<string, number>;
  stintRows: number;
  stintIds: number;
  events: number;
  eventIds: number;
  lines: number;
}

export async function storedCounts(ch: ClickHouse): Promise<StoredCounts> {
  const rows = async <T>(query: string): Promise<T[]> =>
    (await ch.client.query({ query, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })).json<T>();
  const per = async (final: string): Promise<Record<string, number>> =>
    Object.fromEntries(
      (await rows<{ source: string; queue: string; outcome: string; n: number }>(`
        SELECT multiIf(startsWith(callid, 'tail.'), 'tail', startsWith(callid, 'push.'), 'push', 'sim') AS source, queue, outcome, count() AS n
        FROM stints ${final} GROUP BY source, queue, outcome ORDER BY source, queue, outcome`)).map((r) => [`${r.source}|${r.queue}|${r.outcome}`, r.n]),
    );
  const [totals] = await rows<{ stintRows: number; stintIds: number; events: number; eventIds: number; lines: number }>(`
    SELECT (SELECT count() FROM stints) AS stintRows, (SELECT uniqExact(stint_id) FROM stints) AS stintIds,
           (SELECT count() FROM queue_events) AS events, (SELECT uniqExact(event_id) FROM queue_events) AS eventIds,
           (SELECT uniqExact(ts, callid, queue, agent, verb, data) FROM queue_events) AS lines`);
  if (!totals) throw new Error('no totals');
  return { stints: await per(''), stintsFinal: await per('FINAL'), ...totals };
}

/** The stored counts of a data directory's embedded ClickHouse (no process may hold it). */
export async function storedCountsIn(dataDir: string): Promise<StoredCounts> {
  const ch = await openClickHouse({ database: 'tablero', dataDir });
  try {
    return await storedCounts(ch);
  } finally {
    await ch.close();
  }
}

/**
 * Live traffic on one site from two sources: `CallFeed`s appended to a tailed queue_log and
 * pushed by a `Shipper`, every 100 ms, until `finish` ends every call and the shipper got its 200.
 */
export class SiteTraffic {
  readonly tailFeed = new CallFeed('tail');
  readonly pushFeed = new CallFeed('push');
  readonly shipper: Shipper;
  /** Lines appended to the tailed file. */
  tailLines = 0;
  private running = true;
  private flushing: Promise<boolean> | null = null;
  private readonly loop: Promise<void>;

  /** `callsPerTick` calls of each source every 100 ms: about 27 lines/s per call and tick. */
  constructor(private readonly tailPath: string, pushUrl: () => string, token: string, callsPerTick = 2) {
    writeFileSync(tailPath, '', { flag: 'a' });
    const shipper = new Shipper(pushUrl, token);
    this.shipper = shipper;
    this.loop = (async () => {
      for (let tick = 0; this.running; tick++) {
        const started = Date.now();
        const nowS = Math.floor(started / 1000);
        for (let i = 0; i < callsPerTick; i++) {
          const lines = this.tailFeed.next(nowS);
          appendLines(this.tailPath, lines);
          this.tailLines += lines.length;
          shipper.add(this.pushFeed.next(nowS));
        }
        // One push in flight at a time; the file keeps growing while a push waits for its answer.
        this.flushing ??= shipper.flush().finally(() => (this.flushing = null));
        await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - started))));
      }
    })();
  }

  /** Ends every call on both sources and waits until the shipper's last push was accepted. */
  async finish(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.loop;
    await this.flushing;
    const nowS = Math.floor(Date.now() / 1000) + 1;
    const lines = this.tailFeed.finish(nowS);
    appendLines(this.tailPath, lines);
    this.tailLines += lines.length;
    this.shipper.add(this.pushFeed.finish(nowS));
    await waitFor(() => this.shipper.flush(), { timeoutMs: 120_000, intervalMs: 200, what: 'the shipper to get its last push accepted' });
  }

  /** Stints per `source|queue|outcome` of the two feeds (source `tail` or `push`). */
  expected(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [source, feed] of [['push', this.pushFeed], ['tail', this.tailFeed]] as const) {
      for (const [k, n] of Object.entries(feed.expected())) out[`${source}|${k}`] = n;
    }
    // In the order storedCounts gives (by source, queue, outcome), so the two compare as JSON.
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}
