// storeCommit on embedded chDB (the real engine refusing real inserts): a commit spanning more
// month partitions than one insert may hold is stored whole by splitting, a row ClickHouse refuses
// alone is dead-lettered with the refusal as reason, and a repeat of the same commit (an
// in-process retry) stores nothing twice. Counts are taken without FINAL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueEvent } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import type { StintRow } from '../core/stint-machine.ts';
import { freshClickHouse, scalar } from '../testing/clickhouse.ts';
import { eventMaker } from '../testing/events.ts';
import { storeCommit, type CommitRows } from './commit-store.ts';
import { createStore } from './store.ts';

let ch: ClickHouse & { dispose(): Promise<void> };
beforeAll(async () => {
  ch = await freshClickHouse();
});
afterAll(async () => {
  await ch?.dispose();
});

/** Mid-month noon of the i-th month from January 2010, months visited out of order (i*7 mod 150). */
const monthTs = (i: number): number => {
  const k = (i * 7) % 150;
  return Date.UTC(2010 + Math.floor(k / 12), k % 12, 15, 12) / 1000;
};

function stint(callid: string, ts: number): StintRow {
  return {
    stint_id: `st-${callid}`, site: 'poison', queue: 'q1', callid, enter_ts: ts, end_ts: ts + 65, outcome: 'answered',
    wait_s: 5, talk_s: 60, agent: 'Ann', caller: '555', transferred: false, enter_seen: true, end_event_id: `e-${callid}`,
  };
}

function rowsOf(commitId: number, stints: StintRow[], events: QueueEvent[]): CommitRows {
  return { commitId, stints, sessions: [], pauses: [], events, eventsJson: events.map((e) => JSON.stringify(e)), dead: [] };
}

describe('storeCommit', () => {
  it('stores 150 calls in 150 months (over max_partitions_per_insert_block = 100) by splitting, once', async () => {
    const make = eventMaker({ site: 'poison', fingerprint: 'fp150' });
    const events: QueueEvent[] = [];
    const stints: StintRow[] = [];
    for (let i = 0; i < 150; i++) {
      const t = monthTs(i);
      events.push(...make.lines(`${t}|c${i}|q1|NONE|ENTERQUEUE||555|1\n${t + 5}|c${i}|q1|Ann|CONNECT|5|c${i}.1|1\n${t + 65}|c${i}|q1|Ann|COMPLETECALLER|5|60|1`));
      stints.push(stint(`c${i}`, t));
    }
    const store = createStore(ch);
    const first = await storeCommit(store, rowsOf(1, stints, events), 'boot:1', 1_700_000_000);
    // The 150 stints went in as two halves of 75; the events as 150 runs of one month (3 each).
    expect(first).toEqual({ splits: 1, refused: [] });
    expect(await scalar(ch, "SELECT count() AS v FROM stints WHERE site = 'poison'")).toBe(150);
    expect(await scalar(ch, "SELECT count() AS v FROM queue_events WHERE site = 'poison'")).toBe(450);
    expect(await scalar(ch, "SELECT uniqExact(toYYYYMM(enter_ts)) AS v FROM stints WHERE site = 'poison'")).toBe(150);
    // The same commit again (a retry after a retryable failure): the tokens make every piece a no-op.
    expect(await storeCommit(store, rowsOf(1, stints, events), 'boot:1', 1_700_000_000)).toEqual({ splits: 1, refused: [] });
    expect(await scalar(ch, "SELECT count() AS v FROM stints WHERE site = 'poison'")).toBe(150);
    expect(await scalar(ch, "SELECT count() AS v FROM queue_events WHERE site = 'poison'")).toBe(450);
    expect(await scalar(ch, "SELECT count() AS v FROM dead_letters WHERE site = 'poison'")).toBe(0);
  });

  it('dead-letters a row refused alone, with the refusal as reason, and stores the rest', async () => {
    const make = eventMaker({ site: 'bad', fingerprint: 'fpBad' });
    const t = Date.UTC(2026, 10, 9, 14) / 1000;
    const events = make.lines(`${t}|c1|q1|NONE|ENTERQUEUE||555|1\n${t + 1}|c2|q1|NONE|ENTERQUEUE||556|2\n${t + 2}|c3|q1|NONE|ENTERQUEUE||557|3`);
    // Rows the processor would never build, standing for any row ClickHouse cannot parse: the
    // refusal is ClickHouse's own (CANNOT_PARSE_DATETIME), not simulated.
    const badStint = { ...stint('c2', t), site: 'bad', enter_ts: 'garbage' as unknown as number };
    const badEvent = { ...(events[1] as QueueEvent), ts: 'garbage' as unknown as number };
    const stints = [{ ...stint('c1', t), site: 'bad' }, badStint, { ...stint('c3', t), site: 'bad' }];
    const evs = [events[0] as QueueEvent, badEvent, events[2] as QueueEvent];
    const rows = { ...rowsOf(2, stints, evs), eventsJson: [] };
    const out = await storeCommit(createStore(ch), rows, 'boot:2', 1_700_000_000);
    expect(out.splits).toBe(4);
    expect(out.refused.map((r) => [r.table, r.letter.event_id, r.letter.reason])).toEqual([
      ['stints', 'stints:st-c2', 'store_refused:cannot_parse_datetime'],
      ['queue_events', badEvent.event_id, 'store_refused:cannot_parse_datetime'],
    ]);
    expect(await scalar(ch, "SELECT count() AS v FROM stints WHERE site = 'bad'")).toBe(2);
    expect(await scalar(ch, "SELECT count() AS v FROM queue_events WHERE site = 'bad'")).toBe(2);
    const dead = await (await ch.client.query({ query: "SELECT event_id, source, toUInt32(offset) AS offset, reason, JSONExtractString(raw, 'callid') AS callid FROM dead_letters WHERE site = 'bad' ORDER BY event_id", format: 'JSONEachRow' })).json();
    expect(dead).toEqual([
      { event_id: badEvent.event_id, source: 'test:fpBad', offset: badEvent.offset, reason: 'store_refused:cannot_parse_datetime', callid: 'c2' },
      { event_id: 'stints:st-c2', source: 'processor:stints', offset: 0, reason: 'store_refused:cannot_parse_datetime', callid: 'c2' },
    ]);
    // Refused again (a redelivery after a restart): still one dead letter each.
    await storeCommit(createStore(ch), rows, 'boot:2', 1_700_000_000);
    expect(await scalar(ch, "SELECT count() AS v FROM dead_letters WHERE site = 'bad'")).toBe(2);
  });
});
