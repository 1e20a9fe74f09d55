// `tablero funnel`: the call funnel per service and period from the stored CDR and stints,
// exactly as docs/kpi-definitions.md §13 defines it (the same rows as GET /api/funnel).
import type { Command } from '../cli.ts';
import type { FunnelQuery, FunnelRow } from '@tablero/processor/contract';
import { queryFunnel } from '@tablero/processor';
import { readStoredOrApi } from './api-client.ts';
import { parseKpiOptions } from './kpis.ts';
import { stringList } from './usage.ts';

export function toFunnelParams(q: FunnelQuery): URLSearchParams {
  const p = new URLSearchParams({ from: q.from, to: q.to });
  for (const s of q.services ?? []) p.append('service', s);
  if (q.by) p.set('by', q.by);
  if (q.tz) p.set('tz', q.tz);
  if (q.site) p.set('site', q.site);
  return p;
}

const COLUMNS: Array<[string, keyof FunnelRow]> = [
  ['ingresadas', 'ingresadas'], ['IVR only', 'ivr_only'], ['asked agent', 'asked_agent'], ['lost before queue', 'lost_before_queue'],
  ['refused', 'refused'], ['offered', 'offered'], ['answered', 'answered'], ['within T', 'answered_within'], ['abandoned', 'abandoned'], ['other exit', 'other_exit'],
];

export function renderFunnel(rows: FunnelRow[]): string {
  if (rows.length === 0) return 'no inbound calls in that range (services come from TABLERO_FUNNEL)\n';
  const header = ['service', 'period', ...COLUMNS.map(([h]) => h)];
  const body = rows.map((r) => [r.service, r.period, ...COLUMNS.map(([, k]) => String(r[k]))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const defs = new Map<string, FunnelRow['definition']>();
  for (const r of rows) defs.set(r.service, r.definition);
  const notes = [...defs].map(([service, d]) =>
    `${service}: inbound = a leg in ${d.contexts.length ? `context ${d.contexts.join(' or ')}` : 'any context'}` +
      `${d.dids.length ? ` to ${d.dids.join(' or ')}` : ''}, IVR option from ${d.ivr_source}` +
      `${d.agent_options.length ? ` (agent options ${d.agent_options.join(', ')})` : ''}` +
      `, T ${d.thresholds.length ? d.thresholds.map((t) => `${t.queue} ${t.threshold_s} s${t.strict ? ' strict' : ''}`).join(', ') : 'of the answering queue'}` +
      `, site ${d.site}, time zone ${d.tz}${d.spans_change ? '; a T changed inside the range: each call judged by the one in force' : ''}`,
  );
  return `${[line(header), ...body.map(line)].join('\n')}\n\n${[...notes, '(calls, not stints: docs/kpi-definitions.md §13)'].join('\n')}\n`;
}

export const funnelCommand: Command = {
  summary: 'the call funnel per service and period from the stored CDR (table, or --json rows)',
  usage: `Usage: tablero funnel --from DATE --to DATE [--service S]... [--by month|day|hour|interval] [--tz ZONE] [--site ID] [--json]
  --to is exclusive. Counts calls (CDR legs grouped by linkedid, else uniqueid) of the services
  TABLERO_FUNNEL configures: ingresadas, IVR only, asked for an agent, lost before the queue,
  refused, offered, answered, answered within the answering queue's T, abandoned, other exits.`,
  options: {
    from: { type: 'string' }, to: { type: 'string' }, service: { type: 'string', multiple: true }, by: { type: 'string' },
    tz: { type: 'string' }, site: { type: 'string' }, json: { type: 'boolean', default: false },
  },
  async run(values) {
    const k = parseKpiOptions({ from: values.from, to: values.to, by: values.by, tz: values.tz, site: values.site });
    const q: FunnelQuery = { from: k.from, to: k.to, ...(k.by ? { by: k.by } : {}), ...(k.tz ? { tz: k.tz } : {}), ...(k.site ? { site: k.site } : {}) };
    const services = stringList(values.service);
    if (services.length) q.services = services;
    const rows = await readStoredOrApi<FunnelRow[]>('funnel', `/api/funnel?${toFunnelParams(q).toString()}`, (ch, cfg) =>
      queryFunnel(ch, q, { defaultTz: cfg.siteTz, defaultSite: cfg.TABLERO_SITE, funnel: cfg.TABLERO_FUNNEL }),
    );
    process.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : renderFunnel(rows));
    return 0;
  },
};
