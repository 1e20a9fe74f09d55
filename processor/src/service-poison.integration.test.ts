// The processor on embedded chDB facing a commit ClickHouse refuses (150 calls in 150 months:
// "Too many partitions for single INSERT block") and a store that stops answering: the first is
// split and stored and the stream goes on; the second is retried, and health() says degraded
// while the commit waits, ok once stored (issue 14).
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBatch, QueueEvent } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import { startProcessor } from './service.ts';
import { TestBus } from './testing/bus.ts';
import { freshClickHouse, scalar } from './testing/clickhouse.ts';
import { eventMaker } from './testing/events.ts';

const log = pino({ level: 'silent' });
const NOW_MS = Date.UTC(2026, 10, 9, 15) / 1000 * 1000;

let ch: ClickHouse & { dispose(): Promise<void> };
beforeAll(async () => {
  ch = await freshClickHouse();
});
afterAll(async () => {
  await ch?.dispose();
});

const make = eventMaker({ fingerprint: 'fpP' });
const call = (callid: string, t: number): string => `${t}|${callid}|q1|NONE|ENTERQUEUE||555|1\n${t + 5}|${callid}|q1|Ann|CONNECT|5|${callid}.1|1\n${t + 65}|${callid}|q1|Ann|COMPLETECALLER|5|60|1`;
const batch = (id: string, events: QueueEvent[]): EventBatch => ({ batch_id: id, site: 'default', events });

async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('processor with a poison commit and an unreachable store', () => {
  it('stores a 150-month batch by splitting it, and the next batch right after', async () => {
    const bus = new TestBus();
    const p = await startProcessor({ bus, ch, log, now: () => NOW_MS }, { tz: 'UTC' });
    const lines: string[] = [];
    for (let i = 0; i < 150; i++) lines.push(call(`m${i}`, Date.UTC(2010 + Math.floor(i / 12), i % 12, 10, 9) / 1000));
    const poison = batch('fpP:0-449', make.lines(lines.join('\n')));
    expect(await bus.deliver('pbx.events.default', poison, poison.batch_id)).toBe(true);
    const normal = batch('fpP:450-452', make.lines(call('n1', NOW_MS / 1000 - 600)));
    expect(await bus.deliver('pbx.events.default', normal, normal.batch_id)).toBe(true);
    expect(await scalar(ch, 'SELECT count() AS v FROM stints')).toBe(151);
    expect(await scalar(ch, 'SELECT count() AS v FROM queue_events')).toBe(453);
    expect(p.health()).toEqual({
      status: 'ok', reason: null, stalled_s: null, stored_commits: 2, split_inserts: 1, refused_rows: 0, last_refusal: null,
    });
    await p.stop();
  });

  it('retries a commit while the store does not answer: degraded with the reason, ok once stored', async () => {
    let down = true;
    const unreachable: ClickHouse = {
      ...ch,
      async insertFormatted(table, format, body, settings) {
        // What the HTTP client raises when the server is gone (no ClickHouse error code).
        if (down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
        return ch.insertFormatted(table, format, body, settings);
      },
    };
    const bus = new TestBus();
    const p = await startProcessor({ bus, ch: unreachable, log, now: () => NOW_MS }, { tz: 'UTC', stallAfterMs: 300 });
    const b = batch('fpP:453-455', make.lines(call('r1', NOW_MS / 1000 - 300)));
    const delivered = bus.deliver('pbx.events.default', b, b.batch_id);
    await until(() => p.health().status === 'degraded', 'degraded');
    const h = p.health();
    expect(h.reason).toMatch(/^commit \d+ not stored for \d+ s: ClickHouse unreachable$/);
    expect(h.stored_commits).toBe(0);
    // Also published on the live bus for a dashboard in another process.
    const published = (): Array<Record<string, unknown>> => bus.emitted.filter((e) => e.subject === 'kpi.processor').map((e) => e.data as Record<string, unknown>);
    await until(() => published().some((m) => m.status === 'degraded'), 'a degraded health on kpi.processor');
    expect(published().find((m) => m.status === 'degraded')).toMatchObject({ type: 'processor_health', stored_commits: 0, reason: expect.stringMatching(/ClickHouse unreachable$/) });
    down = false;
    expect(await delivered).toBe(true);
    expect(p.health()).toMatchObject({ status: 'ok', reason: null, stalled_s: null, stored_commits: 1 });
    expect(await scalar(ch, "SELECT count() AS v FROM stints WHERE callid = 'r1'")).toBe(1);
    await until(() => published().at(-1)?.status === 'ok', 'an ok health on kpi.processor');
    await p.stop();
  });

  it('a crash in the middle of a split commit neither doubles nor loses a row after the restart', async () => {
    // 150 calls, months visited out of order: a crash after some one-month runs must leave a
    // prefix in stream order stored, or the offset watermark would skip the rest at the restart.
    const makeQ = eventMaker({ fingerprint: 'fpQ' });
    const lines: string[] = [];
    for (let i = 0; i < 150; i++) {
      const k = (i * 7) % 150;
      lines.push(call(`x${i}`, Date.UTC(2010 + Math.floor(k / 12), k % 12, 20, 9) / 1000));
    }
    const b = batch('fpQ:0-449', makeQ.lines(lines.join('\n')));
    let eventInserts = 0;
    const dying: ClickHouse = {
      ...ch,
      async insertFormatted(table, format, body, settings) {
        // The first 40 runs of events go in; then the store "goes away" and the process dies retrying.
        if (table === 'queue_events' && ++eventInserts > 40) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        return ch.insertFormatted(table, format, body, settings);
      },
    };
    const bus1 = new TestBus(1);
    const p1 = await startProcessor({ bus: bus1, ch: dying, log, now: () => NOW_MS }, { tz: 'UTC' });
    const delivered = bus1.deliver('pbx.events.default', b, b.batch_id);
    await until(() => eventInserts > 41, 'the store to go away mid-commit');
    await p1.stop();
    expect(await delivered).toBe(false); // never acknowledged
    expect(await scalar(ch, "SELECT count() AS v FROM stints WHERE callid LIKE 'x%'")).toBe(150);
    expect(await scalar(ch, "SELECT count() AS v FROM queue_events WHERE callid LIKE 'x%'")).toBe(120);

    const bus2 = new TestBus();
    const p2 = await startProcessor({ bus: bus2, ch, log, now: () => NOW_MS }, { tz: 'UTC' });
    expect(await bus2.deliver('pbx.events.default', b, b.batch_id)).toBe(true);
    // Without FINAL: every row once.
    expect(await scalar(ch, "SELECT count() AS v FROM stints WHERE callid LIKE 'x%'")).toBe(150);
    expect(await scalar(ch, "SELECT count() AS v FROM queue_events WHERE callid LIKE 'x%'")).toBe(450);
    expect(await scalar(ch, "SELECT count() AS v FROM (SELECT event_id FROM queue_events GROUP BY event_id HAVING count() > 1)")).toBe(0);
    await p2.stop();
  });
});
