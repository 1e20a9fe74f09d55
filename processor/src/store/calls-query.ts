// The calls behind a figure (issue 20): the stints a KPI row's cell counts, read through the one
// KPI read module (kpi-query.ts): the same plan (pieces where the definition changes, queues
// grouped by definition), the same fragment and parameters per piece, so the list's total is the
// figure by construction. One statement reads every piece: the classified stints of each piece
// and group (calls-classified.sql, its parameters renamed per branch) joined by UNION ALL, then
// filtered, ordered by (enter time, stint id) and cut at a keyset cursor. One pass counts the list
// per branch (its total) and per hour of enter time; each page then reads only the hours that hold
// it (pageWindow), so the last page of a month costs what the first does.
import { TABLES, type ClickHouse } from '@tablero/sql';
import {
  CALL_FIGURES, CALL_ORDERS, MAX_CALLS_PAGE, STINT_OUTCOMES,
  type CallLinks, type CallListRow, type CallOrder, type CallsPage, type CallsPageStart, type CallsQuery, type StatedDefinition,
} from '../contract.ts';
import { periodKey, type PeriodBy } from '../core/calendar.ts';
import {
  KpiQueryError, SITE_DEFAULTS, fragmentParams, holidaysIn, planRead, resolverFor, rows, statedDefinition, withStints,
  type KpiReadOptions, type PlanGroup, type PlanPiece, type ReadPlan,
} from './kpi-query.ts';

const CLASSIFIED = withStints('calls-classified');

/** A bad list parameter (a 400 at the API); named like the range errors the dashboard maps. */
export class CallsQueryError extends KpiQueryError {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

/** Internal narrowing beyond the public query (a call's story lists its own stints). */
export interface CallsReadOptions extends KpiReadOptions {
  callid?: string;
}

interface Branch {
  piece: PlanPiece;
  g: PlanGroup;
}

/** A row as the SQL gives it: the list's fields plus the branch, the period key and epoch times. */
type RawRow = Pick<CallListRow, 'stint_id' | 'queue' | 'callid' | 'caller' | 'wait_s' | 'talk_s' | 'outcome' | 'agent' | 'transferred' | 'in_hours' | 'figures'> & {
  g: number;
  k: number;
  enter_s: number;
  end_s: number;
  short: boolean;
  within: boolean;
};

const PERIOD_FORMS: Array<[PeriodBy, RegExp]> = [
  ['month', /^\d{4}-\d{2}$/],
  ['day', /^\d{4}-\d{2}-\d{2}$/],
  ['hour', /^\d{4}-\d{2}-\d{2}T\d{2}$/],
  ['interval', /^\d{4}-\d{2}-\d{2}T\d{2}:(00|15|30|45)$/],
];

/** The grouping and the fragment's integer key `k` of a KPI row's period. */
function periodFilter(q: CallsQuery): { by: PeriodBy; k: number } {
  const by = q.by ?? (q.period === undefined ? 'day' : PERIOD_FORMS.find(([, re]) => re.test(q.period as string))?.[0]);
  if (by === undefined) throw new CallsQueryError('period', `bad period ${q.period}: must be YYYY-MM, YYYY-MM-DD, YYYY-MM-DDTHH or YYYY-MM-DDTHH:MM (a quarter hour)`);
  if (q.period === undefined) return { by, k: 0 };
  const form = PERIOD_FORMS.find(([b]) => b === by)?.[1] as RegExp;
  if (!form.test(q.period)) throw new CallsQueryError('period', `period ${q.period} is not a ${by} key`);
  return { by, k: Number(q.period.replace(/\D/g, '')) };
}

/** The row's period text from the fragment's key (the same text kpi-sums.sql gives the KPI row). */
function periodText(k: number, by: PeriodBy): string {
  const d = String(k);
  const ymd = `${d.slice(0, 4)}-${d.slice(4, 6)}`;
  if (by === 'month') return ymd;
  const day = `${ymd}-${d.slice(6, 8)}`;
  if (by === 'day') return day;
  return by === 'hour' ? `${day}T${d.slice(8, 10)}` : `${day}T${d.slice(8, 10)}:${d.slice(10, 12)}`;
}

interface Cursor {
  enter_s: number;
  stint_id: string;
  /** The sorted time of a longest-first order (wait or talk; -1 for none). */
  v: number;
}

/** The orders by a duration, longest first: the column they sort by. */
const BY_VALUE: Partial<Record<CallOrder, 'wait_s' | 'talk_s'>> = { longest_wait: 'wait_s', longest_talk: 'talk_s' };
/** A row's sort value in a longest-first order (a stint without that time sorts after every one with it). */
const sortValue = (r: { wait_s: number | null; talk_s: number | null }, order: CallOrder): number => {
  const col = BY_VALUE[order];
  const v = col === undefined ? null : r[col];
  return v === null || v === undefined ? -1 : Number(v);
};

/** Opaque to clients: the last row's (enter time, stint id, sort value) and the order it was read in. */
function encodeCursor(c: Cursor, order: CallOrder): string {
  return Buffer.from(JSON.stringify(BY_VALUE[order] ? [c.enter_s, c.stint_id, order, c.v] : [c.enter_s, c.stint_id, order])).toString('base64url');
}

/** The cursor of the page after `row` in `order` (benchmarks jump to a list's last page with it). */
export function cursorAfter(row: Pick<CallListRow, 'enter_ts' | 'stint_id' | 'wait_s' | 'talk_s'>, order: CallOrder): string {
  return encodeCursor({ enter_s: Date.parse(row.enter_ts) / 1000, stint_id: row.stint_id, v: sortValue(row, order) }, order);
}

function decodeCursor(text: string, order: CallOrder): Cursor {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    v = null;
  }
  if (!Array.isArray(v) || v.length < 3 || !Number.isSafeInteger(v[0]) || typeof v[1] !== 'string' || !(CALL_ORDER_SET as ReadonlySet<unknown>).has(v[2])) {
    throw new CallsQueryError('cursor', 'bad cursor: pass next_cursor of the previous page unchanged');
  }
  if (v[2] !== order) throw new CallsQueryError('cursor', `the cursor was made for order ${String(v[2])}`);
  const byValue = BY_VALUE[order] !== undefined;
  if (v.length !== (byValue ? 4 : 3) || (byValue && !Number.isFinite(v[3]))) throw new CallsQueryError('cursor', 'bad cursor: pass next_cursor of the previous page unchanged');
  return { enter_s: v[0] as number, stint_id: v[1] as string, v: byValue ? (v[3] as number) : 0 };
}
const CALL_ORDER_SET: ReadonlySet<CallOrder> = new Set(CALL_ORDERS);

