// The call funnel read (kpi-definitions §13): `tablero funnel`, GET /api/funnel and the funnel page
// all read it here, and GET /api/funnel/calls the calls behind one of its figures. One fragment
// (queries/funnel-calls-judged.sql) judges each call; the funnel (funnel.sql) sums its per-call
// figures per service, period and IVR option, and a figure's list (funnel-calls.sql) lists them;
// the queues' T comes from the same definition resolver and read plan as the KPI rows
// (kpi-query.ts planRead), so "answered within T" means here what it means there.
import { DEFAULT_SITE } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import { FUNNEL_CALLS_MAX_LIMIT, FUNNEL_FIGURES, type FunnelCallRow, type FunnelCallsPage, type FunnelCallsQuery, type FunnelDefinition, type FunnelQuery, type FunnelRow } from '../contract.ts';
import { CDR_CALL_KEY_SQL, FUNNEL_MARGIN_S, funnelRows, funnelSettingsStamp, keyOfPeriod, periodKeySql, ruleParams, serviceDefinition, type FunnelConfig, type FunnelCounts, type FunnelService, type FunnelSettings } from '../core/funnel.ts';
import { oneDefinition } from '../rollup/funnel-buckets.ts';
import { FUNNEL_KIND } from '../rollup/funnel-marks.ts';
import { QUARTER_S, quarterOf, readRollupState, splitRange } from '../rollup/index.ts';
import { periodAt, withZeroRows } from '../core/funnel-zero-rows.ts';
import { KpiQueryError, parseBound, planRead, resolverFor, rows, sql, type KpiReadOptions } from './kpi-query.ts';

/** A query text with its `{{period_key:<expr>}}` placeholders written out (core/funnel.ts periodKeySql). */
const withPeriodKeys = (text: string): string => text.replace(/\{\{period_key:([^}]+)\}\}/g, (_, t: string) => periodKeySql(t));
const FUNNEL_CALLS = withPeriodKeys(sql('funnel-calls-judged').replaceAll('{{cdr_call_key}}', CDR_CALL_KEY_SQL));
/** A query over the funnel's calls: its `{{funnel_calls}}` is the one fragment that judges each call. */
export const withCalls = (name: string): string => sql(name).replace('{{funnel_calls}}', FUNNEL_CALLS);
const FUNNEL_SQL = withCalls('funnel');
const ROLL_PLAN_SQL = withPeriodKeys(sql('funnel-roll-plan'));
const ROLLED_SQL = withPeriodKeys(sql('funnel-rolled'));
/** More scattered unrolled intervals than this in one read: one scan of the whole range costs less than their margins. */
const MAX_SCAN_INTERVALS = 12;
/** The list and its total per figure: the figure's per-call column named from the fixed list, never from input. */
const LIST_SQL = new Map(FUNNEL_FIGURES.map((f) => [f, { page: withCalls('funnel-calls').replace('{{figure}}', `f_${f}`), total: withCalls('funnel-calls-total').replace('{{figure}}', `f_${f}`) }]));

export interface FunnelReadOptions extends KpiReadOptions {
  funnel: FunnelConfig;
  /** Read clean rolled buckets (rollup/funnel-roll.ts) instead of scanning them. Default true; false: the scan alone (the differential tests' oracle). */
  rollup?: boolean;
  /** Told how the read was split: rolled buckets read, intervals scanned (epoch seconds, [from, to)). */
  onPlan?: (plan: FunnelReadPlan) => void;
}

export interface FunnelReadPlan {
  rolled: number;
  scanned: Array<[number, number]>;
}

/**
 * The scan's parameters that come from a site's funnel settings alone: the inbound rules, the
 * options asking for an agent, the IVR option source, and the services' names (the rollup's rows name their service).
 */
export function settingsParams(settings: FunnelSettings) {
  const ivr = settings.ivr;
  return {
    ...ruleParams(settings.services),
    agent_options: settings.services.map((s) => s.agent_options),
    service_names: settings.services.map((s) => s.service),
    ivr_source: ivr.source,
    ivr_verb: ivr.source === 'queue_log' ? ivr.verb : '',
    ivr_app: ivr.source === 'lastdata' ? ivr.app : '',
    ivr_pattern: ivr.source === 'lastdata' ? ivr.pattern : '',
  };
}

/** The read range of the scan of calls starting in [from_s, to_s): widened by the maximum call span. */
export const scanRange = (from_s: number, to_s: number) => ({ from_s, to_s, lo_s: from_s - FUNNEL_MARGIN_S, hi_s: to_s + FUNNEL_MARGIN_S });

type SqlCounts = Record<Exclude<keyof FunnelCounts, 'answer_queues' | 'option'>, unknown> & { option: string; answer_queues: string[] };

