// The chDB HTTP shim (bench/support/chdb-http-server.ts) in a child process, used through the
// production client factory exactly as a ClickHouse server would be: migrations, the
// processor's store, a KPI query, errors, per-request settings and query parameters.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueEvent } from '@tablero/ingest/contract';
import { createStore, queryKpis, type StintRow } from '@tablero/processor';
import { loadMigrations, migrate, openClickHouse, type ClickHouse } from '@tablero/sql';
import { spawnChdbHttpServer, type ChdbHttpChild } from '../../bench/support/chdb-http-server.ts';

let shim: ChdbHttpChild;
let ch: ClickHouse;
let dataDir: string;
const database = 'shim_test';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tablero-shim-'));
  shim = await spawnChdbHttpServer(join(dataDir, 'chdb'));
  ch = await openClickHouse({ url: shim.url, database, dataDir });
});

afterAll(async () => {
  await ch?.close();
  await shim?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function rows<T>(query: string, extra: { query_params?: Record<string, unknown>; clickhouse_settings?: Record<string, string | number> } = {}): Promise<T[]> {
  return (await ch.client.query({ query, format: 'JSONEachRow', ...extra })).json<T>();
}

const ev = (offset: number, ts: number, callid: string, verb: string, extra: Partial<QueueEvent> = {}): QueueEvent => ({
  event_id: `fpA:${offset}`, site: 'default', source: '/var/log/asterisk/queue_log', offset, ts, callid, queue: 'q1', agent: 'NONE', verb,
  custom: false, wait_s: null, talk_s: null, ring_ms: null, position: null, orig_position: null, caller: '', info: '', data: [], ...extra,
});

// 2026-03-02 10:00:00 UTC
const T0 = Date.UTC(2026, 2, 2, 10, 0, 0) / 1000;
const stint = (id: string, outcome: StintRow['outcome'], wait: number | null, talk: number | null): StintRow => ({
  stint_id: id, site: 'default', queue: 'q1', callid: `c-${id}`, enter_ts: T0 + Number(id.slice(1)) * 60, end_ts: T0 + Number(id.slice(1)) * 60 + 300,
  outcome, wait_s: wait, talk_s: talk, agent: outcome === 'answered' ? 'Agent 1' : '', caller: '555', transferred: false, enter_seen: wait !== null, end_event_id: `e-${id}`,
});
const STINTS: StintRow[] = [
  stint('s1', 'answered', 10, 100),
  stint('s2', 'answered', 30, 200),
  stint('s3', 'abandoned', 5, null),
  stint('s4', 'abandoned', 40, null),
  stint('s5', 'timeout', 60, null),
  stint('s6', 'refused', 0, null),
  stint('s7', 'answered', null, 50),
];

describe('chdb-http-server behind openClickHouse({ url })', () => {
  it('answers ping and runs the real migrations once', async () => {
    expect(ch.embedded).toBe(false);
    expect(await ch.client.ping()).toEqual({ success: true });
    expect(await (await fetch(`${shim.url}/ping`)).text()).toBe('Ok.\n');
    const names = loadMigrations().map((m) => m.name);
    expect(await migrate(ch.client)).toEqual({ applied: names, alreadyApplied: [] });
    expect(await migrate(ch.client)).toEqual({ applied: [], alreadyApplied: names });
    expect(await rows<{ db: string }>('SELECT currentDatabase() AS db')).toEqual([{ db: database }]);
  });

  it('stores events through the processor store once per dedup token and reads them back', async () => {
    const store = createStore(ch);
    const events = [
      ev(0, T0, '1.1', 'ENTERQUEUE', { caller: '5551234', orig_position: 1, data: ['', '5551234', '1'] }),
      ev(60, T0 + 12, '1.1', 'CONNECT', { agent: 'Agent 1', wait_s: 12, data: ['12', '1.1x', '3'] }),
      ev(130, T0 + 112, '1.1', 'COMPLETECALLER', { agent: 'Agent 1', wait_s: 12, talk_s: 100, data: ['12', '100', '1'], info: "it's a tab\there" }),
    ];
    await store.insertEvents(events, 'events:fpA:0-130');
    await store.insertEvents(events, 'events:fpA:0-130'); // a redelivery: the token makes it a no-op
    expect(await rows<{ n: number }>('SELECT count() AS n FROM queue_events')).toEqual([{ n: 3 }]);
    expect(await store.appliedOffsets()).toEqual(new Map([['fpA', 130]]));
    const replayed: QueueEvent[] = [];
    expect(await store.replayEvents('default', T0, (e) => replayed.push(e))).toBe(3);
    expect(replayed).toEqual(events);
    expect(await store.replayStarts(3600)).toEqual(new Map([['default', T0 + 112 - 3600]]));
  });

  it('stores stints and answers a KPI query with the exact figures', async () => {
    const store = createStore(ch);
    await store.insertStints(STINTS, 1, 'stints:b1');
    await store.insertStints(STINTS, 1, 'stints:b1');
    expect(await rows<{ n: number }>('SELECT count() AS n FROM stints')).toEqual([{ n: 7 }]);
    expect((await store.stintsSince(T0)).sort((a, b) => a.stint_id.localeCompare(b.stint_id))).toEqual(STINTS);
    expect(await store.stintsSince(T0 + 4 * 60)).toHaveLength(4);

    // Offered formula, T = 20 s inclusive: A = 3 (1 within T; s7's wait is unknown),
    // U = 2 abandoned + 1 timeout, refused not offered: O = 6.
    const [row] = await queryKpis(ch, { from: '2026-03-01', to: '2026-03-04', by: 'day', tz: 'UTC' });
    expect(row).toEqual({
      queue: 'q1', period: '2026-03-02',
      offered: 6, answered: 3, answered_within: 1, unanswered: 3, abandoned: 2, timeout: 1, exit_key: 0, exit_empty: 0,
      withdrawn: 0, failed: 0, refused: 1, short_abandoned: 0, out_of_hours: 0,
      sl_pct: 16.67, abandon_rate_pct: 33.33, unanswered_rate_pct: 50, asa_s: 20, avg_abandon_wait_s: 22.5, aht_s: 116.67, longest_wait_s: 60,
      definition: { formula: 'offered', threshold_s: 20, strict: false, short_abandon_s: 0, tz: 'UTC', count_refused: false, include_out_of_hours: false, target_pct: 80, site: 'default', settings_version: 0, site_defaults_version: 0, calendar_version: 0, calendar_tz: 'UTC', holidays: [], spans_change: false, overrides: [] },
    });
    // The same stints under another definition (parameters of the query): T = 30 s, short abandons under 10 s.
    const [alt] = await queryKpis(ch, { from: '2026-03-01', to: '2026-03-04', by: 'day', tz: 'UTC', threshold_s: 30, short_abandon_s: 10 });
    expect(alt).toMatchObject({ offered: 5, answered_within: 2, abandoned: 1, short_abandoned: 1, sl_pct: 40, avg_abandon_wait_s: 40 });
  });

  it('raises ClickHouse errors with their code and type', async () => {
    await expect(ch.client.query({ query: 'SELEC 1' })).rejects.toMatchObject({ code: '62', type: 'SYNTAX_ERROR' });
    await expect(ch.client.command({ query: 'DROP TABLE no_such_table' })).rejects.toMatchObject({ code: '60', type: 'UNKNOWN_TABLE' });
    await expect(ch.client.insert({ table: 'stints', values: [{ stint_id: 1, enter_ts: 'not a time' }], format: 'JSONEachRow' })).rejects.toMatchObject({ code: '41', type: 'CANNOT_PARSE_DATETIME' });
    await expect(rows('SELECT {a:Int64} + {b:Int64} AS s', { query_params: { a: 1 } })).rejects.toMatchObject({ code: '456' });
  });

  it('applies request settings to that request only', async () => {
    const q = 'SELECT toUInt64(5) AS x';
    expect(await rows(q)).toEqual([{ x: 5 }]);
    expect(await rows(q, { clickhouse_settings: { output_format_json_quote_64bit_integers: 1 } })).toEqual([{ x: '5' }]);
    expect(await rows(q)).toEqual([{ x: 5 }]);
    await expect(rows(q, { clickhouse_settings: { no_such_setting: 1 } })).rejects.toMatchObject({ code: '115' });
    expect(await rows(q)).toEqual([{ x: 5 }]);
  });

  it('binds query parameters as a server does, quotes and escapes included', async () => {
    const params = { s: "O'Brien\tand \\ more\nlines", a: ['x\\y', 'p,q', ''], n: null, i: -42, b: true, d: ['2026-03-02'] };
    expect(
      await rows('SELECT {s:String} AS s, {a:Array(String)} AS a, {n:Nullable(Int64)} AS n, {i:Int64} AS i, {b:Bool} AS b, {d:Array(Date)} AS d', { query_params: params }),
    ).toEqual([params]);
    // A quote inside an array element cannot pass chDB's binder unchanged: refused, not altered.
    await expect(rows('SELECT {a:Array(String)} AS a', { query_params: { a: ["it's"] } })).rejects.toMatchObject({ code: '457' });
  });

  it('returns the format the query asked for; concurrent requests are each executed whole', async () => {
    const rs = await ch.client.query({ query: 'SELECT 1 AS one', format: 'JSONCompactEachRow' });
    expect(rs.response_headers['x-clickhouse-format']).toBe('JSONCompactEachRow');
    expect(await rs.text()).toBe('[1]\n');
    const tsv = await ch.client.exec({ query: "SELECT 'a\tb' AS x, 2 AS y" });
    expect(tsv.response_headers['x-clickhouse-format']).toBe('TabSeparated');
    let text = '';
    for await (const chunk of tsv.stream) text += (chunk as Buffer).toString();
    expect(text).toBe('a\\tb\t2\n');

    await ch.client.command({ query: 'CREATE TABLE seq_probe (i UInt32, k UInt32) ENGINE = MergeTree ORDER BY i' });
    // 20 inserts and reads sent at once on several sockets: the shim runs them one at a time,
    // so every insert is stored whole and every read sees whole inserts only.
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        await ch.client.insert({ table: 'seq_probe', values: [{ i, k: 1 }, { i, k: 2 }], format: 'JSONEachRow' });
        return rows<{ n: number }>('SELECT count() % 2 AS n FROM seq_probe');
      }),
    );
    expect(results).toEqual(Array.from({ length: 20 }, () => [{ n: 0 }]));
    expect(await rows<{ n: number; d: number }>('SELECT count() AS n, uniqExact(i) AS d FROM seq_probe')).toEqual([{ n: 40, d: 20 }]);
  });
});
