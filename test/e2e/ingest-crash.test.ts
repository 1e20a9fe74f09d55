// Crash test with real processes: a generator appends 200,000 queue_log lines while an ingest
// child process (real NatsBus, real nats-server JetStream) is SIGKILLed at random moments and
// restarted 5 times, and the log is rotated twice (rename). Afterwards the set of event ids in
// the stream must equal the set of lines written: none missing, none extra.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintFromHead } from '@tablero/ingest';
import type { EventBatch } from '@tablero/ingest/contract';
import { startNatsServer, type NatsServer } from '../support/nats-server.ts';
import { REPO_ROOT } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const SITE = 'crash';
const TOTAL = 200_000;
const CHUNK = 1_000;
const KILLS = 5;

let nats: NatsServer;
let dir: string;
beforeAll(async () => {
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), 'tablero-crash-'));
});
afterAll(async () => {
  await nats?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function startChild(path: string, stateDir: string): { child: ChildProcess; ready: Promise<void>; exited: Promise<void> } {
  const code = `
    import pino from 'pino';
    import { NatsBus } from ${JSON.stringify(join(REPO_ROOT, 'src/bus/index.ts'))};
    import { startIngest } from ${JSON.stringify(join(REPO_ROOT, 'ingest/src/index.ts'))};
    const bus = await NatsBus.connect({ servers: process.env.NATS_URL });
    await startIngest({ bus, log: pino({ level: 'warn' }) }, { sources: [{ path: process.env.QL_PATH, site: '${SITE}', kind: 'queue_log' }], stateDir: process.env.STATE_DIR, pollIntervalMs: 20 });
    process.stdout.write('ready\\n');
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: REPO_ROOT,
    env: { ...process.env, NATS_URL: nats.url, QL_PATH: path, STATE_DIR: stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
    child.once('exit', (c, sig) => reject(new Error(`ingest child exited (${c ?? sig}) before ready: ${err}`)));
  });
  return { child, ready, exited };
}

/** Event ids every line of a finished file must have: fingerprint of its first line + byte offsets. */
function idsOf(path: string): string[] {
  const bytes = readFileSync(path);
  const fp = fingerprintFromHead(SITE, bytes, true) as string;
  const ids: string[] = [];
  let off = 0;
  while (off < bytes.length) {
    ids.push(`${fp}:${off}`);
    off = bytes.indexOf(10, off) + 1;
  }
  return ids;
}

describe('ingest crash safety', () => {
  it('delivers every line exactly once as a set across SIGKILLs and rotations', async () => {
    const path = join(dir, 'queue_log');
    const stateDir = join(dir, 'state');
    let proc = startChild(path, stateDir);
    await proc.ready;
    const chunks = TOTAL / CHUNK;
    // Random kill points (chunk indexes), distinct, away from the rotations so a restart never
    // spans two rotations (the middle file would then be unknown to the restarted process).
    const rotations = [Math.floor(chunks / 3), Math.floor((2 * chunks) / 3)];
    const killAt = new Set<number>();
    while (killAt.size < KILLS) {
      const k = 5 + Math.floor(Math.random() * (chunks - 10));
      if (rotations.every((r) => Math.abs(r - k) > 3)) killAt.add(k);
    }
    let n = 0;
    for (let c = 0; c < chunks; c++) {
      if (rotations.includes(c)) {
        if (existsSync(`${path}.1`)) renameSync(`${path}.1`, `${path}.2`);
        renameSync(path, `${path}.1`);
      }
      let text = '';
      for (let i = 0; i < CHUNK; i++, n++) text += `${1700000000 + Math.floor(n / 50)}|${1700000000 + n}.${n}|q${n % 7}|SIP/${n % 40}|RINGNOANSWER|${n % 16000}\n`;
      appendFileSync(path, text);
      if (killAt.has(c)) {
        // Let it work a little (a random part of the chunk's processing), then kill it hard.
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 40)));
        proc.child.kill('SIGKILL');
        await proc.exited;
        proc = startChild(path, stateDir);
        await proc.ready;
      } else {
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    const files = [`${path}.2`, `${path}.1`, path];
    const expected = files.flatMap(idsOf);
    expect(expected.length).toBe(TOTAL);

    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      const js = jetstream(nc);
      const finalSize = statSync(path).size;
      const cpFile = (): string => readFileSync(join(stateDir, readdirSync(stateDir).find((f) => f.endsWith('.json')) as string), 'utf8');
      await waitFor(() => (JSON.parse(cpFile()) as { offset: number }).offset === finalSize, { timeoutMs: 120_000, what: 'the last checkpoint' });
      const total = (await jsm.streams.info('TABLERO_PBX')).state.messages;
      const consumer = await js.consumers.get('TABLERO_PBX');
      const messages = await consumer.consume();
      const seen: string[] = [];
      let got = 0;
      for await (const m of messages) {
        for (const e of (m.json() as EventBatch).events) seen.push(e.event_id);
        if (++got >= total) break;
      }
      await messages.close();
      const distinct = new Set(seen);
      if (process.env.CRASH_DEBUG) {
        const per: Record<string, { n: number; max: number }> = {};
        for (const id of distinct) {
          const [f, o] = id.split(':') as [string, string];
          const e = (per[f] ??= { n: 0, max: 0 });
          e.n += 1;
          e.max = Math.max(e.max, Number(o));
        }
        console.log('DEBUG', JSON.stringify({ cp: cpFile(), per, files: files.map((f) => [f, statSync(f).size, idsOf(f)[0], idsOf(f).length]) }));
      }
      expect(distinct.size).toBe(TOTAL);
      expect([...distinct].sort()).toEqual([...expected].sort());
      expect(seen.length - distinct.size).toBe(0);
    } finally {
      await nc.close();
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
  }, 300_000);
});