/** Everything both reads bind: the site's services, the range, the queues' T plan; null when the site has no services. */
async function prepare(ch: ClickHouse, q: FunnelQuery, o: FunnelReadOptions) {
  const site = q.site ?? o.defaultSite ?? DEFAULT_SITE;
  const settings = o.funnel[site];
  if (!settings || settings.services.length === 0) return null;
  for (const s of q.services ?? []) {
    if (!settings.services.some((x) => x.service === s)) throw new KpiQueryError(`no service '${s}' is configured for site ${site}`);
  }
  const by = q.by ?? 'day';
  const resolver = await resolverFor(ch, o);
  const tz = q.tz ?? resolver.calendarAt(site, (o.now ?? Date.now)()).spec.tz;
  const from_s = parseBound(q.from, tz);
  const to_s = parseBound(q.to, tz);
  if (!(from_s < to_s)) throw new KpiQueryError(`from (${q.from}) must be before to (${q.to}); to is exclusive`);
  const { lo_s, hi_s } = scanRange(from_s, to_s);
  // The queues' definitions over the widened range: stints of the margins get theirs too.
  const plan = planRead(resolver, { from: q.from, to: q.to, site, tz }, { ...o, from_s: lo_s, to_s: hi_s });
  const grp = { grp_piece: [] as number[], grp_queue: [] as string[], grp_t: [] as number[], grp_strict: [] as number[] };
  for (const piece of plan.pieces) {
    for (const g of piece.groups) {
      for (const queue of g.queues.length ? g.queues : ['']) {
        grp.grp_piece.push(piece.index + 1);
        grp.grp_queue.push(queue);
        grp.grp_t.push(g.def.threshold_s);
        grp.grp_strict.push(g.def.strict ? 1 : 0);
      }
    }
  }
  const params = {
    site, by, tz, ...scanRange(from_s, to_s),
    ...settingsParams(settings),
    piece_from: plan.pieces.map((p) => p.from_s),
    ...grp,
  };
  return { site, settings, by, tz, from_s, to_s, resolver, plan, params };
}

type Prepared = NonNullable<Awaited<ReturnType<typeof prepare>>>;

/**
 * The funnel's groups of the range: clean rolled buckets judged under the settings in force read
 * from the rollup, every other part of the range (dirty, recent, unrolled, judged under other
 * settings, near a change of the queues' T, a local period boundary inside the bucket, the range's
 * partial quarter hours) counted by the scan. The two parts hold disjoint calls (by start), so
 * their groups add up to the scan of the whole range.
 */
async function funnelGroups(ch: ClickHouse, p: Prepared, useRollup: boolean, onPlan?: (plan: FunnelReadPlan) => void): Promise<SqlCounts[]> {
  const { params } = p;
  let intervals: Array<[number, number]> = [[p.from_s, p.to_s]];
  let rolled: Promise<SqlCounts[]> = Promise.resolve([]);
  let rolledQuarters = 0;
  const lo = quarterOf(p.from_s);
  if (useRollup && lo + QUARTER_S <= p.to_s) {
    // Which quarters are clean and at which generation (the generic rollup's state), and which of
    // those generations were judged under the settings in force with one period key per quarter.
    const [state, judged] = await Promise.all([
      readRollupState(ch, FUNNEL_KIND, p.site, lo, p.to_s),
      rows<{ b: number; gen: unknown; ok: unknown }>(ch, ROLL_PLAN_SQL, { site: p.site, from_s: lo, to_s: p.to_s, by: p.by, tz: p.tz, stamp: funnelSettingsStamp(p.settings) }, 'funnel rollup plan'),
    ]);
    const ok = new Set(judged.filter((r) => Number(r.ok) === 1).map((r) => `${Number(r.b)}:${Number(r.gen)}`));
    const changes = p.plan.pieces.slice(1).map((x) => x.from_s);
    const split = splitRange(state, p.from_s, p.to_s, {
      quarter: (q) => ok.has(`${q}:${state.quarters.get(q)}`) && oneDefinition(q, changes),
      day: () => false, // the funnel rolls quarters only
    });
    const scan = split.scan.from.map((a, i): [number, number] => [a, split.scan.to[i] as number]);
    const quarters: number[] = [];
    split.quarters.from.forEach((a, i) => {
      for (let q = a; q < (split.quarters.to[i] as number); q += QUARTER_S) quarters.push(q);
    });
    if (quarters.length > 0 && scan.length <= MAX_SCAN_INTERVALS) {
      intervals = scan;
      rolledQuarters = quarters.length;
      rolled = rows<SqlCounts>(ch, ROLLED_SQL, { ...params, from_s: lo, to_s: p.to_s, ok_bucket: quarters, ok_gen: quarters.map((q) => state.quarters.get(q) as number) }, 'funnel rollup read');
    }
  }
  onPlan?.({ rolled: rolledQuarters, scanned: intervals });
  const scanned = intervals.map(([a, b]) => rows<SqlCounts>(ch, FUNNEL_SQL, { ...params, ...scanRange(a, b) }, 'funnel query'));
  return (await Promise.all([rolled, ...scanned])).flat();
}

