// The one KPI read module of the stored path (conventions "One truth"): KPI rows (`tablero kpis`,
// GET /api/kpis, the Reports page's tables and charts), the wait distribution, agent performance
// and pauses (Reports page), and the monthly report's hour and agent sums (exports) are all read
// here, through one SQL fragment (queries/stints-classified.sql) and one definition resolver
// (core/definitions.ts). Nothing else computes a stored figure.
//
// How a definition applies (docs/kpi-definitions.md §12): each stint is judged by the definition
// in force at its enter time. The range is cut at every instant where a setting or the calendar
// of the site changes; each piece is read with its own definition, queues with settings of their
// own apart from the rest; the integer sums (which carry each piece's offered count and service
// level terms) are added per queue and period. Request parameters (`--formula`, `?threshold=`)
// override the stored definition for the whole range, and the row says so.
import { readFileSync } from 'node:fs';
import { DEFAULT_SITE } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import type { AgentPerformance, AgentReport, KpiQuery, KpiRow, StatedDefinition, WaitBucket, WaitDistribution } from '../contract.ts';
import { createCalendar, localToEpoch, type PeriodBy, type SiteCalendarSpec } from '../core/calendar.ts';
import { definitionKey, stateDefinition, type DefinitionResolver, type ResolvedDefinition } from '../core/definitions.ts';
import { DERIVED_SUMS, emptySums, figures, mergeSums, ratio2, withDefinition, type AgentSumsRow, type KpiSums } from '../core/kpi-math.ts';
import type { ProcessorSettings, QueueSettings } from '../core/settings.ts';
import { loadResolver } from './settings-store.ts';
import { readRollupState } from '../rollup/index.ts';
import { allStints, rolledStints, scannedStints, splitPiece } from './kpi-rollup.ts';
import { ProcessorStoreError } from './store.ts';
import { STINTS_KIND } from './stint-rollup.ts';

export function sql(name: string): string {
  return readFileSync(new URL(`./queries/${name}.sql`, import.meta.url), 'utf8');
}
/** A query over the classified stints: its `{{stints}}` is the shared fragment. */
export const withStints = (name: string): string => sql(name).replace('{{stints}}', allStints);
const Q = {
  kpiSums: sql('kpi-sums'),
  agentSums: withStints('agent-sums'),
  waitBuckets: sql('wait-buckets'),
  agentPauses: sql('agent-pauses'),
} as const;

/** Definition fields a request may override for the whole range. */
export const OVERRIDABLE = ['formula', 'threshold_s', 'strict', 'short_abandon_s'] as const;
export type Overridable = (typeof OVERRIDABLE)[number];

export type { KpiQuery };

/** What the reader needs besides the stored history. */
export interface KpiReadOptions {
  /** Time zone of a site without any calendar. */
  defaultTz: string;
  /** Site of a query that names none (default `default`). */
  defaultSite?: string;
  /** Configured settings under the stored versions (default the built-in ones). */
  baseSettings?: ProcessorSettings;
  /** Configured calendars under the stored versions. */
  baseCalendars?: Record<string, SiteCalendarSpec>;
  /** Clock: decides the site calendar whose zone a query without `tz` uses. */
  now?: () => number;
  /**
   * Read clean buckets from the stint rollup (default true; issue 18). false scans every stint:
   * the same figures (the differential tests compare both), slower.
   */
  rollup?: boolean;
}

export class KpiQueryError extends Error {
  override name = 'KpiQueryError';
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Epoch seconds of a query bound; local wall-clock forms are read in `tz`. */
export function parseBound(s: string, tz: string): number {
  const m = LOCAL.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec] = m;
    return localToEpoch(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), tz) + Number(sec ?? 0);
  }
  const t = Date.parse(s);
  if (!/[zZ]|[+-]\d{2}:?\d{2}$/.test(s) || Number.isNaN(t)) throw new KpiQueryError(`bad date: ${s}`);
  return Math.floor(t / 1000);
}

