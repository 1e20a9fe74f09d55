// The funnel rollup's job (docs/kpi-definitions.md §13 "How the rollup stays exact"), run in the
// background by the processor for the sites it owns: rolls dirty buckets, buckets judged under
// other settings and buckets never rolled, by running the funnel's own scan over their calls
// (store/queries/funnel-roll.sql). Order per round, each step safe to stop after:
//   1. read the marks below cleared (funnel_dirty) and the rolled buckets' stamps;
//   2. scan the chosen buckets into funnel_roll under a new generation;
//   3. write the buckets' funnel_roll_buckets rows (the generation becomes theirs);
//   4. clear (state 2) exactly the complete marks read in 1.
// A mark written after 1 is not cleared, so its bucket stays dirty; a pending mark read in 1 is not
// cleared either (its rows may land after the scan) unless older than PENDING_GRACE_S (its writer
// died: a live commit stores its rows in seconds). A crash anywhere leaves a bucket dirty or
// unrolled: scanned by readers, never read stale.
import type { ClickHouse } from '@tablero/sql';
import { TABLES } from '@tablero/sql';
import type { Logger } from 'pino';
import { funnelSettingsStamp, type FunnelConfig, type FunnelSettings } from '../core/funnel.ts';
import { rows } from '../store/kpi-query.ts';
import { scanRange, settingsParams, withCalls } from '../store/funnel-query.ts';
import { bucketRuns, FUNNEL_BUCKET_S, PENDING_GRACE_S, rollableBefore } from './funnel-buckets.ts';
import { MARK_CLEARED, MARK_COMPLETE } from './funnel-marks.ts';

const ROLL_SQL = withCalls('funnel-roll');
/** Buckets rolled per round at most (4 days): a round's scan stays a few seconds at most. */
export const ROLL_ROUND_BUCKETS = 384;
/** Days before the rollable limit in which a round looks for never-rolled days with CDR (the job's first round looks at all). */
const RECENT_DAYS = 8;

export interface FunnelRollRound {
  /** Buckets rolled this round. */
  rolled: number;
  /** Buckets left for further rounds (dirty, unrolled or stale, rollable now). */
  left: number;
}

let lastGeneration = 0;
/** Increasing in this process (microseconds of the wall clock): the newest generation of a bucket is its newest roll. */
function nextGeneration(nowMs: number): number {
  lastGeneration = Math.max(lastGeneration + 1, Math.floor(nowMs * 1000));
  return lastGeneration;
}

interface MarkRow {
  bucket: number;
  token: string;
  s: number;
  at: number;
}

/**
 * One round for one site: rolls up to `maxBuckets` of its rollable buckets that need it, newest
 * first. `since`: how far back to look for never-rolled days with CDR (default: 8 days; 0: all).
 */
