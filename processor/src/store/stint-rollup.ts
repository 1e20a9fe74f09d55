// The stint rollup (issue 18, migration 121): the RollupSpec the generic job (../rollup/) runs
// for stints. Its rows are written by queries/rollup-quarters.sql and rollup-days.sql and read by
// kpi-query.ts through queries/rollup-source.sql, classified by the same fragment as the stints.
import { readFileSync } from 'node:fs';
import type { ClickHouse } from '@tablero/sql';
import { DAY_S, QUARTER_S, RollupError, markDirty, quartersOf, type RollupSpec, type Runs } from '../rollup/index.ts';
import type { StintRow } from '../core/stint-machine.ts';

/** The `kind` of the stints' dirty marks and done rows. */
export const STINTS_KIND = 'stints';

const sql = (name: string): string => readFileSync(new URL(`./queries/${name}.sql`, import.meta.url), 'utf8');
const VANISHED = sql('rollup-vanished');
const Q = { quarters: sql('rollup-quarters').replace('{{vanished}}', VANISHED), days: sql('rollup-days').replace('{{vanished}}', VANISHED) } as const;

/** Marks the quarters of some stints dirty, per site (before and after storing them: ../rollup/). */
export async function markStints(ch: ClickHouse, rows: readonly StintRow[]): Promise<void> {
  const bySite = new Map<string, number[]>();
  for (const r of rows) {
    let l = bySite.get(r.site);
    if (!l) bySite.set(r.site, (l = []));
    l.push(r.enter_ts);
  }
  for (const [site, times] of bySite) await markDirty(ch, STINTS_KIND, site, quartersOf(times));
}

async function exec(ch: ClickHouse, query: string, level: number, site: string, runs: Runs, gen: number): Promise<void> {
  if (runs.from.length === 0) return;
  try {
    await ch.client.command({
      query,
      query_params: { site, gen, level, runs_from: runs.from, runs_to: runs.to, from_s: runs.from[0], to_s: runs.to[runs.to.length - 1] },
    });
  } catch (err) {
    throw new RollupError('stint rollup failed', { cause: err });
  }
}

export const stintRollup: RollupSpec = {
  kind: STINTS_KIND,
  rollQuarters: (ch, site, runs, gen) => exec(ch, Q.quarters, QUARTER_S, site, runs, gen),
  rollDays: (ch, site, runs, gen) => exec(ch, Q.days, DAY_S, site, runs, gen),
};

/**
 * Marks every quarter holding stints that was never rolled up (what migration 122 does at
 * upgrade): for stints stored without marks, e.g. generated straight into the table.
 */
export async function markUnrolledStints(ch: ClickHouse): Promise<void> {
  try {
    await ch.client.command({
      query: `INSERT INTO rollup_marks (kind, site, bucket)
              SELECT {kind:String}, site, toStartOfFifteenMinutes(enter_ts) AS bucket FROM stints
              WHERE (site, bucket) NOT IN (SELECT site, bucket FROM rollup_done WHERE kind = {kind:String} AND level = 900)
              GROUP BY site, bucket`,
      query_params: { kind: STINTS_KIND },
    });
  } catch (err) {
    throw new RollupError('marking stints failed', { cause: err });
  }
}