// ------------------------------------------------------------------ planning

/** One group of queues read together with one definition over one piece of the range. */
export interface PlanGroup {
  queues: string[];
  exclude: string[];
  resolved: ResolvedDefinition;
  /** The resolved settings with the request's overrides applied. */
  def: QueueSettings;
  key: string;
}

export interface PlanPiece {
  index: number;
  from_s: number;
  to_s: number;
  groups: PlanGroup[];
}

export interface ReadPlan {
  site: string;
  tz: string;
  from_s: number;
  to_s: number;
  queues: string[];
  overrides: Overridable[];
  pieces: PlanPiece[];
  resolver: DefinitionResolver;
  /** The definition of a queue at the end of the range (for a queue without data). */
  definitionAtEnd(queue: string): { resolved: ResolvedDefinition; def: QueueSettings };
}

function applyOverrides(s: QueueSettings, q: KpiQuery): QueueSettings {
  return {
    ...s,
    formula: q.formula ?? s.formula,
    threshold_s: q.threshold_s ?? s.threshold_s,
    strict: q.strict ?? s.strict,
    short_abandon_s: q.short_abandon_s ?? s.short_abandon_s,
  };
}

/** A queue name no queue can have: asks the resolver for the site defaults. */
export const SITE_DEFAULTS = '\0site-defaults';

/** Cuts [from, to) where the site's definitions change and groups queues by definition in each piece. */
export function planRead(resolver: DefinitionResolver, q: KpiQuery, o: KpiReadOptions & { from_s?: number; to_s?: number }): ReadPlan {
  const site = q.site ?? o.defaultSite ?? DEFAULT_SITE;
  const nowMs = (o.now ?? Date.now)();
  const tz = q.tz ?? resolver.calendarAt(site, nowMs).spec.tz;
  const from_s = o.from_s ?? parseBound(q.from, tz);
  const to_s = o.to_s ?? parseBound(q.to, tz);
  if (!(from_s < to_s)) throw new KpiQueryError(`from (${q.from}) must be before to (${q.to}); to is exclusive`);
  const wanted = q.queues ?? [];
  const cuts = [from_s * 1000, ...resolver.changes(site, from_s * 1000, to_s * 1000), to_s * 1000];
  const pieces: PlanPiece[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i] as number;
    const b = cuts[i + 1] as number;
    // Stints are stored with whole-second times: a change inside a second starts at the next one.
    const pf = Math.ceil(a / 1000);
    const pt = Math.ceil(b / 1000);
    if (pf >= pt) continue;
    const own = resolver.queuesWithOwnSettings(site, a);
    const groups: PlanGroup[] = [];
    const group = (queues: string[], exclude: string[], queue: string): void => {
      const resolved = resolver.at(site, queue, a);
      const def = applyOverrides(resolved.settings, q);
      groups.push({ queues, exclude, resolved, def, key: definitionKey({ ...resolved, settings: def }) });
    };
    for (const queue of wanted.length ? own.filter((x) => wanted.includes(x)) : own) group([queue], [], queue);
    const rest = wanted.filter((x) => !own.includes(x));
    if (wanted.length === 0 || rest.length > 0) group(rest, own, SITE_DEFAULTS);
    pieces.push({ index: pieces.length, from_s: pf, to_s: pt, groups });
  }
  const overrides = OVERRIDABLE.filter((k) => q[k] !== undefined);
  return {
    site, tz, from_s, to_s, queues: wanted, overrides, pieces, resolver,
    definitionAtEnd(queue) {
      const resolved = resolver.at(site, queue, to_s * 1000 - 1);
      return { resolved, def: applyOverrides(resolved.settings, q) };
    },
  };
}