export async function rollFunnelRound(
  ch: ClickHouse,
  o: { site: string; settings: FunnelSettings; nowMs: number; maxBuckets?: number; since?: number },
): Promise<FunnelRollRound> {
  const { site, settings } = o;
  const nowS = Math.floor(o.nowMs / 1000);
  const limit = rollableBefore(nowS);
  const stamp = funnelSettingsStamp(settings);
  // 1. Marks below cleared, and what is rolled under which settings.
  const marks = (
    await rows<MarkRow>(
      ch,
      `SELECT toUInt32(bucket) AS bucket, token, max(state) AS s, toUInt32(min(at)) AS at FROM ${TABLES.funnelDirty}
       WHERE site = {site:String} AND bucket < toDateTime({limit:Int64}, 'UTC') GROUP BY bucket, token HAVING s < ${MARK_CLEARED}`,
      { site, limit },
      'funnel rollup marks',
    )
  ).map((m) => ({ bucket: Number(m.bucket), token: m.token, s: Number(m.s), at: Number(m.at) }));
  // Never rolled: the buckets of the UTC days with CDR legs (whole days, so a quiet night is rolled
  // too and a read is not cut into many scans), from `since` (default: the last 8 days).
  const since = o.since ?? limit - RECENT_DAYS * 86_400;
  const days = (
    await rows<{ d: unknown }>(
      ch,
      `SELECT DISTINCT toUInt32(toStartOfDay(start)) AS d FROM ${TABLES.cdr}
       WHERE site = {site:String} AND start >= toDateTime({since:Int64}, 'UTC') AND start < toDateTime({limit:Int64}, 'UTC')`,
      { site, since: Math.max(0, since), limit },
      'funnel rollup days',
    )
  ).map((r) => Number(r.d));
  const stamps = new Map(
    (
      await rows<{ bucket: unknown; st: string }>(
        ch,
        `SELECT toUInt32(bucket) AS bucket, argMax(stamp, generation) AS st FROM ${TABLES.funnelRollBuckets}
         WHERE site = {site:String} AND bucket < toDateTime({limit:Int64}, 'UTC') GROUP BY bucket`,
        { site, limit },
        'funnel rollup buckets',
      )
    ).map((r) => [Number(r.bucket), r.st]),
  );
  // A pending mark of a live writer: its rows may land after our scan; wait for its completion.
  const waiting = new Set(marks.filter((m) => m.s < MARK_COMPLETE && m.at > nowS - PENDING_GRACE_S).map((m) => m.bucket));
  const wanted = new Set<number>();
  for (const m of marks) wanted.add(m.bucket);
  // Judged under other settings: re-judged (a settings change re-rolls what it changed, in the background).
  for (const [b, st] of stamps) if (st !== stamp) wanted.add(b);
  for (const d of days) {
    for (let b = d; b < Math.min(d + 86_400, limit); b += FUNNEL_BUCKET_S) if (!stamps.has(b)) wanted.add(b);
  }
  for (const b of waiting) wanted.delete(b);
  const all = [...wanted].sort((a, b) => b - a);
  const chosen = all.slice(0, o.maxBuckets ?? ROLL_ROUND_BUCKETS).sort((a, b) => a - b);
  if (chosen.length === 0) return { rolled: 0, left: 0 };
  // 2. The scan of the chosen buckets' calls, one run of consecutive buckets at a time.
  const generation = nextGeneration(o.nowMs);
  const base = {
    site, generation, by: 'interval', tz: 'UTC', ...settingsParams(settings),
    // The rollup keeps the answering wait, not within-T: no T is applied here.
    piece_from: [0], grp_piece: [1], grp_queue: [''], grp_t: [0], grp_strict: [0],
  };
  for (const [a, b] of bucketRuns(chosen)) {
    await ch.client.command({ query: ROLL_SQL, query_params: { ...base, ...scanRange(a, b) }, clickhouse_settings: { insert_deduplication_token: `funnel-roll:${site}:${generation}:${a}` } });
  }
  // 3. The generation becomes the buckets' (rows first: a crash before this leaves them unread).
  await ch.client.insert({
    table: TABLES.funnelRollBuckets,
    values: chosen.map((bucket) => ({ site, bucket, generation, stamp })),
    format: 'JSONEachRow',
  });
  // 4. Clear what was read complete (or pending past the grace) before the scan, and nothing else.
  const picked = new Set(chosen);
  const cleared = marks.filter((m) => picked.has(m.bucket)).map((m) => ({ site, bucket: m.bucket, token: m.token, state: MARK_CLEARED, at: nowS }));
  if (cleared.length) await ch.client.insert({ table: TABLES.funnelDirty, values: cleared, format: 'JSONEachRow' });
  return { rolled: chosen.length, left: all.length - chosen.length };
}

/** Rounds until nothing is left (the bench's and the tests' whole build). */
export async function rollFunnelAll(ch: ClickHouse, o: { site: string; settings: FunnelSettings; nowMs: number; maxBuckets?: number }): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await rollFunnelRound(ch, { ...o, since: 0 });
    total += r.rolled;
    if (r.left === 0) return total;
  }
}

export interface FunnelRollJob {
  /** Settles when the running round (if any) ended; no round starts after. */
  stop(): Promise<void>;
}

/**
 * The processor's background job: every `everyMs`, rounds for each configured site it owns until
 * none is left. A failed round is logged and tried again at the next tick (readers scan meanwhile).
 */
export function startFunnelRollJob(d: { ch: ClickHouse; log: Logger; funnel: FunnelConfig; owns?: (site: string) => boolean; everyMs?: number; now?: () => number }): FunnelRollJob {
  const now = d.now ?? Date.now;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const swept = new Set<string>();
  const sites = Object.entries(d.funnel).filter(([site, s]) => s.services.length > 0 && (d.owns?.(site) ?? true));
  const tick = (): void => {
    running = (async () => {
      for (const [site, settings] of sites) {
        try {
          for (;;) {
            if (stopped) return;
            // The first pass of a site looks at its whole history (an upgrade, a restart after a settings change).
            const r = await rollFunnelRound(d.ch, { site, settings, nowMs: now(), ...(swept.has(site) ? {} : { since: 0 }) });
            if (r.rolled > 0) d.log.info({ site, rolled: r.rolled, left: r.left }, 'funnel buckets rolled');
            if (r.left === 0) break;
          }
          swept.add(site);
        } catch (err) {
          d.log.warn({ site, err }, 'funnel rollup round failed; readers scan until the next one');
        }
      }
    })();
    void running.then(() => {
      if (!stopped) timer = setTimeout(tick, d.everyMs ?? 60_000);
    });
  };
  if (sites.length > 0) timer = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
