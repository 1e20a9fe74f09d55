// `tablero contacts`: the channel figures of contacts (chat, video, email, web form, social) per
// channel and period, exactly as docs/kpi-definitions.md §15 defines them (the same rows as GET
// /api/contacts/kpis, read by the processor's one contact read).
import { CONTACT_CHANNELS } from '@tablero/ingest/contract';
import { CONTACT_GROUPINGS, type ContactGrouping, type ContactKpiQuery, type ContactKpiRow } from '@tablero/processor/contract';
import { queryContactKpis } from '@tablero/processor';
import type { Command } from '../cli.ts';
import { readStoredOrApi } from './api-client.ts';
import { parseKpiOptions } from './kpis.ts';
import { UsageError, stringList } from './usage.ts';

export function toContactParams(q: ContactKpiQuery): URLSearchParams {
  const p = new URLSearchParams({ from: q.from, to: q.to });
  for (const c of q.channels ?? []) p.append('channel', c);
  if (q.by) p.set('by', q.by);
  if (q.tz) p.set('tz', q.tz);
  if (q.site) p.set('site', q.site);
  return p;
}

const n = (v: number | null): string => (v === null ? '-' : String(v));

const COLUMNS: Array<[string, (r: ContactKpiRow) => string]> = [
  ['received', (r) => String(r.received)], ['answered', (r) => String(r.answered)], ['abandoned', (r) => String(r.abandoned)],
  ['unanswered', (r) => String(r.unanswered)], ['waiting', (r) => String(r.waiting)], ['within', (r) => String(r.answered_within)],
  ['within %', (r) => n(r.within_pct)], ['1st resp avg s', (r) => n(r.first_response_avg_s)], ['1st resp max s', (r) => n(r.first_response_max_s)],
  ['handle avg s', (r) => n(r.handle_avg_s)], ['rated', (r) => String(r.rated)], ['CSAT %', (r) => n(r.csat_pct)],
];

export function renderContacts(rows: ContactKpiRow[]): string {
  if (rows.length === 0) return 'no contacts in that range\n';
  const header = ['channel', 'period', ...COLUMNS.map(([h]) => h)];
  const body = rows.map((r) => [r.channel, r.period, ...COLUMNS.map(([, f]) => f(r))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const defs = new Map<string, ContactKpiRow['definition']>();
  for (const r of rows) defs.set(r.channel, r.definition);
  const notes = [...defs].map(([c, d]) =>
    `${c}: within = first response ${d.strict ? '<' : '<='} ${d.threshold_s} ${d.basis === 'business' ? 'business seconds of the site calendar' : 'seconds'} after arrival (settings v${d.settings_version}${d.spans_change ? '; changed inside the range: each contact judged by the version in force at its arrival' : ''})`,
  );
  return `${[line(header), ...body.map(line)].join('\n')}\n\n${[...notes, '(docs/kpi-definitions.md §15)'].join('\n')}\n`;
}

export const contactsCommand: Command = {
  summary: 'figures of contacts of other channels (chat, video, email, web form, social) per channel and period',
  usage: `Usage: tablero contacts --from DATE --to DATE [--channel C]... [--by month|day|hour] [--tz ZONE] [--site ID] [--json]
  --to is exclusive. Channels: ${CONTACT_CHANNELS.join(', ')}. Per channel and period of arrival: received,
  answered, abandoned, closed without an answer, waiting, answered within the channel's threshold
  (Settings; wall or business seconds of the site calendar), first-response time, handle time, ratings.`,
  options: {
    from: { type: 'string' }, to: { type: 'string' }, channel: { type: 'string', multiple: true }, by: { type: 'string' },
    tz: { type: 'string' }, site: { type: 'string' }, json: { type: 'boolean', default: false },
  },
  async run(values) {
    const k = parseKpiOptions({ from: values.from, to: values.to, tz: values.tz, site: values.site });
    const q: ContactKpiQuery = { from: k.from, to: k.to, ...(k.tz ? { tz: k.tz } : {}), ...(k.site ? { site: k.site } : {}) };
    if (values.by !== undefined) {
      if (!(CONTACT_GROUPINGS as readonly unknown[]).includes(values.by)) throw new UsageError(`--by must be one of ${CONTACT_GROUPINGS.join(', ')}`);
      q.by = values.by as ContactGrouping;
    }
    const channels = stringList(values.channel);
    for (const c of channels) if (!(CONTACT_CHANNELS as readonly string[]).includes(c)) throw new UsageError(`--channel must be one of ${CONTACT_CHANNELS.join(', ')}`);
    if (channels.length) q.channels = channels;
    const rows = await readStoredOrApi<ContactKpiRow[]>('contacts', `/api/contacts/kpis?${toContactParams(q).toString()}`, (ch, cfg) =>
      queryContactKpis(ch, q, { defaultTz: cfg.siteTz, defaultSite: cfg.TABLERO_SITE }),
    );
    process.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : renderContacts(rows));
    return 0;
  },
};
