// The production `tablero processor` as real child processes against a real nats-server (embedded
// chDB on temp data directories): one processor per stream is enforced, and a processor whose
// consumer another process took over stops and exits non-zero (for systemd or Docker to see),
// instead of standing still while it looks alive.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, DeliverPolicy, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_STREAM, PROCESSOR_CONSUMER, QA_STREAM, QA_STREAM_SPEC, SURVEY_CONSUMER, SURVEY_SUBJECT_PREFIX } from '@tablero/ingest/contract';
import { NatsBus } from '../../src/bus/index.ts';
import { startNatsServer, type NatsServer } from '../support/nats-server.ts';
import { REPO_ROOT, TABLERO_BIN } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

let nats: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
const dirs: string[] = [];
beforeAll(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
});
afterAll(async () => {
  await nc?.close();
  await nats?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface ProcessorChild {
  child: ChildProcess;
  output(): string;
  /** The exit code, once it exited. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

function startProcessorCommand(): ProcessorChild {
  const dataDir = mkdtempSync(join(tmpdir(), 'tablero-proc-'));
  dirs.push(dataDir);
  let out = '';
  // No CLICKHOUSE_URL: ClickHouse embedded (chDB) in the data directory.
  const { CLICKHOUSE_URL: _, ...env } = process.env;
  const child = spawn(process.execPath, [TABLERO_BIN, 'processor'], {
    cwd: REPO_ROOT,
    env: { ...env, TABLERO_DATA_DIR: dataDir, NATS_URL: nats.url, LOG_LEVEL: 'info', TZ: 'UTC' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Waits until the child logged that the processor runs (its consumer exists, its claim is held). */
async function running(p: ProcessorChild): Promise<void> {
  await waitFor(() => p.child.exitCode !== null || p.output().includes('"msg":"processor running"'), { timeoutMs: 60_000, what: 'tablero processor running' }).catch(
    (err: Error) => {
      throw new Error(`${err.message}: ${p.output()}`);
    },
  );
  if (p.child.exitCode !== null) throw new Error(`tablero processor exited with ${p.child.exitCode}: ${p.output()}`);
}

/** What the command printed besides its JSON log lines (which pino may flush after it). */
const printed = (text: string): string[] => text.split('\n').filter((l) => l !== '' && !l.startsWith('{'));

describe('tablero processor against a NATS server', () => {
  it('refuses a second processor on the same stream in one line, exit code 1, and leaves the first one running', async () => {
    const first = startProcessorCommand();
    try {
      await running(first);
      const second = startProcessorCommand();
      expect(await second.exited).toBe(1);
      expect(printed(second.output())).toEqual([
        expect.stringMatching(
          new RegExp(`^tablero processor: another process already consumes ${EVENTS_STREAM} as ${PROCESSOR_CONSUMER} \\(\\S+ pid ${first.child.pid}, since \\S+\\); run a single processor per NATS server$`),
        ),
      ]);
      expect(first.child.exitCode).toBe(null);
    } finally {
      await first.stop();
    }
  }, 120_000);

  it('stops what it already started and exits 1 when a later consumer of it is refused (the survey consumer held elsewhere)', async () => {
    const holder = await NatsBus.connect({ servers: nats.url });
    await holder.ensureStream(QA_STREAM_SPEC);
    const held = await holder.consume({ stream: QA_STREAM, durable: SURVEY_CONSUMER, filterSubject: `${SURVEY_SUBJECT_PREFIX}.>`, maxAckPending: 1 }, async () => undefined);
    const p = startProcessorCommand();
    try {
      // The processor's own consumer started first; it is stopped, not left running.
      expect(await p.exited).toBe(1);
      expect(p.output()).toContain('"msg":"processor stopped"');
      expect(printed(p.output())).toEqual([
        expect.stringMatching(new RegExp(`^tablero processor: another process already consumes ${QA_STREAM} as ${SURVEY_CONSUMER} \\(\\S+ pid ${process.pid}, since \\S+\\); run a single processor per NATS server$`)),
      ]);
    } finally {
      await p.stop();
      await held.stop();
      await holder.close();
    }
  }, 120_000);

  it('exits with code 1 and the reason when another process deleted its consumer and created its own, leaving that one alone', async () => {
    const p = startProcessorCommand();
    try {
      await running(p);
      // What a second processor started in the same instant as this one would do.
      await jsm.consumers.delete(EVENTS_STREAM, PROCESSOR_CONSUMER);
      const theirs = await jsm.consumers.add(EVENTS_STREAM, { durable_name: PROCESSOR_CONSUMER, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
      expect(await p.exited).toBe(1);
      expect(p.output()).toContain('"msg":"a service stopped working: stopping the process"');
      expect(printed(p.output())).toEqual([
        expect.stringMatching(
          new RegExp(`^tablero processor: the consumer ${PROCESSOR_CONSUMER} of ${EVENTS_STREAM} was deleted and created again by another process \\(at \\S+\\); this one stops rather than take it back: run a single consumer per durable$`),
        ),
      ]);
      expect((await jsm.consumers.info(EVENTS_STREAM, PROCESSOR_CONSUMER)).created).toBe(theirs.created);
    } finally {
      await p.stop();
      await jsm.consumers.delete(EVENTS_STREAM, PROCESSOR_CONSUMER).catch(() => undefined);
    }
  }, 120_000);
});