export function fragmentParams(plan: ReadPlan, piece: PlanPiece, g: PlanGroup, by: PeriodBy): Record<string, unknown> {
  const cal = createCalendar(g.resolved.calendar.spec);
  return {
    site: plan.site, from_s: piece.from_s, to_s: piece.to_s, by, tz: plan.tz, cal_tz: cal.tz,
    queues: g.queues, exclude_queues: g.exclude,
    threshold_s: g.def.threshold_s, strict: g.def.strict, short_abandon_s: g.def.short_abandon_s,
    include_out_of_hours: g.def.include_out_of_hours,
    always_open: cal.alwaysOpen,
    holidays: cal.holidays,
    // Opening ranges per ISO weekday (Monday first), as [from, to) seconds of the local day.
    range_from: cal.rangesS.map((d) => d.map(([a]) => a)),
    range_to: cal.rangesS.map((d) => d.map(([, b]) => b)),
  };
}

export async function rows<T>(ch: ClickHouse, query: string, params: Record<string, unknown>, what: string): Promise<T[]> {
  try {
    const rs = await ch.client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } });
    return await rs.json<T>();
  } catch (err) {
    throw new ProcessorStoreError(`${what} failed`, { cause: err });
  }
}

/**
 * Runs a query over the classified stints (`{{stints}}`) for every piece and group of the plan:
 * the clean buckets the group can read whole from the stint rollup, the rest from the stints
 * (kpi-rollup.ts); the rows of both come back together, for the caller to add up.
 */
async function eachGroupRolled<T>(ch: ClickHouse, plan: ReadPlan, by: PeriodBy, o: Pick<KpiReadOptions, 'rollup'>, query: string, params: (piece: PlanPiece, g: PlanGroup) => Record<string, unknown>, what: string) {
  const state = o.rollup === false ? null : await readRollupState(ch, STINTS_KIND, plan.site, plan.from_s, plan.to_s);
  return eachGroup(plan, async (piece, g) => {
    const split = splitPiece(state, piece.from_s, piece.to_s, plan.tz, by, g.resolved.calendar.spec);
    const out: T[] = [];
    if (split.days.from.length + split.quarters.from.length > 0) out.push(...(await rows<T>(ch, query.replace('{{stints}}', rolledStints(split)), params(piece, g), what)));
    if (split.scan.from.length > 0) out.push(...(await rows<T>(ch, query.replace('{{stints}}', split.scan.from.length === 1 && split.scan.from[0] === piece.from_s && split.scan.to[0] === piece.to_s ? allStints : scannedStints(split.scan)), params(piece, g), what)));
    return out;
  });
}

/** Runs `read` for every piece and group of the plan, one query at a time (chDB is one engine). */
async function eachGroup<T>(plan: ReadPlan, read: (piece: PlanPiece, g: PlanGroup) => Promise<T[]>): Promise<Array<{ piece: PlanPiece; g: PlanGroup; rows: T[] }>> {
  const out: Array<{ piece: PlanPiece; g: PlanGroup; rows: T[] }> = [];
  for (const piece of plan.pieces) for (const g of piece.groups) out.push({ piece, g, rows: await read(piece, g) });
  return out;
}

// ------------------------------------------------------------------ sums per queue and period

type SqlSums = Record<keyof KpiSums | 'queue' | 'period', unknown>;
const SQL_SUM_KEYS = (Object.keys(emptySums()) as Array<keyof KpiSums>).filter((k) => !(DERIVED_SUMS as readonly string[]).includes(k));

function toSums(r: SqlSums, def: QueueSettings): KpiSums {
  const s = emptySums();
  for (const k of SQL_SUM_KEYS) {
    const v = r[k];
    if (k === 'max_wait') s.max_wait = v === null || v === undefined ? null : Number(v);
    else s[k] = Number(v);
  }
  return withDefinition(s, def);
}

/** Sums of one (queue, period) with what judged them. */
export interface PeriodSums {
  queue: string;
  period: string;
  sums: KpiSums;
  /** The definition of the newest piece that has stints in the period, with overrides applied. */
  def: QueueSettings;
  resolved: ResolvedDefinition;
  /** Stints of the period were judged by more than one definition. */
  spans_change: boolean;
}

