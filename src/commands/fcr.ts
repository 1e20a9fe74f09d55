// `tablero fcr`: calls typified per category, declared and measured first-contact resolution and
// the repeat-call rate per queue and period (docs/kpi-definitions.md §14; the rows of GET /api/fcr).
import type { Command } from '../cli.ts';
import type { FcrQuery, FcrRow } from '@tablero/processor/contract';
import { queryFcr } from '@tablero/processor';
import { readStoredOrApi } from './api-client.ts';
import { parseKpiOptions, toSearchParams } from './kpis.ts';

export function renderFcr(rows: FcrRow[]): string {
  if (rows.length === 0) return 'no answered calls in that range\n';
  const pct = (v: number | null): string => (v === null ? '-' : String(v));
  const header = ['queue', 'period', 'answered', 'typified', 'resolved', 'escalated', 'declared FCR %', 'eligible', 'repeats', 'ticket', 'measured FCR %', 'repeat %'];
  const body = rows.map((r) => [
    r.queue, r.period, String(r.answered), String(r.typified), String(r.declared_resolved), String(r.declared_escalated), pct(r.declared_fcr_pct),
    String(r.eligible), String(r.repeat_calls), String(r.with_ticket), pct(r.measured_fcr_pct), pct(r.repeat_rate_pct),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const d = rows[rows.length - 1]?.definition;
  const notes = d
    ? [
        `declared FCR = typified resolved (${d.resolved.join(', ')}) / typified (queue_log '${d.verb}' events, category field ${d.category_field}, result field ${d.result_field})`,
        `measured FCR = answered calls from a known number whose caller did not enter the same queue again within ${d.repeat_window_days} days and that led to no ticket / those calls` +
          (rows.some((r) => !r.definition.window_complete) ? '; some calls are younger than the window: measured figures can still fall' : ''),
        `site ${d.site}, time zone ${d.tz} (docs/kpi-definitions.md §14)`,
      ]
    : [];
  return `${[line(header), ...body.map(line)].join('\n')}\n\n${notes.join('\n')}\n`;
}

export const fcrCommand: Command = {
  summary: 'typification and first-contact resolution (declared and measured) per queue and period',
  usage: `Usage: tablero fcr --from DATE --to DATE [--queue Q]... [--by month|day|hour|interval] [--tz ZONE] [--site ID] [--json]
  --to is exclusive. Typification events and the repeat window come from TABLERO_TYPIFICATION.`,
  options: {
    from: { type: 'string' }, to: { type: 'string' }, queue: { type: 'string', multiple: true }, by: { type: 'string' },
    tz: { type: 'string' }, site: { type: 'string' }, json: { type: 'boolean', default: false },
  },
  async run(values) {
    const k = parseKpiOptions({ from: values.from, to: values.to, queue: values.queue, by: values.by, tz: values.tz, site: values.site });
    const q: FcrQuery = { from: k.from, to: k.to, ...(k.queues ? { queues: k.queues } : {}), ...(k.by ? { by: k.by } : {}), ...(k.tz ? { tz: k.tz } : {}), ...(k.site ? { site: k.site } : {}) };
    const rows = await readStoredOrApi<FcrRow[]>('fcr', `/api/fcr?${toSearchParams(k).toString()}`, (ch, cfg) =>
      queryFcr(ch, q, { defaultTz: cfg.siteTz, defaultSite: cfg.TABLERO_SITE, typification: cfg.TABLERO_TYPIFICATION }),
    );
    process.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : renderFcr(rows));
    return 0;
  },
};
