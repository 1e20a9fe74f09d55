// Backpressure with a real nats-server that goes away in the middle of a bulk import: while the
// bus is down the importer stops reading (memory bounded by the in-flight batches, not by the
// file), it resends the unacknowledged batches with the same ids once the server is back, and
// afterwards the stream holds every line of the file exactly once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintFromHead, importFiles, type ImportProgress } from '@tablero/ingest';
import type { EventBatch } from '@tablero/ingest/contract';
import { NatsBus } from '../../src/bus/index.ts';
import { freePort, startNatsServer, type NatsServer } from '../support/nats-server.ts';
import { waitFor } from '../support/wait-for.ts';

const SITE = 'bp';
const LINES = 300_000;

let dir: string;
let storeDir: string;
let port: number;
let nats: NatsServer | null = null;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-backpressure-'));
  storeDir = join(dir, 'jetstream');
  port = await freePort();
  nats = await startNatsServer({ storeDir, port });
});
afterAll(async () => {
  await nats?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('ingest backpressure', () => {
  it('stops reading while nats-server is down, resumes when it is back, and stores every line once', async () => {
    const path = join(dir, 'queue_log');
    let text = '';
    const offsets: number[] = [];
    for (let i = 0; i < LINES; i++) {
      offsets.push(text.length);
      text += `${1700000000 + Math.floor(i / 50)}|1700000000.${i}|q${i % 7}|PJSIP/${200 + (i % 40)}|RINGNOANSWER|${(i % 16) * 1000}\n`;
    }
    writeFileSync(path, text);
    const size = text.length;
    const fp = fingerprintFromHead(SITE, Buffer.from(text.slice(0, 200)), false) as string;

    const bus = await NatsBus.connect({ servers: `nats://127.0.0.1:${port}` });
    let progress: ImportProgress | null = null;
    let stopped: Promise<void> | null = null;
    let readWhenDown = -1;
    const done = importFiles(
      { bus, log: pino({ level: 'silent' }) },
      {
        files: [path],
        kind: 'queue_log',
        site: SITE,
        progressIntervalMs: 0,
        onProgress: (p) => {
          progress = p;
          // A graceful stop (SIGTERM): JetStream flushes what it acknowledged.
          if (!stopped && p.bytesDone >= size / 10) {
            const server = nats as NatsServer;
            stopped = (async () => {
              process.kill(server.pid, 'SIGTERM');
              await waitFor(() => !alive(server.pid), { timeoutMs: 20_000, what: 'nats-server to exit' });
              readWhenDown = (progress as ImportProgress).bytesDone;
            })();
          }
        },
      },
    );
    try {
      await waitFor(() => readWhenDown >= 0, { timeoutMs: 60_000, what: 'nats-server stopped mid-import' });
      await new Promise((r) => setTimeout(r, 2_000));
      const readAfter = (progress as ImportProgress | null)?.bytesDone ?? 0;
      // Bounded: at most the in-flight batches (8 x 256 KiB of JSON, ~45 KiB of file each) and
      // one read chunk more, nowhere near the rest of the 20 MB file.
      expect(readAfter - readWhenDown).toBeLessThan(1024 * 1024);
      expect(readAfter).toBeLessThan(size / 2);

      await (nats as NatsServer).stop();
      nats = await startNatsServer({ storeDir, port });
      const summary = await done;
      expect(summary).toMatchObject({ lines: LINES, accepted: LINES, rejected: {} });
    } finally {
      await done.catch(() => undefined);
      await bus.close();
    }

    const nc = await connect({ servers: (nats as NatsServer).url });
    try {
      const jsm = await jetstreamManager(nc);
      const js = jetstream(nc);
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
      expect(seen.length).toBe(LINES);
      expect(new Set(seen).size).toBe(LINES);
      expect([...seen].sort()).toEqual(offsets.map((o) => `${fp}:${o}`).sort());
    } finally {
      await nc.close();
    }
  }, 180_000);
});