/** Integer sums per queue and local period over the plan, each piece by its own definition. */
export async function readPeriodSums(ch: ClickHouse, plan: ReadPlan, by: PeriodBy, o: Pick<KpiReadOptions, 'rollup'> = {}): Promise<PeriodSums[]> {
  const parts = await eachGroupRolled<SqlSums>(ch, plan, by, o, Q.kpiSums, (piece, g) => fragmentParams(plan, piece, g, by), 'KPI query');
  const out = new Map<string, PeriodSums & { key: string }>();
  for (const { g, rows: rs } of parts) {
    for (const r of rs) {
      const queue = String(r.queue);
      const period = String(r.period);
      const sums = toSums(r, g.def);
      const k = `${queue}\0${period}`;
      const prev = out.get(k);
      if (!prev) {
        out.set(k, { queue, period, sums, def: g.def, resolved: g.resolved, spans_change: false, key: g.key });
        continue;
      }
      mergeSums(prev.sums, sums);
      // Pieces come in time order: the newest piece's definition states the row.
      if (prev.key !== g.key) prev.spans_change = true;
      prev.def = g.def;
      prev.resolved = g.resolved;
      prev.key = g.key;
    }
  }
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...out.values()].map(({ key: _key, ...p }) => p).sort((a, b) => cmp(a.queue, b.queue) || cmp(a.period, b.period));
}

/** Holidays of the calendar that fall in a period (`YYYY-MM` or a period starting with a date). */
export function holidaysIn(spec: SiteCalendarSpec, period: string): string[] {
  const prefix = period.length === 7 ? period : period.slice(0, 10);
  return (spec.holidays ?? []).filter((h) => h.startsWith(prefix)).sort();
}

/** The definition a row or a report states: settings, versions, calendar, holidays, overrides. */
export function statedDefinition(plan: Pick<ReadPlan, 'site' | 'tz' | 'overrides'>, p: { def: QueueSettings; resolved: ResolvedDefinition; spans_change: boolean }, holidays: string[]): StatedDefinition {
  return stateDefinition(p.def, p.resolved, { site: plan.site, tz: plan.tz, holidays, overrides: plan.overrides, spans_change: p.spans_change });
}

export async function resolverFor(ch: ClickHouse, o: KpiReadOptions): Promise<DefinitionResolver> {
  return loadResolver(ch, { defaultTz: o.defaultTz, ...(o.baseSettings ? { settings: o.baseSettings } : {}), ...(o.baseCalendars ? { calendars: o.baseCalendars } : {}) });
}

/** KPI rows (docs/interfaces.md): the same for `tablero kpis`, /api/kpis and the Reports page. */
export async function queryKpis(ch: ClickHouse, q: KpiQuery, o: KpiReadOptions = { defaultTz: 'UTC' }): Promise<KpiRow[]> {
  const plan = planRead(await resolverFor(ch, o), q, o);
  return (await readPeriodSums(ch, plan, q.by ?? 'day', o)).map((p) => ({
    queue: p.queue,
    period: p.period,
    ...figures(p.sums),
    definition: statedDefinition(plan, p, holidaysIn(p.resolved.calendar.spec, p.period)),
  }));
}

// ------------------------------------------------------------------ charts beyond the KPI rows

/** Lower edges (seconds) of the wait buckets; the last bucket is open-ended. */
export const WAIT_EDGES_S: readonly number[] = [0, 10, 20, 30, 45, 60, 90, 120, 180, 300];

