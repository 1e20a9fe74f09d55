// The funnel's rollup (docs/kpi-definitions.md §13 "How the rollup stays exact") on the generic
// rollup module (this folder): a RollupSpec (kind 'funnel') whose quarters are written by the
// funnel's own scan (store/queries/funnel-roll.sql), and a sweeper that marks for the generic job
// what no commit marked: days of CDR stored before the rollup or without the processor, quarters
// judged under other funnel settings, and quarters that became rollable (ended FUNNEL_MARGIN_S
// ago) since live commits do not mark recent ones (funnel-buckets.ts MARK_SLACK_S).
import type { ClickHouse } from '@tablero/sql';
import { TABLES } from '@tablero/sql';
import type { Logger } from 'pino';
import { funnelSettingsStamp, type FunnelConfig, type FunnelSettings } from '../core/funnel.ts';
import { scanRange, settingsParams, withCalls } from '../store/funnel-query.ts';
import { rollableBefore } from './funnel-buckets.ts';
import { FUNNEL_KIND } from './funnel-marks.ts';
import { DAY_S, QUARTER_S } from './split.ts';
import type { Runs } from './split.ts';
import { RollupError, rollUpAll, type CycleResult, type RollupSpec } from './store.ts';

const ROLL_SQL = withCalls('funnel-roll');
/** Days before the rollable limit the sweeper looks at for never-rolled CDR (its first pass per site looks at all). */
const RECENT_DAYS = 8;
const NO_SERVICES: FunnelSettings = { services: [], ivr: { source: 'none' } };

/**
 * The funnel's RollupSpec: a quarter's rows are the scan of its calls under the site's settings
 * in force in this processor (TABLERO_FUNNEL), stamped with them; a site without services gets
 * its quarters' stamp rows only (a read under other settings scans them). Consecutive runs are one
 * scan (the scan groups per quarter). Days are not rolled: reads take quarters (a month is 2,880).
 */
export function funnelRollup(funnel: FunnelConfig): RollupSpec {
  return {
    kind: FUNNEL_KIND,
    async rollQuarters(ch, site, runs, gen) {
      const settings = funnel[site] ?? NO_SERVICES;
      const base = {
        site, gen, stamp: funnelSettingsStamp(settings), by: 'interval', tz: 'UTC', ...settingsParams(settings),
        // The rollup keeps the answering wait, not within-T: no T is applied here.
        piece_from: [0], grp_piece: [1], grp_queue: [''], grp_t: [0], grp_strict: [0],
      };
      for (const [a, b] of joined(runs)) {
        try {
          await ch.client.command({ query: ROLL_SQL, query_params: { ...base, ...scanRange(a, b) } });
        } catch (err) {
          throw new RollupError('funnel rollup failed', { cause: err });
        }
      }
    },
    async rollDays() {},
  };
}

/** Runs with the touching ones joined. */
function joined(runs: Runs): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  runs.from.forEach((a, i) => {
    const b = runs.to[i] as number;
    const last = out[out.length - 1];
    if (last && last[1] === a) last[1] = b;
    else out.push([a, b]);
  });
  return out;
}

/**
 * Marks for the generic job the rollable quarters (ending FUNNEL_MARGIN_S before `nowMs`) of the
 * UTC days with CDR since `since` (epoch s; 0: all) whose newest roll is not under these settings
 * or that were never rolled. Whole days: a quiet night is rolled too, so a read is not cut into
 * many scans.
 */
export async function sweepFunnel(ch: ClickHouse, o: { site: string; settings: FunnelSettings; nowMs: number; since: number }): Promise<void> {
  const limit = rollableBefore(Math.floor(o.nowMs / 1000));
  try {
    await ch.client.command({
      query: `INSERT INTO ${TABLES.rollupMarks} (kind, site, bucket)
              SELECT {kind:String}, {site:String}, toDateTime(q, 'UTC') FROM (
                SELECT arrayJoin(arrayMap(i -> toUInt32(d) + i * ${QUARTER_S}, range(${DAY_S / QUARTER_S}))) AS q
                FROM (SELECT DISTINCT toStartOfDay(start) AS d FROM ${TABLES.cdr}
                      WHERE site = {site:String} AND start >= toDateTime({since:Int64}, 'UTC') AND start < toDateTime({limit:Int64}, 'UTC'))
              )
              WHERE q < {limit:Int64}
                AND q NOT IN (
                  SELECT toUInt32(r.bucket) FROM ${TABLES.funnelRoll} AS r
                  INNER JOIN (SELECT bucket, max(gen) AS gen FROM ${TABLES.rollupDone}
                              WHERE kind = {kind:String} AND site = {site:String} AND level = ${QUARTER_S} GROUP BY bucket) AS d
                  ON r.bucket = d.bucket AND r.gen = d.gen
                  WHERE r.site = {site:String} AND r.service = '' AND r.stamp = {stamp:String})`,
      query_params: { kind: FUNNEL_KIND, site: o.site, since: Math.max(0, o.since), limit, stamp: funnelSettingsStamp(o.settings) },
    });
  } catch (err) {
    throw new RollupError('funnel sweep failed', { cause: err });
  }
}

/** The whole build of one site's funnel rollup: a sweep of all its history, then the generic job until done (tests, benchmarks). */
export async function rollFunnelAll(ch: ClickHouse, o: { site: string; settings: FunnelSettings; nowMs: number }): Promise<CycleResult> {
  await sweepFunnel(ch, { ...o, since: 0 });
  return rollUpAll(ch, funnelRollup({ [o.site]: o.settings }), { settleMs: 0, owns: (s) => s === o.site });
}

export interface FunnelSweeper {
  /** Settles when the running sweep (if any) ended; no sweep starts after. */
  stop(): Promise<void>;
}

/**
 * The processor's sweeper, beside the rollup job: every `everyMs` a sweep of the last days of
 * each configured site it owns (the first one of all its history: an upgrade, a settings change).
 * A failed sweep is logged and tried again (reads scan meanwhile).
 */
export function startFunnelSweeper(d: { ch: ClickHouse; log: Logger; funnel: FunnelConfig; everyMs: number; now: () => number; owns?: (site: string) => boolean }): FunnelSweeper {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const swept = new Set<string>();
  const sites = Object.entries(d.funnel).filter(([site, s]) => s.services.length > 0 && (d.owns?.(site) ?? true));
  const tick = (): void => {
    running = (async () => {
      for (const [site, settings] of sites) {
        if (stopped) return;
        const nowMs = d.now();
        try {
          await sweepFunnel(d.ch, { site, settings, nowMs, since: swept.has(site) ? rollableBefore(nowMs / 1000) - RECENT_DAYS * DAY_S : 0 });
          swept.add(site);
        } catch (err) {
          d.log.warn({ site, err }, 'funnel sweep failed; tried again at the next one');
        }
      }
    })();
    void running.then(() => {
      if (!stopped) {
        timer = setTimeout(tick, d.everyMs);
        timer.unref();
      }
    });
  };
  if (sites.length > 0) tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
