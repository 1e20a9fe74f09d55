// Crash test with real processes (issue #4): 1,000,000 generated queue_log events (valid call
// flows over six queues, with overflow, refusals, pauses and PBX restarts) flow through a real
// nats-server JetStream into a processor child process (real NatsBus, embedded chDB on a data
// directory), which is SIGKILLed at random moments 5 times and restarted. Afterwards the stints
// per queue and outcome in ClickHouse equal those of the pure stint machine over the same events
// (computed here, independently of the processor's storage and restart logic), and no row is
// stored twice, counting rows without FINAL.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_STREAM, EVENTS_STREAM_SPEC, PROCESSOR_CONSUMER, eventsSubject } from '@tablero/ingest/contract';
// The processor's own state machines, as an independent reference fold (not part of its package surface).
import { applyEvent, createStintState } from '../../processor/src/core/stint-machine.ts';
import { applyAgentEvent, createAgentState } from '../../processor/src/core/agent-state.ts';
import { openClickHouse, type ClickHouse } from '@tablero/sql';
import { NatsBus, consumerFloor } from '../../src/bus/index.ts';
import { flowBatches, prng, type FlowOptions } from '../../processor/src/testing/flows.ts';
import { startNatsServer, type NatsServer } from '../support/nats-server.ts';
import { REPO_ROOT } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const TOTAL = Number(process.env.PROCESSOR_CRASH_EVENTS ?? 1_000_000);
const KILLS = 5;
// ~2 calls a second over ~30 h of data time, a PBX restart every 8 h: the restart replay (6 h
// horizon, or the last QUEUESTART) has real work to do, and QUEUESTART cuts open stints.
const FLOW: FlowOptions = { events: TOTAL, batchSize: 500, seed: 20261109, callsPerS: 2, restartEveryS: 8 * 3600 };
const DATABASE = 'tablero';

