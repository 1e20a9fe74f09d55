// The generic rollup job over real chDB, with the stint spec: marks written around every stint
// insert, dirty quarters and days rolled, a changed stint re-rolled with its vanished key zeroed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@tablero/sql';
import type { StintRow } from '../core/stint-machine.ts';
import { freshClickHouse } from '../testing/clickhouse.ts';
import { STINTS_KIND, stintRollup } from '../store/stint-rollup.ts';
import { createStore } from '../store/store.ts';
import { DAY_S, QUARTER_S, dayClean, quarterClean, readRollupState, runRollupCycle } from './index.ts';

let ch: ClickHouse & { dispose(): Promise<void> };
const D = Date.UTC(2026, 2, 3) / 1000;
const stint = (i: number, enter: number, wait: number | null, outcome: StintRow['outcome'] = 'answered'): StintRow => ({
  stint_id: `s${i}`, site: 'a', queue: 'q1', callid: `c${i}`, enter_ts: enter, end_ts: enter + 60, outcome, wait_s: wait,
  talk_s: outcome === 'answered' ? 40 + i : null, agent: 'ag', caller: '', transferred: false, enter_seen: true, end_event_id: `e${i}`,
});

beforeAll(async () => {
  ch = await freshClickHouse();
});
afterAll(async () => {
  await ch?.dispose();
});

async function rollupRows(level: number): Promise<Array<Record<string, unknown>>> {
  const rs = await ch.client.query({
    query: `SELECT toUInt32(bucket) AS bucket, queue, outcome, wait_s, n, talk_sum, talk_n FROM stint_rollup FINAL WHERE site = 'a' AND level = {level:UInt32} ORDER BY bucket, outcome, wait_s`,
    query_params: { level }, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  return rs.json();
}

describe('rollup job', () => {
  it('rolls what a store marked, and re-rolls a bucket whose stints changed', async () => {
    const store = createStore(ch);
    await store.insertStints([stint(1, D + 10, 5), stint(2, D + 20, 5), stint(3, D + 950, null, 'abandoned')], 1, 't1');
    let s = await readRollupState(ch, STINTS_KIND, 'a', D, D + DAY_S);
    expect([...s.marks.keys()]).toEqual([D, D + QUARTER_S]);
    expect(quarterClean(s, D)).toBe(false);
    // Marks younger than the settle time wait.
    expect(await runRollupCycle(ch, stintRollup, { settleMs: 60_000 })).toEqual({ quarters: 0, days: 0, pending: 2 });
    expect(await runRollupCycle(ch, stintRollup, { settleMs: 0 })).toEqual({ quarters: 2, days: 1, pending: 0 });
    s = await readRollupState(ch, STINTS_KIND, 'a', D, D + DAY_S);
    expect([quarterClean(s, D), quarterClean(s, D + QUARTER_S), dayClean(s, D)]).toEqual([true, true, true]);
    expect(await rollupRows(QUARTER_S)).toEqual([
      { bucket: D, queue: 'q1', outcome: 'answered', wait_s: 5, n: 2, talk_sum: 83, talk_n: 2 },
      { bucket: D + QUARTER_S, queue: 'q1', outcome: 'abandoned', wait_s: -1, n: 1, talk_sum: 0, talk_n: 0 },
    ]);
    expect(await rollupRows(DAY_S)).toEqual([
      { bucket: D, queue: 'q1', outcome: 'abandoned', wait_s: -1, n: 1, talk_sum: 0, talk_n: 0 },
      { bucket: D, queue: 'q1', outcome: 'answered', wait_s: 5, n: 2, talk_sum: 83, talk_n: 2 },
    ]);
    // Nothing dirty: a cycle does nothing.
    expect(await runRollupCycle(ch, stintRollup, { settleMs: 0 })).toEqual({ quarters: 0, days: 0, pending: 0 });
    // Stint 2 stored again with another wait (a newer version): its old key is zeroed.
    await store.insertStints([{ ...stint(2, D + 20, 7), end_ts: D + 90 }], 2, 't2');
    s = await readRollupState(ch, STINTS_KIND, 'a', D, D + DAY_S);
    expect([quarterClean(s, D), quarterClean(s, D + QUARTER_S), dayClean(s, D)]).toEqual([false, true, false]);
    expect(await runRollupCycle(ch, stintRollup, { settleMs: 0 })).toEqual({ quarters: 1, days: 1, pending: 0 });
    expect((await rollupRows(QUARTER_S)).filter((r) => r.bucket === D)).toEqual([
      { bucket: D, queue: 'q1', outcome: 'answered', wait_s: 5, n: 1, talk_sum: 41, talk_n: 1 },
      { bucket: D, queue: 'q1', outcome: 'answered', wait_s: 7, n: 1, talk_sum: 42, talk_n: 1 },
    ]);
  });
});
