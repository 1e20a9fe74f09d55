// `tablero kpis`: KPI rows from stored stints, exactly as docs/kpi-definitions.md defines them.
import type { Command } from '../cli.ts';
import { KPI_GROUPINGS, SL_FORMULAS, type KpiGrouping, type KpiQuery, type KpiRow, type SlFormula } from '@tablero/processor/contract';
import { queryKpis } from '@tablero/processor/kpi-query';
import { readStoredOrApi } from './api-client.ts';
import { UsageError, intOption, stringList } from './usage.ts';

const SITE = /^[A-Za-z0-9_-]{1,64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/;


export function parseKpiOptions(values: Record<string, unknown>): KpiQuery {
  const from = values.from;
  const to = values.to;
  if (typeof from !== 'string' || !DATE.test(from)) throw new UsageError('--from must be YYYY-MM-DD (or YYYY-MM-DDTHH:MM)');
  if (typeof to !== 'string' || !DATE.test(to)) throw new UsageError('--to must be YYYY-MM-DD (or YYYY-MM-DDTHH:MM), exclusive');
  if (from >= to) throw new UsageError(`--from (${from}) must be before --to (${to}); --to is exclusive`);
  const q: KpiQuery = { from, to };
  const queues = stringList(values.queue);
  if (queues.length) q.queues = queues;
  if (values.by !== undefined) {
    if (!(KPI_GROUPINGS as readonly unknown[]).includes(values.by)) throw new UsageError(`--by must be one of ${KPI_GROUPINGS.join(', ')}`);
    q.by = values.by as KpiGrouping;
  }
  if (values.formula !== undefined) {
    if (!SL_FORMULAS.includes(values.formula as SlFormula)) throw new UsageError(`--formula must be one of ${SL_FORMULAS.join(', ')}`);
    q.formula = values.formula as SlFormula;
  }
  const threshold = intOption('threshold', values.threshold);
  if (threshold !== undefined) q.threshold_s = threshold;
  const short = intOption('short-abandon', values['short-abandon']);
  if (short !== undefined) q.short_abandon_s = short;
  if (typeof values.strict === 'boolean') q.strict = values.strict;
  if (values.tz !== undefined) {
    const tz = String(values.tz);
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
    } catch {
      throw new UsageError(`--tz must be an IANA time zone (e.g. America/La_Paz), got '${tz}'`);
    }
    q.tz = tz;
  }
  if (values.site !== undefined) {
    if (typeof values.site !== 'string' || !SITE.test(values.site)) throw new UsageError('--site must be 1 to 64 letters, digits, _ or -');
    q.site = values.site;
  }
  return q;
}

export function toSearchParams(q: KpiQuery): URLSearchParams {
  const p = new URLSearchParams({ from: q.from, to: q.to });
  for (const queue of q.queues ?? []) p.append('queue', queue);
  if (q.by) p.set('by', q.by);
  if (q.formula) p.set('formula', q.formula);
  if (q.threshold_s !== undefined) p.set('threshold', String(q.threshold_s));
  if (q.strict !== undefined) p.set('strict', String(q.strict));
  if (q.short_abandon_s !== undefined) p.set('short_abandon', String(q.short_abandon_s));
  if (q.tz) p.set('tz', q.tz);
  if (q.site) p.set('site', q.site);
  return p;
}

function fmt(v: number | null): string {
  return v === null ? '-' : String(v);
}

export function renderTable(rows: KpiRow[]): string {
  if (rows.length === 0) return 'no stints in that range\n';
  const header = ['queue', 'period', 'offered', 'answered', 'within T', 'abandoned', 'SL %', 'aband. %', 'ASA s', 'AHT s', 'longest s'];
  const body = rows.map((r) => [
    r.queue, r.period, String(r.offered), String(r.answered), String(r.answered_within), String(r.abandoned),
    fmt(r.sl_pct), fmt(r.abandon_rate_pct), fmt(r.asa_s), fmt(r.aht_s), fmt(r.longest_wait_s),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return `${[line(header), ...body.map(line)].join('\n')}\n\n${definitionLines(rows).join('\n')}\n`;
}

/** One line per queue stating the definition of its rows (docs/kpi-definitions.md). */
export function definitionLines(rows: KpiRow[]): string[] {
  const byQueue = new Map<string, KpiRow['definition'][]>();
  for (const r of rows) byQueue.set(r.queue, [...(byQueue.get(r.queue) ?? []), r.definition]);
  const out: string[] = [];
  for (const [queue, defs] of byQueue) {
    const d = defs[defs.length - 1] as KpiRow['definition'];
    const holidays = [...new Set(defs.flatMap((x) => x.holidays))];
    out.push(
      `${queue}: SL formula '${d.formula}', T = ${d.threshold_s} s${d.strict ? ' (strict <)' : ' (inclusive <=)'}, short abandon ${d.short_abandon_s} s` +
        `, settings v${d.settings_version} (site defaults v${d.site_defaults_version}), calendar v${d.calendar_version} (${d.calendar_tz})` +
        `, holidays ${holidays.length ? holidays.join(' ') : 'none'}, site ${d.site}, time zone ${d.tz}` +
        (d.overrides.length ? `; set by this command: ${d.overrides.join(', ')}` : '') +
        (defs.some((x) => x.spans_change) ? '; the definition changed inside the range: each call was judged by the one in force when it entered' : ''),
    );
  }
  out.push('(docs/kpi-definitions.md)');
  return out;
}

/** The options of a KPI query (`tablero kpis`, and the commands that take its filters). */
export const KPI_OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  queue: { type: 'string', multiple: true },
  by: { type: 'string' },
  formula: { type: 'string' },
  threshold: { type: 'string' },
  strict: { type: 'boolean' },
  'short-abandon': { type: 'string' },
  tz: { type: 'string' },
  site: { type: 'string' },
} as const satisfies Command['options'];

export const kpisCommand: Command = {
  summary: 'KPI rows from the stored data (table, or --json rows)',
  usage: `Usage: tablero kpis --from DATE --to DATE [--queue Q]... [--by month|day|hour|interval]
       [--formula F] [--threshold S] [--strict] [--short-abandon S] [--tz ZONE] [--site ID] [--json]
  --to is exclusive. Each queue's stored definition and the site calendar apply (each call by the
  version in force when it entered); --formula, --threshold, --strict and --short-abandon override
  them for the whole range, and the definition line says so. --site defaults to TABLERO_SITE.`,
  options: { ...KPI_OPTIONS, json: { type: 'boolean', default: false } },
  async run(values) {
    const q = parseKpiOptions(values);
    const rows = await readStoredOrApi<KpiRow[]>('kpis', `/api/kpis?${toSearchParams(q).toString()}`, (ch, cfg) =>
      queryKpis(ch, q, { defaultTz: cfg.siteTz, defaultSite: cfg.TABLERO_SITE }),
    );
    process.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : renderTable(rows));
    return 0;
  },
};