/** Checks the list fields the KPI query does not have (the dashboard and the CLI validate text first). */
function checkList(q: CallsQuery): void {
  if (q.figure !== undefined && !(CALL_FIGURES as readonly string[]).includes(q.figure)) throw new CallsQueryError('figure', `unknown figure ${q.figure}`);
  for (const o of q.outcomes ?? []) if (!(STINT_OUTCOMES as readonly string[]).includes(o)) throw new CallsQueryError('outcome', `unknown outcome ${o}`);
  if (q.limit !== undefined && !(Number.isInteger(q.limit) && q.limit >= 1 && q.limit <= MAX_CALLS_PAGE)) throw new CallsQueryError('limit', `limit must be 1 to ${MAX_CALLS_PAGE}`);
}

/** The parameters of every branch, renamed `b<i>_<name>` so one statement carries them all. */
function branchesSql(plan: ReadPlan, branches: Branch[], by: PeriodBy): { sql: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = {};
  const parts = branches.map(({ piece, g }, i) => {
    const own = { ...fragmentParams(plan, piece, g, by), formula: g.def.formula, count_refused: g.def.count_refused };
    for (const [k, v] of Object.entries(own)) params[`b${i}_${k}`] = v;
    return `SELECT ${i} AS g, * FROM (${CLASSIFIED.replace(/\{(\w+):/g, `{b${i}_$1:`)})`;
  });
  return { sql: parts.join('\nUNION ALL\n'), params };
}

// Filters on the classified stints, the same for the page and the count. A figure is read from
// its membership column (calls-classified.sql f_*), the same test that names it in `figures`.
const FILTER = `
  ({figure:String} = 'all' OR multiIf(
    {figure:String} = 'offered', f_offered,
    {figure:String} = 'answered', f_answered,
    {figure:String} = 'answered_within', f_answered_within,
    {figure:String} = 'unanswered', f_unanswered,
    {figure:String} = 'refused', f_refused,
    {figure:String} = 'short_abandoned', f_short_abandoned,
    {figure:String} = 'out_of_hours', f_out_of_hours,
    {figure:String} = 'cut_by_restart', f_cut_by_restart,
    {figure:String} = 'sl_numerator', f_sl_numerator,
    {figure:String} = 'sl_denominator', f_sl_denominator,
    -- abandoned, timeout, exit_key, exit_empty, withdrawn, failed: the unanswered of that outcome.
    f_unanswered AND toString(outcome) = {figure:String}))
  AND (empty({outcomes:Array(String)}) OR has({outcomes:Array(String)}, toString(outcome)))
  AND ({within_t:Int8} < 0 OR within = ({within_t:Int8} = 1))
  AND (NOT {has_agent:Bool} OR agent = {agent:String})
  AND ({period_k:UInt64} = 0 OR k = {period_k:UInt64})
  AND ({callid:String} = '' OR callid = {callid:String})`;

interface Prepared {
  plan: ReadPlan;
  by: PeriodBy;
  branches: Branch[];
  sql: string;
  params: Record<string, unknown>;
  order: CallOrder;
}

async function prepare(ch: ClickHouse, q: CallsQuery, o: CallsReadOptions): Promise<Prepared> {
  checkList(q);
  const { by, k } = periodFilter(q);
  const plan = planRead(await resolverFor(ch, o), q, o);
  const branches = plan.pieces.flatMap((piece) => piece.groups.map((g) => ({ piece, g })));
  const b = branchesSql(plan, branches, by);
  const params = {
    ...b.params,
    figure: q.figure ?? 'all',
    outcomes: q.outcomes ?? [],
    within_t: q.within_t === undefined ? -1 : q.within_t ? 1 : 0,
    has_agent: q.agent !== undefined,
    agent: q.agent ?? '',
    period_k: k,
    callid: o.callid ?? '',
  };
  return { plan, by, branches, sql: b.sql, params, order: q.order ?? 'newest' };
}

function toRow(plan: ReadPlan, by: PeriodBy, r: RawRow): CallListRow {
  const iso = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
  return {
    stint_id: r.stint_id, site: plan.site, queue: r.queue, callid: r.callid, period: periodText(Number(r.k), by),
    enter_ts: iso(Number(r.enter_s)), end_ts: iso(Number(r.end_s)), caller: r.caller,
    wait_s: r.wait_s === null ? null : Number(r.wait_s), talk_s: r.talk_s === null ? null : Number(r.talk_s),
    outcome: r.outcome, agent: r.agent, transferred: Boolean(r.transferred),
    in_hours: Boolean(r.in_hours), short_abandon: Boolean(r.short), within_t: Boolean(r.within), figures: r.figures,
  };
}

/** The columns of a page's rows (RawRow). */
const PAGE_COLUMNS = 'g, stint_id, queue, callid, k, enter_s, end_s, caller, wait_s, talk_s, outcome, agent, transferred, in_hours, short, within, figures';

/** Seconds of one bucket of the list's per-bucket counts, from which a page's time window is found. */
export const BUCKET_S = 3600;

/** The list's size per branch (for the total and the stated definition) and per time bucket (for page windows). */
interface Counts {
  perBranch: Array<{ g: number; n: number }>;
  /** [bucket, stints], bucket = intDiv(enter time, BUCKET_S), ascending. */
  buckets: Array<[number, number]>;
}

/** One pass over the filtered range: counts per branch and per hour of enter time. */
async function readCounts(ch: ClickHouse, p: Prepared): Promise<Counts> {
  const rs = await rows<{ g: number; b: number; n: number }>(ch, `SELECT g, intDiv(enter_s, ${BUCKET_S}) AS b, count() AS n FROM (${p.sql}) WHERE ${FILTER} GROUP BY g, b
SETTINGS do_not_merge_across_partitions_select_final = 1`, p.params, 'calls count');
  const perBranch = new Map<number, number>();
  const buckets = new Map<number, number>();
  for (const r of rs) {
    perBranch.set(Number(r.g), (perBranch.get(Number(r.g)) ?? 0) + Number(r.n));
    buckets.set(Number(r.b), (buckets.get(Number(r.b)) ?? 0) + Number(r.n));
  }
  return {
    perBranch: [...perBranch].map(([g, n]) => ({ g, n })),
    buckets: [...buckets].sort((a, b) => a[0] - b[0]),
  };
}

/**
 * The narrowest window of enter times [from_s, to_s) that holds the `need` rows after the
 * cursor in the list's order, from the per-bucket counts: the cursor's bucket (read in full but
 * counted as none: where the cursor sits inside it is not known) and the buckets after it until
 * they hold `need`.
 * Unbounded on the far side when they never do; null when no stint is left.
 */
export function pageWindow(buckets: ReadonlyArray<readonly [number, number]>, desc: boolean, cursorS: number | null, need: number, bucketS = BUCKET_S): { from_s: number; to_s: number } | null {
  const at = cursorS === null ? null : Math.floor(cursorS / bucketS);
  const ahead = desc ? buckets.filter(([b]) => at === null || b <= at).reverse() : buckets.filter(([b]) => at === null || b >= at);
  const firstB = ahead[0]?.[0];
  if (firstB === undefined) return null;
  let sum = 0;
  let lastB: number | null = null;
  for (const [b, n] of ahead) {
    // The cursor's own bucket is read, but what of it lies after the cursor is not known: it counts for nothing.
    if (b !== at) sum += n;
    if (sum >= need) {
      lastB = b;
      break;
    }
  }
  const near = desc ? (firstB + 1) * bucketS : firstB * bucketS;
  const far = lastB === null ? null : desc ? lastB * bucketS : (lastB + 1) * bucketS;
  return desc
    ? { from_s: far ?? Number.MIN_SAFE_INTEGER, to_s: near }
    : { from_s: near, to_s: far ?? Number.MAX_SAFE_INTEGER };
}

/** The prepared parameters with every branch's range cut to the window (a branch outside it reads nothing). */
function narrowed(p: Prepared, w: { from_s: number; to_s: number }): Record<string, unknown> {
  const params = { ...p.params };
  p.branches.forEach(({ piece }, i) => {
    params[`b${i}_from_s`] = Math.max(piece.from_s, w.from_s);
    params[`b${i}_to_s`] = Math.min(piece.to_s, w.to_s);
  });
  return params;
}

/**
 * One page after `cursor` (exclusive) in the prepared order: the window of enter times that
 * holds it (pageWindow), then the rows in full inside that window alone, so the first and the
 * last page of a month read a few hours of stints each, not the month.
 */
async function readPage(ch: ClickHouse, p: Prepared, counts: Counts, limit: number, cursor: Cursor | null): Promise<{ rows: CallListRow[]; last: Cursor | null; more: boolean }> {
  const col = BY_VALUE[p.order];
  if (col !== undefined) return readPageByValue(ch, p, col, limit, cursor);
  const desc = p.order === 'newest';
  // One row beyond the page says whether another page follows (a last page that happens to be
  // full then gives no cursor to an empty page).
  const w = pageWindow(counts.buckets, desc, cursor?.enter_s ?? null, limit + 1);
  if (w === null) return { rows: [], last: null, more: false };
  const rs = await rows<RawRow>(ch, `SELECT ${PAGE_COLUMNS}
FROM (${p.sql})
WHERE ${FILTER}
  AND (NOT {has_cursor:Bool} OR (enter_s, stint_id) ${desc ? '<' : '>'} ({cur_t:Int64}, {cur_id:String}))
ORDER BY enter_s ${desc ? 'DESC' : 'ASC'}, stint_id ${desc ? 'DESC' : 'ASC'}
LIMIT {limit:UInt32}
SETTINGS do_not_merge_across_partitions_select_final = 1`, {
    ...narrowed(p, w), has_cursor: cursor !== null, cur_t: cursor?.enter_s ?? 0, cur_id: cursor?.stint_id ?? '', limit: limit + 1,
  }, 'calls page');
  const more = rs.length > limit;
  if (more) rs.length = limit;
  const last = rs[rs.length - 1];
  return { rows: rs.map((r) => toRow(p.plan, p.by, r)), last: last ? { enter_s: Number(last.enter_s), stint_id: last.stint_id, v: 0 } : null, more };
}

/**
 * One page in a longest-first order (wait or talk, a stint without that time last, then newest
 * first): the same filtered list ordered by the duration, cut at a keyset cursor on (duration,
 * enter time, stint id). The whole range is read (no window of enter times serves this order):
 * a top-N sort over the range's stints.
 */
async function readPageByValue(ch: ClickHouse, p: Prepared, col: 'wait_s' | 'talk_s', limit: number, cursor: Cursor | null): Promise<{ rows: CallListRow[]; last: Cursor | null; more: boolean }> {
  const rs = await rows<RawRow & { sv: number }>(ch, `SELECT ${PAGE_COLUMNS},
  ifNull(toFloat64(${col}), -1) AS sv
FROM (${p.sql})
WHERE ${FILTER}
  AND (NOT {has_cursor:Bool} OR (sv, enter_s, stint_id) < ({cur_v:Float64}, {cur_t:Int64}, {cur_id:String}))
ORDER BY sv DESC, enter_s DESC, stint_id DESC
LIMIT {limit:UInt32}
SETTINGS do_not_merge_across_partitions_select_final = 1`, {
    ...p.params, has_cursor: cursor !== null, cur_v: cursor?.v ?? 0, cur_t: cursor?.enter_s ?? 0, cur_id: cursor?.stint_id ?? '', limit: limit + 1,
  }, 'calls page by duration');
  const more = rs.length > limit;
  if (more) rs.length = limit;
  const last = rs[rs.length - 1];
  return { rows: rs.map((r) => toRow(p.plan, p.by, r)), last: last ? { enter_s: Number(last.enter_s), stint_id: last.stint_id, v: Number(last.sv) } : null, more };
}

/** The list's total and the definition the KPI row would state (the newest branch with stints in the list). */
function totalOf(p: Prepared, q: CallsQuery, counts: Counts): { total: number; definition: StatedDefinition } {
  const used = counts.perBranch.map((c) => ({ b: p.branches[c.g] as Branch, n: c.n })).sort((x, y) => x.b.piece.index - y.b.piece.index);
  const total = used.reduce((a, c) => a + c.n, 0);
  const newest = used[used.length - 1]?.b;
  const stated = newest
    ? { def: newest.g.def, resolved: newest.g.resolved, spans_change: new Set(used.map((c) => c.b.g.key)).size > 1 }
    : { ...p.plan.definitionAtEnd(q.queues?.length === 1 ? (q.queues[0] as string) : SITE_DEFAULTS), spans_change: false };
  const spec = stated.resolved.calendar.spec;
  // A cell's holidays are its period's; a whole list's are those between its first and last local day.
  const holidays = q.period !== undefined
    ? holidaysIn(spec, q.period)
    : (spec.holidays ?? []).filter((h) => h >= periodKey(p.plan.from_s, 'day', p.plan.tz) && h <= periodKey(p.plan.to_s - 1, 'day', p.plan.tz)).sort();
  return { total, definition: statedDefinition(p.plan, stated, holidays) };
}

/** The tickets and QA evaluations of the page's calls (one query each, over the page's call ids only). */
async function withLinks(ch: ClickHouse, site: string, list: CallListRow[]): Promise<Array<CallListRow & CallLinks>> {
  if (list.length === 0) return [];
  const p = { site, ids: [...new Set(list.map((r) => r.callid))] };
  const [tickets, evals] = await Promise.all([
    rows<{ callid: string; ids: string[] }>(ch, `SELECT call_id AS callid, arraySort(groupUniqArray(ticket_id)) AS ids FROM ${TABLES.ticketEvents} FINAL
WHERE call_site = {site:String} AND call_id IN {ids:Array(String)} GROUP BY call_id`, p, 'calls page tickets'),
    rows<{ callid: string; n: number }>(ch, `SELECT callid, uniqExact(evaluation_id) AS n FROM ${TABLES.qaEvaluations}
WHERE site = {site:String} AND callid IN {ids:Array(String)} GROUP BY callid`, p, 'calls page evaluations'),
  ]);
  const t = new Map(tickets.map((r) => [r.callid, r.ids]));
  const e = new Map(evals.map((r) => [r.callid, Number(r.n)]));
  return list.map((r) => ({ ...r, tickets: t.get(r.callid) ?? [], evaluations: e.get(r.callid) ?? 0 }));
}

/** One page of the stints behind a figure, with the whole list's total (equal to the KPI row's figure). */
export async function queryCalls(ch: ClickHouse, q: CallsQuery, o: CallsReadOptions = { defaultTz: 'UTC' }): Promise<CallsPage> {
  const p = await prepare(ch, q, o);
  const cursor = q.cursor === undefined ? null : decodeCursor(q.cursor, p.order);
  const counts = await readCounts(ch, p);
  const page = await readPage(ch, p, counts, q.limit ?? 100, cursor);
  const { total, definition } = totalOf(p, q, counts);
  return { total, definition, tz: p.plan.tz, rows: await withLinks(ch, p.plan.site, page.rows), next_cursor: page.more && page.last ? encodeCursor(page.last, p.order) : null };
}

/**
 * The whole list, page by page (CSV and XLSX downloads): `total` first, then the rows in order.
 * Keyset pages, so memory stays one page whatever the list's length; each page reads only its
 * window of enter times, found from the one pass of counts (bench/calls-paging.ts).
 */
export async function* streamCalls(ch: ClickHouse, q: CallsQuery, o: CallsReadOptions = { defaultTz: 'UTC' }, pageSize = 50_000): AsyncGenerator<CallsPageStart | CallListRow[]> {
  const p = await prepare(ch, { ...q, limit: undefined, cursor: undefined }, o);
  const counts = await readCounts(ch, p);
  const { total, definition } = totalOf(p, q, counts);
  yield { total, definition, tz: p.plan.tz };
  let cursor: Cursor | null = null;
  for (;;) {
    const page = await readPage(ch, p, counts, pageSize, cursor);
    if (page.rows.length) yield page.rows;
    if (!page.more || !page.last) return;
    cursor = page.last;
  }
}

