// The import's bulk inserts (JSONCompactEachRow, bulk-store.ts) store exactly what the live
// inserts (JSONEachRow, store.ts) store, value for value, on embedded chDB: the same rows written
// one way, read back whole, the tables emptied, written the other way, read back and compared,
// with values that test the serializations: nulls, quotes, backslashes, tabs, newlines, non-ASCII,
// arrays of such strings, booleans, a CDR without `did` and one with a fractional duration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CdrRecord, QueueEvent } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import type { StintRow } from '../core/stint-machine.ts';
import { freshClickHouse } from '../testing/clickhouse.ts';
import { bulkStore } from './bulk-store.ts';
import { createStore, type ProcessorStore } from './store.ts';

let ch: ClickHouse & { dispose(): Promise<void> };
beforeAll(async () => {
  ch = await freshClickHouse();
});
afterAll(async () => {
  await ch?.dispose();
});

const T = Date.UTC(2026, 9, 5, 8) / 1000;
const HOSTILE = 'Ana "la" O\'Neil \\ tab\there\nnew line ñ 😀 </script>';

const events: QueueEvent[] = [
  {
    event_id: 'fp1:0', site: 'bulk', source: '/var/log/asterisk/queue_log', offset: 0, ts: T, callid: '1.1', queue: 'q "1"', agent: 'NONE',
    verb: 'ENTERQUEUE', custom: false, wait_s: null, talk_s: null, ring_ms: null, position: 1, orig_position: null, caller: HOSTILE, info: '', data: ['', HOSTILE, '1'],
  },
  {
    event_id: 'fp1:60', site: 'bulk', source: '/var/log/asterisk/queue_log', offset: 60, ts: T + 12, callid: '1.1', queue: 'q "1"', agent: 'Local/2001@from-queue/n',
    verb: 'CONNECT', custom: false, wait_s: 12, talk_s: null, ring_ms: 2000, position: null, orig_position: 1, caller: '', info: 'x\\y', data: ['12', '1.19', '2'],
  },
  {
    event_id: 'fp1:140', site: 'bulk', source: '/var/log/asterisk/queue_log', offset: 140, ts: T + 20, callid: '1.1', queue: 'q "1"', agent: 'NONE',
    verb: 'tipificacion', custom: true, wait_s: null, talk_s: null, ring_ms: null, position: null, orig_position: null, caller: '', info: '', data: [],
  },
];

const stints: StintRow[] = [
  {
    stint_id: 'bulk:1.1:q1', site: 'bulk', queue: 'q "1"', callid: '1.1', enter_ts: T, end_ts: T + 90, outcome: 'answered', wait_s: 12, talk_s: 78,
    agent: 'Local/2001@from-queue/n', caller: HOSTILE, transferred: true, enter_seen: true, end_event_id: 'fp1:200',
  },
  {
    stint_id: 'bulk:1.2:q1', site: 'bulk', queue: 'q1', callid: '1.2', enter_ts: T + 5, end_ts: T + 30, outcome: 'abandoned', wait_s: null, talk_s: null,
    agent: '', caller: '', transferred: false, enter_seen: false, end_event_id: 'fp1:300',
  },
];

const cdrBase: CdrRecord = {
  event_id: 'fp2:0', site: 'bulk', source: 'Master.csv', offset: 0, layout: 'csv21', accountcode: '', src: '3001', dst: '101', dcontext: 'from-pstn',
  clid: '"Cliente ""A""" <3001>', channel: 'PJSIP/trunk-1', dstchannel: 'Local/201@from-queue-1;1', lastapp: 'Queue', lastdata: 'q100,t',
  start: T, answer: null, end: T + 190, duration: 190, billsec: 0, disposition: 'NO ANSWER', amaflags: 'DOCUMENTATION', uniqueid: '1.1',
  userfield: HOSTILE, peeraccount: '', linkedid: '1.1', sequence: null,
};
const cdr: CdrRecord[] = [
  cdrBase,
  { ...cdrBase, event_id: 'fp2:300', offset: 300, answer: T + 12, duration: 190.25, billsec: 178.5, disposition: 'ANSWERED', sequence: 7, did: '6014400100', uniqueid: '1.2' },
];

const TABLES = ['queue_events', 'stints', 'cdr'] as const;

async function storeAndRead(store: ProcessorStore): Promise<Record<string, string>> {
  for (const t of TABLES) await ch.client.command({ query: `TRUNCATE TABLE ${t}` });
  await store.insertStints(stints, 9, 'tok:stints');
  await store.insertEvents(events, 'tok:events');
  await store.insertCdr(cdr, 'tok:cdr');
  const out: Record<string, string> = {};
  for (const t of TABLES) {
    // Every column, row_key (cdr's materialized hash of the row) included.
    const cols = t === 'cdr' ? '*, row_key' : '*';
    out[t] = await (await ch.client.query({ query: `SELECT ${cols} FROM ${t} ORDER BY ALL`, format: 'JSONCompactEachRow' })).text();
  }
  return out;
}

describe('bulk store', () => {
  it('stores the same values as the live store, column for column', async () => {
    const live = await storeAndRead(createStore(ch));
    const bulk = await storeAndRead(bulkStore(createStore(ch), ch));
    expect(live['queue_events']?.split('\n').filter(Boolean)).toHaveLength(3);
    expect(live['stints']?.split('\n').filter(Boolean)).toHaveLength(2);
    expect(live['cdr']?.split('\n').filter(Boolean)).toHaveLength(2);
    // The hostile text is stored as it was (read back, parsed).
    const stintValues = (live['stints'] ?? '').split('\n').filter(Boolean).flatMap((l) => JSON.parse(l) as unknown[]);
    expect(stintValues).toContain(HOSTILE);
    expect(bulk).toEqual(live);
  });

  it('marks the quarters of the stints it stores dirty, as the live store (the exact rollups must see imported stints)', async () => {
    await ch.client.command({ query: 'TRUNCATE TABLE rollup_marks' });
    await bulkStore(createStore(ch), ch).insertStints(stints, 9, 'tok:marks');
    const marks = await (await ch.client.query({ query: "SELECT DISTINCT toUnixTimestamp(bucket) AS b FROM rollup_marks WHERE kind = 'stints' AND site = 'bulk' ORDER BY b", format: 'JSONEachRow' })).json<{ b: number }>();
    expect(marks.map((m) => m.b)).toEqual([...new Set(stints.map((r) => r.enter_ts - (r.enter_ts % 900)))].sort((a, b) => a - b));
  });

  it('does not take the received JSON text for events (the rows as arrays cost the store less)', () => {
    expect(bulkStore(createStore(ch), ch).passThroughJson).toBe(false);
    expect(createStore(ch).passThroughJson).toBeUndefined();
  });
});