/** Counted answered and abandoned stints per wait bucket (the Reports page's wait distribution). */
export async function queryWaitDistribution(ch: ClickHouse, q: KpiQuery, o: KpiReadOptions, edges: readonly number[] = WAIT_EDGES_S): Promise<WaitDistribution> {
  const plan = planRead(await resolverFor(ch, o), q, o);
  const out: WaitBucket[] = edges.map((from, i) => ({ from_s: from, to_s: edges[i + 1] ?? null, answered: 0, abandoned: 0 }));
  const parts = await eachGroupRolled<{ outcome: string; bucket: unknown; calls: unknown }>(
    // No period here: 'month' lets the most days be read from the rollup.
    ch, plan, 'month', o, Q.waitBuckets, (piece, g) => ({ ...fragmentParams(plan, piece, g, 'month'), edges }), 'wait distribution query',
  );
  for (const { rows: rs } of parts) {
    for (const r of rs) {
      const b = out[Number(r.bucket) - 1];
      if (!b) continue; // bucket 0 would be a negative wait, which the parser never produces
      if (r.outcome === 'answered') b.answered += Number(r.calls);
      else if (r.outcome === 'abandoned') b.abandoned += Number(r.calls);
    }
  }
  return { tz: plan.tz, buckets: out };
}

/** Counted answered stints per queue and agent over the plan. */
export async function readAgentSums(ch: ClickHouse, plan: ReadPlan): Promise<AgentSumsRow[]> {
  const parts = await eachGroup(plan, (piece, g) => rows<Record<keyof AgentSumsRow, unknown>>(ch, Q.agentSums, fragmentParams(plan, piece, g, 'day'), 'agent sums query'));
  const by = new Map<string, AgentSumsRow>();
  for (const { rows: rs } of parts) {
    for (const r of rs) {
      const queue = String(r.queue);
      const agent = String(r.agent);
      const k = `${queue}\0${agent}`;
      let a = by.get(k);
      if (!a) by.set(k, (a = { queue, agent, answered: 0, answered_wait_sum: 0, answered_wait_n: 0, talk_sum: 0, talk_n: 0 }));
      a.answered += Number(r.answered);
      a.answered_wait_sum += Number(r.answered_wait_sum);
      a.answered_wait_n += Number(r.answered_wait_n);
      a.talk_sum += Number(r.talk_sum);
      a.talk_n += Number(r.talk_n);
    }
  }
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...by.values()].sort((x, y) => cmp(x.queue, y.queue) || cmp(x.agent, y.agent));
}

/** Agent performance and pauses over the range (the Reports page's agent charts). */
export async function queryAgentPerformance(ch: ClickHouse, q: KpiQuery, o: KpiReadOptions): Promise<AgentReport> {
  const plan = planRead(await resolverFor(ch, o), q, o);
  const sums = (await readAgentSums(ch, plan)).filter((r) => r.agent !== '');
  const pauses = await rows<{ agent: string; reason: string; pause_s: unknown }>(
    ch, Q.agentPauses, { site: plan.site, from_s: plan.from_s, to_s: plan.to_s, queues: plan.queues }, 'agent pauses query',
  );
  const by = new Map<string, AgentPerformance & { talk_n: number }>();
  const get = (agent: string): AgentPerformance & { talk_n: number } => {
    let a = by.get(agent);
    if (!a) by.set(agent, (a = { agent, answered: 0, aht_s: null, talk_s: 0, talk_n: 0, pause_s: 0, pause_by_reason: {} }));
    return a;
  };
  for (const c of sums) {
    const a = get(c.agent);
    a.answered += c.answered;
    a.talk_s += c.talk_sum;
    a.talk_n += c.talk_n;
  }
  const reasons = new Set<string>();
  for (const p of pauses) {
    const a = get(p.agent);
    a.pause_by_reason[p.reason] = (a.pause_by_reason[p.reason] ?? 0) + Number(p.pause_s);
    a.pause_s += Number(p.pause_s);
    reasons.add(p.reason);
  }
  const collator = new Intl.Collator('en', { numeric: true });
  return {
    tz: plan.tz,
    agents: [...by.values()].sort((x, y) => collator.compare(x.agent, y.agent)).map(({ talk_n, ...a }) => ({ ...a, aht_s: ratio2(a.talk_s, talk_n) })),
    reasons: [...reasons].sort(collator.compare),
  };
}
