// The live commit's TabSeparated rows (store/row-format.ts) store exactly what JSONEachRow stored:
// the same stints and events, with every awkward value (tabs, newlines, backslashes, quotes, NUL,
// multi-byte text, nulls, empty and quoted array elements), inserted both ways into the real
// tables of embedded chDB and read back column by column.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueEvent } from '@tablero/ingest/contract';
import type { StintRow } from '../core/stint-machine.ts';
import { freshClickHouse } from '../testing/clickhouse.ts';
import { EVENT_COLUMNS, STINT_COLUMNS, eventsTsv, stintsTsv } from './row-format.ts';

let ch: Awaited<ReturnType<typeof freshClickHouse>>;
beforeAll(async () => {
  ch = await freshClickHouse();
});
afterAll(async () => {
  await ch?.dispose();
});

const AWKWARD = ['', 'plain', 'tab\there', 'line\nbreak', 'cr\rhere', 'back\\slash', "it's", '"quoted"', 'nul\0byte', 'Peña ☎ 😀', '\\N', "['x']", ' lead', 'trail '];
const T = Date.UTC(2026, 10, 9, 14) / 1000;

function stints(site: string): StintRow[] {
  return AWKWARD.map((s, i) => ({
    stint_id: `st${i}${s}`, site, queue: `q${s}`, callid: `c${i}`, enter_ts: T + i, end_ts: T + i + 65, outcome: i % 2 ? 'answered' : 'abandoned',
    wait_s: i % 3 === 0 ? null : i, talk_s: i % 2 ? 60 + i : null, agent: s, caller: `${s}555`, transferred: i % 4 === 1, enter_seen: i % 5 !== 2,
    end_event_id: `e:${s}`,
  }));
}

function events(site: string): QueueEvent[] {
  return AWKWARD.map((s, i) => ({
    event_id: `fp:${i}`, site, source: `src ${s}`, offset: 2 ** 40 + i, ts: T + i, callid: `c${s}`, queue: 'q1', agent: s, verb: i % 2 ? 'CONNECT' : `VERB${s}`,
    custom: i % 2 === 0, wait_s: i % 3 ? i : null, talk_s: null, ring_ms: i === 4 ? 15000 : null, position: i % 2 ? 1 : null, orig_position: i % 2 ? 3 : null,
    caller: s, info: `${s}|${s}`, data: i === 0 ? [] : [s, '', "'", `${i}`],
  }));
}

async function stored(table: string, site: string, order: string): Promise<unknown[]> {
  const r = await ch.client.query({ query: `SELECT * EXCEPT site FROM ${table} WHERE site = {site:String} ORDER BY ${order}`, query_params: { site }, format: 'JSONCompactEachRow' });
  return r.json();
}

describe('TabSeparated rows of the live commit', () => {
  it('write escapes exactly as ClickHouse reads them', () => {
    const [row] = eventsTsv([{ ...(events('s')[2] as QueueEvent), data: ["a'b", 'c\\d\te', ''] }]).split('\n');
    expect(row?.split('\t')).toEqual([
      'fp:2', 's', 'src tab\\there', String(2 ** 40 + 2), String(T + 2), 'ctab\\there', 'q1', 'tab\\there', 'VERBtab\\there', 'true',
      '2', '\\N', '\\N', '\\N', '\\N', 'tab\\there', 'tab\\there|tab\\there', "['a\\'b','c\\\\d\\te','']",
    ]);
    expect(stintsTsv(stints('s').slice(5, 6), 42)).toBe(`st5back\\\\slash\ts\tqback\\\\slash\tc5\t${T + 5}\t${T + 70}\tanswered\t5\t65\tback\\\\slash\tback\\\\slash555\ttrue\ttrue\te:back\\\\slash\t42`);
    expect([EVENT_COLUMNS.length, STINT_COLUMNS.length]).toEqual([18, 15]);
  });

  it('store the same stints as JSONEachRow', async () => {
    await ch.insertFormatted('stints', 'JSONEachRow', stints('json').map((r) => JSON.stringify({ ...r, commit_id: 7 })).join('\n'));
    await ch.insertFormatted('stints', 'TabSeparated', stintsTsv(stints('tsv'), 7), {}, STINT_COLUMNS);
    const json = await stored('stints', 'json', 'stint_id');
    expect(json).toHaveLength(AWKWARD.length);
    expect(await stored('stints', 'tsv', 'stint_id')).toEqual(json);
  });

  it('store the same events as JSONEachRow', async () => {
    await ch.insertFormatted('queue_events', 'JSONEachRow', events('json').map((e) => JSON.stringify(e)).join('\n'));
    await ch.insertFormatted('queue_events', 'TabSeparated', eventsTsv(events('tsv')), {}, EVENT_COLUMNS);
    const json = await stored('queue_events', 'json', 'event_id');
    expect(json).toHaveLength(AWKWARD.length);
    expect(await stored('queue_events', 'tsv', 'event_id')).toEqual(json);
    // The awkward text came back as written (not only equal between the two ways).
    const callers = await ch.client.query({ query: "SELECT caller FROM queue_events WHERE site = 'tsv' ORDER BY offset", format: 'JSONEachRow' });
    expect((await callers.json<{ caller: string }>()).map((r) => r.caller)).toEqual(AWKWARD);
  });
});
