// KPI rows for any range and definition override, from stored stints (`tablero kpis`,
// GET /api/kpis). SQL returns integer sums per queue and local period (queries/kpi-sums.sql);
// the ratios come from kpi-math figures(), the one definition of the math.
import { readFileSync } from 'node:fs';
import { DEFAULT_SITE } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import type { KpiRow, SlFormula } from '../contract.ts';
import { createCalendar, localToEpoch, type PeriodBy, type SiteCalendarSpec } from '../core/calendar.ts';
import { emptySums, figures, type KpiSums } from '../core/kpi-math.ts';
import { defaultProcessorSettings, queueSettings, type ProcessorSettings, type QueueSettings } from '../core/settings.ts';
import { ProcessorStoreError } from './store.ts';

const KPI_SUMS_SQL = readFileSync(new URL('./queries/kpi-sums.sql', import.meta.url), 'utf8');

export interface KpiQuery {
  /** `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS]` (local time in `tz`), or ISO with `Z`/offset. */
  from: string;
  /** Exclusive, same formats as `from`. */
  to: string;
  queues?: string[];
  by?: PeriodBy;
  formula?: SlFormula;
  threshold_s?: number;
  strict?: boolean;
  short_abandon_s?: number;
  /** Time zone of the periods and of local `from`/`to`; default the calendar's, else UTC. */
  tz?: string;
  site?: string;
  /** Queue settings giving the defaults of every option above; default the built-in defaults. */
  settings?: ProcessorSettings;
  /** Site calendar deciding out of hours; default open 24 h. */
  calendar?: SiteCalendarSpec;
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

type SqlSums = Record<keyof KpiSums | 'queue' | 'period', unknown>;

const SUM_KEYS = Object.keys(emptySums()) as Array<keyof KpiSums>;

function toSums(r: SqlSums): KpiSums {
  const s = emptySums();
  for (const k of SUM_KEYS) {
    const v = r[k];
    if (k === 'max_wait') s.max_wait = v === null || v === undefined ? null : Number(v);
    else s[k] = Number(v);
  }
  return s;
}

/** The sums the SQL computes for one definition (exported for the SQL-vs-addStint test). */
export async function queryKpiSums(
  ch: ClickHouse,
  p: { site: string; from_s: number; to_s: number; by: PeriodBy; tz: string; queues: string[]; exclude_queues: string[]; def: QueueSettings; calendar: SiteCalendarSpec | undefined },
): Promise<Array<{ queue: string; period: string; sums: KpiSums }>> {
  const cal = createCalendar(p.calendar ?? { tz: p.tz });
  try {
    const rs = await ch.client.query({
      query: KPI_SUMS_SQL,
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
      query_params: {
        site: p.site, from_s: p.from_s, to_s: p.to_s, by: p.by, tz: p.tz, queues: p.queues, exclude_queues: p.exclude_queues,
        threshold_s: p.def.threshold_s, strict: p.def.strict, short_abandon_s: p.def.short_abandon_s,
        include_out_of_hours: p.def.include_out_of_hours,
        always_open: cal.alwaysOpen,
        // The calendar's own tz decides its hours; periods use p.tz. Ranges are local to the calendar tz.
        holidays: cal.holidays,
        // Opening ranges per ISO weekday (Monday first), as [from, to) seconds of the local day.
        range_from: cal.rangesS.map((d) => d.map(([a]) => a)),
        range_to: cal.rangesS.map((d) => d.map(([, b]) => b)),
      },
    });
    const rows = await rs.json<SqlSums>();
    return rows.map((r) => ({ queue: String(r.queue), period: String(r.period), sums: toSums(r) }));
  } catch (err) {
    throw new ProcessorStoreError('KPI query failed', { cause: err });
  }
}

export async function queryKpis(ch: ClickHouse, q: KpiQuery): Promise<KpiRow[]> {
  const site = q.site ?? DEFAULT_SITE;
  const tz = q.tz ?? q.calendar?.tz ?? 'UTC';
  const by = q.by ?? 'day';
  const settings = q.settings ?? defaultProcessorSettings();
  const from_s = parseBound(q.from, tz);
  const to_s = parseBound(q.to, tz);
  if (!(from_s < to_s)) throw new KpiQueryError(`from (${q.from}) must be before to (${q.to}); to is exclusive`);
  if (q.calendar && q.calendar.tz !== tz) {
    // The SQL evaluates opening hours in the period tz; a calendar in another tz would be misread.
    throw new KpiQueryError(`the site calendar is in ${q.calendar.tz}; ask for periods in that time zone`);
  }
  const effective = (queue: string): QueueSettings => {
    const s = queueSettings(settings, site, queue);
    return {
      ...s,
      formula: q.formula ?? s.formula,
      threshold_s: q.threshold_s ?? s.threshold_s,
      strict: q.strict ?? s.strict,
      short_abandon_s: q.short_abandon_s ?? s.short_abandon_s,
    };
  };
  // Queues with their own settings are queried on their own; the rest share the site defaults.
  const overridden = Object.keys((settings.sites[site] ?? settings.defaultSite).queues);
  const wanted = q.queues ?? [];
  const groups: Array<{ queues: string[]; exclude: string[]; def: QueueSettings }> = [];
  const own = wanted.length ? overridden.filter((x) => wanted.includes(x)) : overridden;
  for (const queue of own) groups.push({ queues: [queue], exclude: [], def: effective(queue) });
  const rest = wanted.length ? wanted.filter((x) => !overridden.includes(x)) : [];
  if (wanted.length === 0 || rest.length > 0) groups.push({ queues: rest, exclude: overridden, def: effective('\0site-defaults') });
  const out: KpiRow[] = [];
  for (const g of groups) {
    const rows = await queryKpiSums(ch, { site, from_s, to_s, by, tz, queues: g.queues, exclude_queues: g.exclude, def: g.def, calendar: q.calendar });
    for (const r of rows) {
      out.push({
        queue: r.queue,
        period: r.period,
        ...figures(r.sums, g.def),
        definition: { formula: g.def.formula, threshold_s: g.def.threshold_s, strict: g.def.strict, short_abandon_s: g.def.short_abandon_s, tz },
      });
    }
  }
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort((a, b) => cmp(a.queue, b.queue) || cmp(a.period, b.period));
}