/** A row's definition: its service's, with the T of the queues that answered its calls. */
function definer(p: NonNullable<Awaited<ReturnType<typeof prepare>>>): (svc: FunnelService, answerQueues: string[]) => FunnelDefinition {
  const { site, tz, from_s, to_s, resolver, plan, settings } = p;
  // A queue's T (or strictness) differs between two instants where the site's definitions change.
  const cuts = [from_s * 1000, ...resolver.changes(site, from_s * 1000, to_s * 1000)];
  const spans = (queue: string): boolean =>
    new Set(cuts.map((t) => {
      const s = resolver.at(site, queue, t).settings;
      return `${s.threshold_s}:${s.strict}`;
    })).size > 1;
  return (svc, answerQueues) => ({
    ...serviceDefinition(site, tz, svc, settings.ivr),
    thresholds: answerQueues.map((queue) => {
      const { resolved, def } = plan.definitionAtEnd(queue);
      return { queue, threshold_s: def.threshold_s, strict: def.strict, settings_version: resolved.settings_version };
    }),
    spans_change: answerQueues.some(spans),
  });
}

export async function queryFunnel(ch: ClickHouse, q: FunnelQuery, o: FunnelReadOptions): Promise<FunnelRow[]> {
  const p = await prepare(ch, q, o);
  if (!p) return [];
  const { settings, by } = p;
  const raw = await funnelGroups(ch, p, o.rollup !== false, o.onPlan);
  const groups: FunnelCounts[] = raw.map((r) => ({
    service: Number(r.service), k: Number(r.k), option: String(r.option),
    ...(Object.fromEntries(FUNNEL_FIGURES.map((f) => [f, Number(r[f])])) as Pick<FunnelCounts, (typeof FUNNEL_FIGURES)[number]>),
    answer_queues: r.answer_queues,
  }));
  const wanted = q.services;
  const define = definer(p);
  const rowsWithCalls = funnelRows(groups, { services: settings.services, by, definition: define }).filter((r) => !wanted || wanted.includes(r.service));
  // Services without calls get zero rows (docs/interfaces.md), so every consumer shows them.
  return withZeroRows(rowsWithCalls, { services: settings.services.filter((s) => !wanted || wanted.includes(s.service)), firstPeriod: periodAt(p.from_s, p.tz, by), definition: (svc) => define(svc, []) });
}

/**
 * The calls behind one figure of one funnel row, in call start order, one page: read through the
 * fragment the funnel sums, so `total` is the row's figure. A service or period that is not one
 * of the query's is refused (KpiQueryError); a row with no calls lists none.
 */
export async function queryFunnelCalls(ch: ClickHouse, q: FunnelCallsQuery, o: FunnelReadOptions): Promise<FunnelCallsPage> {
  const { service, period, figure, option, limit, offset, ...range } = q;
  const sqlOf = LIST_SQL.get(figure);
  if (!sqlOf) throw new KpiQueryError(`figure must be one of ${FUNNEL_FIGURES.join(', ')}`);
  const p = await prepare(ch, { ...range, services: [service] }, o);
  if (!p) throw new KpiQueryError(`no service '${service}' is configured for site ${range.site ?? o.defaultSite ?? DEFAULT_SITE}`);
  const k = keyOfPeriod(period, p.by);
  if (k === null) throw new KpiQueryError(`period '${period}' is not a period of by=${p.by}`);
  const idx = p.settings.services.findIndex((s) => s.service === service);
  const svc = p.settings.services[idx] as FunnelService;
  const params = { ...p.params, service_idx: idx + 1, k, any_option: option === undefined ? 1 : 0, option: option ?? '', limit: Math.min(limit ?? 100, FUNNEL_CALLS_MAX_LIMIT), offset: offset ?? 0 };
  type Listed = { call_key: string; start_s: number; option: string; uniqueids: string[]; src: string; answer_queue: string; last_outcome: string; total: number; row_queues: string[] };
  // One read: the page with the figure's total and the row's answering queues beside each call;
  // only a page past the end (no call to carry them) reads them alone.
  const raw = await rows<Listed>(ch, sqlOf.page, params, 'funnel calls query');
  const head = raw[0] ?? (await rows<Pick<Listed, 'total' | 'row_queues'>>(ch, sqlOf.total, params, 'funnel calls total'))[0];
  const list: FunnelCallRow[] = raw.map((r) => ({
    call_key: r.call_key, start: new Date(r.start_s * 1000).toISOString(), service, option: r.option, uniqueids: r.uniqueids,
    answer_queue: r.answer_queue, last_outcome: r.last_outcome, src: r.src,
  }));
  // The row's definition as GET /api/funnel states it (the T of the queues that answered the row's calls).
  const definition = definer(p)(svc, [...(head?.row_queues ?? [])].sort());
  return { total: Number(head?.total ?? 0), definition: { ...definition, figure, service, period, option: option ?? null }, rows: list };
}
