// ClickHouse side of the exact rollups: dirty marks in (rollup_marks), rolled generations in and
// out (rollup_done), and one cycle of the rollup job. The facts and the rollup rows of a kind are
// its spec's business (RollupSpec); this file only decides which buckets to roll and records it.
import { TABLES, type ClickHouse } from '@tablero/sql';
import { DAY_S, QUARTER_S, bucketRuns, dayOf, type RollupState, type Runs } from './split.ts';

export class RollupError extends Error {
  override name = 'RollupError';
}

/** What a kind of fact brings to the generic job: how to write its rows for some buckets. */
export interface RollupSpec {
  /** The `kind` of its marks and done rows ('stints', 'funnel', ...). */
  kind: string;
  /**
   * Writes the level-900 rows of these quarter runs of a site at version `gen`, read from the
   * facts as they are now (FINAL), plus a zeroing row (at `gen`) for every key the rollup held in
   * those quarters that the facts no longer have. One INSERT: a crash leaves either rows equal to
   * the previous ones (the quarter was clean) or a quarter still dirty, never a wrong clean one.
   */
  rollQuarters(ch: ClickHouse, site: string, runs: Runs, gen: number): Promise<void>;
  /** Same for level-86400 rows of these UTC day runs, summed from the day's level-900 rows. */
  rollDays(ch: ClickHouse, site: string, runs: Runs, gen: number): Promise<void>;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

async function select<T>(ch: ClickHouse, query: string, params: Record<string, unknown>): Promise<T[]> {
  try {
    const rs = await ch.client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } });
    return await rs.json<T>();
  } catch (err) {
    throw new RollupError('rollup read failed', { cause: err });
  }
}

async function insertRows(ch: ClickHouse, table: string, rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  try {
    await ch.insertFormatted(table, 'JSONEachRow', rows.map((r) => JSON.stringify(r)).join('\n'));
  } catch (err) {
    throw new RollupError(`insert into ${table} failed`, { cause: err });
  }
}

/**
 * Marks quarter buckets of a site dirty for `kind`. A writer calls it BEFORE it stores facts in
 * those buckets (a crash after storing leaves them dirty) and AGAIN AFTER the store returned (a
 * rollup job that read the facts while the store was in flight sees a newer mark). Either mark
 * alone is not enough; both make every bucket a writer touched dirty until the job has read the
 * facts after the writer finished.
 */
export async function markDirty(ch: ClickHouse, kind: string, site: string, quarters: readonly number[]): Promise<void> {
  await insertRows(ch, TABLES.rollupMarks, quarters.map((bucket) => ({ kind, site, bucket })));
}

/** Marks, and quarter and day generations, of one site over [fromS, toS) (whole days around it). */
export async function readRollupState(ch: ClickHouse, kind: string, site: string, fromS: number, toS: number): Promise<RollupState> {
  const params = { kind, site, from_s: dayOf(fromS), to_s: toS };
  const where = `kind = {kind:String} AND site = {site:String} AND bucket >= toDateTime({from_s:Int64}, 'UTC') AND bucket < toDateTime({to_s:Int64}, 'UTC')`;
  // One row of arrays per table: a year of a site is ~35,000 quarters.
  const [marks] = await select<{ b: number[]; seq: unknown[] }>(
    ch, `SELECT groupArray(toUInt32(bucket)) AS b, groupArray(seq) AS seq FROM (SELECT bucket, max(seq) AS seq FROM ${TABLES.rollupMarks} WHERE ${where} GROUP BY bucket)`, params,
  );
  const [done] = await select<{ level: number[]; b: number[]; gen: unknown[] }>(
    ch,
    `SELECT groupArray(level) AS level, groupArray(toUInt32(bucket)) AS b, groupArray(gen) AS gen
     FROM (SELECT level, bucket, max(gen) AS gen FROM ${TABLES.rollupDone} WHERE ${where} GROUP BY level, bucket)`,
    params,
  );
  const quarters = new Map<number, number>();
  const days = new Map<number, number>();
  done?.b.forEach((b, i) => (num(done.level[i]) === DAY_S ? days : quarters).set(num(b), num(done.gen[i])));
  const markMap = new Map<number, number>();
  marks?.b.forEach((b, i) => markMap.set(num(b), num(marks.seq[i])));
  return { marks: markMap, quarters, days };
}

export interface CycleOptions {
  /**
   * Marks younger than this are left for a later cycle (default 5,000 ms). A mark's seq is taken
   * when the server forms its insert, a moment before it becomes visible: a generation this far
   * behind the clock never claims a mark the job could not see yet.
   */
  settleMs?: number;
  /** Only these sites (a partitioned processor rolls up the sites it owns). */
  owns?: (site: string) => boolean;
  /** Quarters rolled per insert (default a week: 672). */
  maxQuartersPerInsert?: number;
}

