// Fault test with real processes: the nats-server under a running processor is killed (SIGKILL)
// mid-stream and started again on the same port and store. The processor's connection drops
// with messages in flight; the restarted server would redeliver those only after ack_wait and
// hold back newer ones meanwhile, so the bus re-creates its consumer at the reconnect. Afterwards
// every event and stint is stored exactly once (counted without FINAL) and the stints equal
// those of the pure stint machine over the same events.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENTS_STREAM, EVENTS_STREAM_SPEC, PROCESSOR_CONSUMER, eventsSubject } from '@tablero/ingest/contract';
import { startProcessor } from '@tablero/processor';
// The processor's own state machines, as an independent reference fold (not part of its package surface).
import { applyEvent, createStintState } from '../../processor/src/core/stint-machine.ts';
import { NatsBus, consumerFloor } from '../../src/bus/index.ts';
import { flowBatches, type FlowOptions } from '../../processor/src/testing/flows.ts';
import { freshClickHouse } from '../support/clickhouse.ts';
import { startNatsServer, type NatsServer } from '../support/nats-server.ts';
import { waitFor } from '../support/wait-for.ts';

const FLOW: FlowOptions = { events: 200_000, batchSize: 500, seed: 20261122, callsPerS: 5 };
const BATCHES = FLOW.events / FLOW.batchSize;
const storeDir = mkdtempSync(join(tmpdir(), 'tablero-nats-restart-'));
let nats: NatsServer | null = null;
afterAll(async () => {
  await nats?.stop();
  rmSync(storeDir, { recursive: true, force: true });
});

async function floor(url: string): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    return consumerFloor(await (await jetstreamManager(nc)).consumers.info(EVENTS_STREAM, PROCESSOR_CONSUMER));
  } catch {
    return 0;
  } finally {
    await nc.close();
  }
}

describe('processor across a nats-server restart', () => {
  it('stores every event and stint once when the server dies under it with messages in flight', async () => {
    nats = await startNatsServer({ storeDir });
    const { port } = nats;
    const publisher = await NatsBus.connect({ servers: nats.url });
    await publisher.ensureStream(EVENTS_STREAM_SPEC);
    const st = createStintState();
    let expectedStints = 0;
    for (const b of flowBatches(FLOW)) {
      await publisher.publish(eventsSubject(b.site), Buffer.from(JSON.stringify(b)), b.batch_id);
      for (const ev of b.events) expectedStints += applyEvent(st, ev).length;
    }
    await publisher.close();

    const ch = await freshClickHouse();
    const bus = await NatsBus.connect({ servers: nats.url });
    // ack_wait 60 s, longer than the test waits after the restart: the restarted server counts
    // what was in flight (and acks it had not stored) as pending, up to max_ack_pending, and would
    // deliver nothing new before ack_wait. The bus re-creates its consumer at the reconnect instead.
    const p = await startProcessor({ bus, ch, log: pino({ level: 'silent' }) }, { tz: 'UTC', ackWaitMs: 60_000 });
    try {
      await waitFor(async () => (await floor(`nats://127.0.0.1:${port}`)) >= BATCHES / 4, { timeoutMs: 120_000, intervalMs: 20, what: 'a quarter acknowledged' });
      await nats.stop(); // SIGKILL, store kept
      nats = await startNatsServer({ storeDir, port });
      await waitFor(async () => (await floor(nats?.url ?? '')) >= BATCHES, { timeoutMs: 40_000, intervalMs: 200, what: 'every batch acknowledged after the restart, before ack_wait' });
    } finally {
      await p.stop();
      await bus.close();
    }
    const [counts] = await (
      await ch.client.query({
        query: `SELECT (SELECT count() FROM queue_events) AS events, (SELECT uniqExact(event_id) FROM queue_events) AS event_ids,
                       (SELECT count() FROM stints) AS stints, (SELECT uniqExact(stint_id) FROM stints) AS stint_ids`,
        format: 'JSONEachRow',
        clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
      })
    ).json<Record<string, number>>();
    expect(counts).toEqual({ events: FLOW.events, event_ids: FLOW.events, stints: expectedStints, stint_ids: expectedStints });
    await ch.dispose();
  }, 400_000);
});
