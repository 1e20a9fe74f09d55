// Test helpers shared by ingest's own tests: a recording bus port with JetStream-like msgId dedup
// and optional failures, a log capture, and a polling wait. Not used by production code.
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import pino, { type Logger } from 'pino';
import type { DeadLetterBatch, EventBatch } from './contract.ts';
import type { IngestBus, PublishAck } from './bus/port.ts';

export interface Published {
  subject: string;
  msgId: string;
  text: string;
}

export class RecordingBus implements IngestBus {
  readonly messages: Published[] = [];
  readonly streams: string[] = [];
  private readonly ids = new Set<string>();
  /** While > 0, each publish fails and decrements it. */
  failNext = 0;
  /** While set, publishes wait for it before being stored (a slow or stalled bus). */
  gate: Promise<void> | null = null;
  attempts = 0;

  async ensureStream(spec: { name: string }): Promise<void> {
    this.streams.push(spec.name);
  }

  async publish(subject: string, data: Uint8Array, msgId: string): Promise<PublishAck> {
    this.attempts += 1;
    if (this.gate) await this.gate;
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('bus down');
    }
    if (this.ids.has(msgId)) return { duplicate: true };
    this.ids.add(msgId);
    this.messages.push({ subject, msgId, text: Buffer.from(data).toString('utf8') });
    return { duplicate: false };
  }

  eventBatches(): EventBatch[] {
    return this.messages.filter((m) => m.subject.startsWith('pbx.events.')).map((m) => JSON.parse(m.text) as EventBatch);
  }

  deadBatches(): DeadLetterBatch[] {
    return this.messages.filter((m) => m.subject.startsWith('pbx.dead.')).map((m) => JSON.parse(m.text) as DeadLetterBatch);
  }

  /** Every accepted event id, in publish order. */
  eventIds(): string[] {
    return this.eventBatches().flatMap((b) => b.events.map((e) => e.event_id));
  }
}

export function captureLog(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

export async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