export interface CycleResult {
  quarters: number;
  days: number;
  /** Dirty quarters left for a later cycle (marked within the settle time). */
  pending: number;
}

/** Dirty buckets of one level: newest mark newer than the rolled generation (or never rolled). */
async function dirty(ch: ClickHouse, kind: string, level: number): Promise<Array<{ site: string; b: number; seq: number }>> {
  const key = level === DAY_S ? 'toStartOfDay(bucket)' : 'bucket';
  const rs = await select<{ site: string; b: unknown; seq: unknown }>(
    ch,
    `SELECT m.site AS site, toUInt32(m.b) AS b, m.seq AS seq
     FROM (SELECT site, ${key} AS b, max(seq) AS seq FROM ${TABLES.rollupMarks} WHERE kind = {kind:String} GROUP BY site, b) AS m
     LEFT JOIN (SELECT site, bucket AS b, max(gen) AS gen FROM ${TABLES.rollupDone} WHERE kind = {kind:String} AND level = {level:UInt32} GROUP BY site, b) AS d
     ON m.site = d.site AND m.b = d.b
     WHERE m.seq > d.gen
     ORDER BY site, b
     SETTINGS join_use_nulls = 0`,
    { kind, level },
  );
  return rs.map((r) => ({ site: String(r.site), b: num(r.b), seq: num(r.seq) }));
}

function bySite<T extends { site: string }>(rows: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    let l = m.get(r.site);
    if (!l) m.set(r.site, (l = []));
    l.push(r);
  }
  return m;
}

/**
 * One cycle of the rollup job for a kind: rolls every dirty quarter whose newest mark is older
 * than the settle time, then every dirty day none of whose quarters is still dirty. Order per
 * batch: rollup rows, then done rows (a crash in between leaves the bucket dirty: scanned).
 */
export async function runRollupCycle(ch: ClickHouse, spec: RollupSpec, o: CycleOptions = {}): Promise<CycleResult> {
  const settleUs = (o.settleMs ?? 5000) * 1000;
  const maxQ = o.maxQuartersPerInsert ?? 672;
  const [clock] = await select<{ now_us: unknown }>(ch, 'SELECT toUnixTimestamp64Micro(now64(6)) AS now_us', {});
  const gen = num(clock?.now_us) - settleUs;
  const owns = o.owns ?? (() => true);
  const out: CycleResult = { quarters: 0, days: 0, pending: 0 };
  const quarters = (await dirty(ch, spec.kind, QUARTER_S)).filter((r) => owns(r.site));
  const pendingDays = new Set<string>();
  for (const [site, rows] of bySite(quarters)) {
    const ready: number[] = [];
    for (const r of rows) {
      if (r.seq <= gen) ready.push(r.b);
      else {
        out.pending++;
        pendingDays.add(`${site}\0${dayOf(r.b)}`);
      }
    }
    for (let i = 0; i < ready.length; i += maxQ) {
      const batch = ready.slice(i, i + maxQ);
      await spec.rollQuarters(ch, site, bucketRuns(batch, QUARTER_S, (s) => dayOf(s) + DAY_S), gen);
      await insertRows(ch, TABLES.rollupDone, batch.map((bucket) => ({ kind: spec.kind, site, level: QUARTER_S, bucket, gen })));
      out.quarters += batch.length;
    }
  }
  const days = (await dirty(ch, spec.kind, DAY_S)).filter((r) => owns(r.site) && r.seq <= gen && !pendingDays.has(`${r.site}\0${r.b}`));
  for (const [site, rows] of bySite(days)) {
    const starts = rows.map((r) => r.b);
    for (let i = 0; i < starts.length; i += 31) {
      const batch = starts.slice(i, i + 31);
      await spec.rollDays(ch, site, bucketRuns(batch, DAY_S), gen);
      await insertRows(ch, TABLES.rollupDone, batch.map((bucket) => ({ kind: spec.kind, site, level: DAY_S, bucket, gen })));
      out.days += batch.length;
    }
  }
  return out;
}

/** Runs until nothing is dirty but what is still settling (tests, benchmarks, backfill). */
export async function rollUpAll(ch: ClickHouse, spec: RollupSpec, o: CycleOptions = {}): Promise<CycleResult> {
  const total: CycleResult = { quarters: 0, days: 0, pending: 0 };
  for (;;) {
    const r = await runRollupCycle(ch, spec, o);
    total.quarters += r.quarters;
    total.days += r.days;
    total.pending = r.pending;
    if (r.quarters === 0 && r.days === 0) return total;
  }
}