let nats: NatsServer;
let dir: string;
let nc: NatsConnection;
let jsm: JetStreamManager;
beforeAll(async () => {
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), 'tablero-pcrash-'));
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
});
afterAll(async () => {
  await nc?.close();
  await nats?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Child {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<void>;
}

function startProcessorChild(dataDir: string): Child {
  const code = `
    import pino from 'pino';
    import { NatsBus } from ${JSON.stringify(join(REPO_ROOT, 'src/bus/index.ts'))};
    import { migrate, openClickHouse } from ${JSON.stringify(join(REPO_ROOT, 'sql/src/index.ts'))};
    import { startProcessor } from ${JSON.stringify(join(REPO_ROOT, 'processor/src/index.ts'))};
    const ch = await openClickHouse({ database: '${DATABASE}', dataDir: process.env.DATA_DIR });
    await migrate(ch.client);
    const bus = await NatsBus.connect({ servers: process.env.NATS_URL });
    // A short ack wait: a message lost on the way (not the ones a killed processor held: the
    // consumer restarts at the oldest unacknowledged one) comes back after 3 s, not 30.
    await startProcessor({ bus, ch, log: pino({ level: 'warn' }) }, { tz: 'UTC', ackWaitMs: 3000 });
    process.stdout.write('ready\\n');
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: REPO_ROOT,
    env: { ...process.env, NATS_URL: nats.url, DATA_DIR: dataDir, TZ: 'UTC' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
    child.once('exit', (c, sig) => reject(new Error(`processor child exited (${c ?? sig}) before ready: ${err}`)));
  });
  return { child, ready, exited };
}

async function kill(c: Child): Promise<void> {
  if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await c.exited;
}

/** Stream sequence below which every message is acknowledged by the processor (0 before it exists). */
async function ackFloor(): Promise<number> {
  try {
    return consumerFloor(await jsm.consumers.info(EVENTS_STREAM, PROCESSOR_CONSUMER));
  } catch {
    return 0;
  }
}

/** The reference: the pure reducers over the same generated events, in one pass. */
function expectedCounts(): { byQueueOutcome: Record<string, number>; stints: number; pauses: number } {
  const stints = createStintState();
  const agents = createAgentState();
  const byQueueOutcome: Record<string, number> = {};
  let n = 0;
  let pauses = 0;
  for (const b of flowBatches(FLOW)) {
    for (const ev of b.events) {
      for (const s of applyEvent(stints, ev)) {
        const k = `${s.queue}|${s.outcome}`;
        byQueueOutcome[k] = (byQueueOutcome[k] ?? 0) + 1;
        n += 1;
      }
      pauses += applyAgentEvent(agents, ev).pauses.length;
    }
  }
  return { byQueueOutcome, stints: n, pauses };
}

async function rows<T>(ch: ClickHouse, query: string): Promise<T[]> {
  return (await ch.client.query({ query, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })).json<T>();
}

describe('processor crash safety with real processes', () => {
  it(`stores exactly the stints of a clean run after ${KILLS} SIGKILLs while ${TOTAL} events flow`, async () => {
    const expected = expectedCounts();
    const dataDir = join(dir, 'data');

    // Publish every batch (deterministic ids) while the processor works, as ingest would.
    const bus = await NatsBus.connect({ servers: nats.url });
    await bus.ensureStream(EVENTS_STREAM_SPEC);
    let published = 0;
    const publishing = (async () => {
      let window: Array<Promise<void>> = [];
      for (const b of flowBatches(FLOW)) {
        window.push(bus.publish(eventsSubject(b.site), Buffer.from(JSON.stringify(b)), b.batch_id).then(() => void (published += 1)));
        if (window.length >= 16) {
          await Promise.all(window);
          window = [];
        }
      }
      await Promise.all(window);
    })();

    const batches = Math.ceil(TOTAL / FLOW.batchSize);
    const rnd = prng(Date.now() & 0xffffffff);
    // Kill points: acknowledged-batch counts spread over the run, then a random extra delay so
    // the kill lands anywhere in the handling of a batch (decode, reduce, any of the inserts).
    const killAt = Array.from({ length: KILLS }, (_, i) => Math.floor(((i + 0.2 + 0.6 * rnd()) / (KILLS + 0.5)) * batches)).sort((a, b) => a - b);
    let proc = startProcessorChild(dataDir);
    try {
      await proc.ready;
      for (const at of killAt) {
        await waitFor(async () => (await ackFloor()) >= at, { timeoutMs: 240_000, intervalMs: 50, what: `the processor to ack ${at} batches` });
        await new Promise((r) => setTimeout(r, Math.floor(rnd() * 400)));
        await kill(proc);
        proc = startProcessorChild(dataDir);
        await proc.ready;
      }
      await publishing;
      expect(published).toBe(batches);
      const lastSeq = (await jsm.streams.info(EVENTS_STREAM)).state.last_seq;
      expect(lastSeq).toBe(batches);
      await waitFor(async () => (await ackFloor()) === lastSeq, { timeoutMs: 300_000, intervalMs: 100, what: 'every batch acknowledged' });
    } finally {
      await kill(proc);
      await bus.close();
    }

    // Everything acknowledged is stored (ack after insert): read the child's chDB directly.
    const ch = await openClickHouse({ database: DATABASE, dataDir });
    try {
      const got = await rows<{ queue: string; outcome: string; n: number }>(ch, 'SELECT queue, outcome, count() AS n FROM stints GROUP BY queue, outcome');
      const byQueueOutcome = Object.fromEntries(got.map((r) => [`${r.queue}|${r.outcome}`, Number(r.n)]));
      expect(byQueueOutcome).toEqual(expected.byQueueOutcome);
      // Every outcome occurs, and cut_by_restart from the QUEUESTARTs.
      expect([...new Set(Object.keys(expected.byQueueOutcome).map((k) => k.split('|')[1]))].sort()).toEqual(
        ['abandoned', 'answered', 'cut_by_restart', 'exit_empty', 'exit_key', 'failed', 'refused', 'timeout', 'withdrawn'],
      );
      const [counts] = await rows<Record<string, number>>(ch, `
        SELECT (SELECT count() FROM stints) AS stints, (SELECT uniqExact(stint_id) FROM stints) AS stint_ids,
               (SELECT count() FROM stints FINAL) AS stints_final,
               (SELECT count() FROM queue_events) AS events, (SELECT uniqExact(event_id) FROM queue_events) AS event_ids,
               (SELECT count() FROM agent_pauses) AS pauses`);
      expect(counts).toEqual({
        stints: expected.stints, stint_ids: expected.stints, stints_final: expected.stints,
        events: TOTAL, event_ids: TOTAL, pauses: expected.pauses,
      });
    } finally {
      await ch.close();
    }
  }, 900_000);
});
