// `tablero campaign`: outbound campaigns from the command line (issue 17, docs/interfaces.md):
// create, list, import a contact list or results, show the figures, write the consolidated
// file; and `tablero training`: import knowledge-test scores, show a month. With a running
// `tablero start` on the same data directory they go through its HTTP API with the local CLI
// token (embedded ClickHouse: one process per directory); otherwise they open the store.
import { readFile } from 'node:fs/promises';
import type { Campaign, CampaignDetail, CampaignSettings, CampaignListItem, CampaignResult, ImportReport, TrainingMonth } from '@tablero/processor/contract';
import { createCampaignsService } from '@tablero/processor/campaigns';
import { createQualityService } from '@tablero/processor/quality';
import type { Command } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { findRunning, type RunningInstance } from '../runtime.ts';
import { apiRequest } from './api-client.ts';
import { fileViaApi } from './export.ts';
import { withStore, writeOut } from './report-io.ts';
import { UsageError } from './usage.ts';

const CLI_USER = 'cli';

/** Through the running Tablero (`api`) or on the store opened here (`here`). */
async function either<T>(api: (running: RunningInstance) => Promise<T>, here: (svc: ReturnType<typeof createCampaignsService>, quality: ReturnType<typeof createQualityService>) => Promise<T>): Promise<T> {
  const cfg = loadConfig();
  const running = cfg.CLICKHOUSE_URL ? null : findRunning(cfg.dataDir);
  if (running) {
    process.stderr.write(`using the running Tablero at ${running.url} (it holds ${cfg.dataDir})\n`);
    return api(running);
  }
  return withStore(cfg, (ch, log) => here(createCampaignsService({ ch, log, tz: cfg.siteTz }), createQualityService({ ch, log, tz: cfg.siteTz })));
}

function value<T>(r: CampaignResult<T>): T {
  if (!r.ok) throw new UsageError(r.reason);
  return r.value;
}

function need(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} is required`);
  return v.trim();
}

async function readCsv(values: Record<string, unknown>): Promise<string> {
  const file = need(values, 'file');
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

function printReport(r: ImportReport): void {
  process.stdout.write(`lines ${r.lines}, accepted ${r.accepted} (new ${r.new}), rejected ${r.rejected}\n`);
  for (const x of r.reasons) process.stdout.write(`  line ${x.line}: ${x.reason}\n`);
}

const pct = (v: number | null): string => (v === null ? '-' : `${v.toFixed(2)} %`);

export function renderDetail(d: CampaignDetail): string {
  const f = d.figures;
  const lines = [
    `${d.campaign.name} (${d.campaign.campaign_id}) ${d.campaign.start_date} .. ${d.campaign.end_date}`,
    `list ${f.list_size}  attempted ${f.attempted}  attempts ${f.attempts}  per contact ${f.attempts_per_contact ?? '-'}  contacted ${f.contacted}  success ${f.success}`,
    `coverage ${pct(f.coverage_pct)}  contact rate ${pct(f.contact_rate_pct)}  effectiveness ${pct(f.effectiveness_pct)}`,
  ];
  for (const [title, rows] of [['by agent', d.by_agent], ['by day', d.by_day]] as const) {
    lines.push('', title);
    for (const r of rows) lines.push(`  ${r.key.padEnd(14)} attempts ${r.attempts}  attempted ${r.attempted}  contacted ${r.contacted}  success ${r.success}  effectiveness ${pct(r.effectiveness_pct)}`);
  }
  lines.push('', 'final result per contact', ...d.final_codes.map((c) => `  ${(c.code || '(not attempted)').padEnd(16)} ${c.contacts}`));
  return `${lines.join('\n')}\n`;
}

const campaignUsage = `Usage: tablero campaign list [--json]
       tablero campaign create --name NAME --from YYYY-MM-DD --to YYYY-MM-DD [--purpose TEXT] [--list NAME]
       tablero campaign contacts --campaign ID --file LIST.csv
       tablero campaign results --campaign ID --file RESULTS.csv
       tablero campaign show --campaign ID [--json]
       tablero campaign export --campaign ID --format csv|xlsx --out FILE [--lang es|en] [--sep ';'|',']
       tablero campaign settings [--prefixes 57,9] [--contexts from-internal,...] [--window SECONDS] [--codes CODES.json] [--json]
  settings  shows the settings (result codes, phone prefixes stripped by the phone rule, CDR contexts
            of outbound calls, the window matching a result to its CDR leg); the options change them.
            --codes: a JSON list of {code, label_es, label_en, contacted, success} replacing the codes.
  contacts  CSV with contact_id and phone columns (others are the contact's free fields); bad rows
            are rejected with their line and reason; importing the same list again changes nothing.
  results   CSV with contact_id, result (a result code of the settings), at (YYYY-MM-DD HH:MM site
            time, ISO with an offset, or epoch seconds), agent, optional note.
  show      list size, attempted, attempts per contact, contacted, success, coverage, contact rate,
            effectiveness, by agent and day (docs/kpi-definitions.md §16).
  export    the consolidated results file: one row per listed contact with its fields, final
            result, attempts, last attempt and agent.`;

export const campaignCommand: Command = {
  summary: 'outbound campaigns: create, import contact lists and results, figures, consolidated file',
  usage: campaignUsage,
  allowPositionals: true,
  options: {
    name: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, purpose: { type: 'string' }, list: { type: 'string' },
    campaign: { type: 'string' }, file: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, lang: { type: 'string' }, sep: { type: 'string' },
    json: { type: 'boolean', default: false }, prefixes: { type: 'string' }, contexts: { type: 'string' }, window: { type: 'string' }, codes: { type: 'string' },
  },
  async run(values, positionals) {
    const [sub, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    switch (sub) {
      case 'settings': {
        const patch: Record<string, unknown> = {};
        const split = (v: unknown): string[] => String(v).split(',').map((x) => x.trim()).filter((x) => x !== '');
        if (values.prefixes !== undefined) patch['phone_prefixes'] = split(values.prefixes);
        if (values.contexts !== undefined) patch['outbound_contexts'] = split(values.contexts);
        if (values.codes !== undefined) {
          try {
            patch['codes'] = JSON.parse(await readFile(String(values.codes), 'utf8')) as unknown;
          } catch (err) {
            throw new UsageError(`--codes must name a JSON file of result codes: ${(err as Error).message}`);
          }
        }
        if (values.window !== undefined) patch['match_window_s'] = /^\d{1,6}$/.test(String(values.window)) ? Number(values.window) : String(values.window);
        const change = Object.keys(patch).length > 0;
        const s = await either(
          (r) => (change ? apiRequest<CampaignSettings>(r, 'PUT', '/api/campaigns/settings', patch) : apiRequest<CampaignSettings>(r, 'GET', '/api/campaigns/settings')),
          async (svc) => (change ? value(await svc.saveSettings(patch, CLI_USER)) : svc.settings()),
        );
        process.stdout.write(values.json ? `${JSON.stringify(s, null, 2)}\n` : `prefixes ${s.phone_prefixes.join(',') || '-'}  contexts ${s.outbound_contexts.join(',') || 'any'}  window ${s.match_window_s} s\ncodes ${s.codes.map((c) => `${c.code}${c.success ? '(success)' : c.contacted ? '(contact)' : ''}`).join(' ')}\n`);
        return 0;
      }
      case 'list': {
        const list = await either((r) => apiRequest<CampaignListItem[]>(r, 'GET', '/api/campaigns'), (svc) => svc.list());
        process.stdout.write(values.json ? `${JSON.stringify(list, null, 2)}\n` : list.map((c) => `${c.campaign_id}  ${c.start_date}..${c.end_date}  ${String(c.list_size).padStart(7)}  ${c.name}\n`).join('') || 'no campaigns\n');
        return 0;
      }
      case 'create': {
        const input = { name: need(values, 'name'), start_date: need(values, 'from'), end_date: need(values, 'to'), purpose: values.purpose ?? '', target_list: values.list ?? '' };
        const c = await either((r) => apiRequest<Campaign>(r, 'POST', '/api/campaigns', input), async (svc) => value(await svc.create(input, CLI_USER)));
        process.stdout.write(`${c.campaign_id}\n`);
        return 0;
      }
      case 'contacts':
      case 'results': {
        const id = need(values, 'campaign');
        const csv = await readCsv(values);
        const r = await either(
          (run) => apiRequest<ImportReport>(run, 'POST', `/api/campaigns/${encodeURIComponent(id)}/${sub}`, { csv }),
          async (svc) => value(sub === 'contacts' ? await svc.importContacts(id, csv) : await svc.importResults(id, csv, `user:${CLI_USER}`)),
        );
        printReport(r);
        return r.rejected > 0 ? 2 : 0;
      }
      case 'show': {
        const id = need(values, 'campaign');
        const d = await either((r) => apiRequest<CampaignDetail>(r, 'GET', `/api/campaigns/${encodeURIComponent(id)}`), async (svc) => value(await svc.detail(id)));
        process.stdout.write(values.json ? `${JSON.stringify(d, null, 2)}\n` : renderDetail(d));
        return 0;
      }
      case 'export': {
        const id = need(values, 'campaign');
        const out = need(values, 'out');
        const format = values.format ?? 'xlsx';
        if (format !== 'csv' && format !== 'xlsx') throw new UsageError('--format must be csv or xlsx');
        const lang = values.lang ?? 'es';
        if (lang !== 'es' && lang !== 'en') throw new UsageError('--lang must be es or en');
        const sep = values.sep ?? ';';
        if (sep !== ';' && sep !== ',') throw new UsageError("--sep must be ';' or ','");
        const body = await either(
          (r) => fileViaApi(r, `/api/campaigns/${encodeURIComponent(id)}/file?${new URLSearchParams({ format, lang, sep }).toString()}`),
          async (svc) => value(await svc.file(id, { format, lang, sep })).body,
        );
        await writeOut(out, body);
        process.stdout.write(`${out}: ${body.length} bytes\n`);
        return 0;
      }
      default:
        throw new UsageError(sub === undefined ? `a subcommand is required\n${campaignUsage}` : `unknown subcommand '${sub}' (list, create, contacts, results, show, export or settings)`);
    }
  },
};

const trainingUsage = `Usage: tablero training import --file SCORES.csv
       tablero training show --month YYYY-MM [--json]
  import  CSV with agent, test, date (YYYY-MM-DD), score (0-100) and pass_mark columns; bad rows are
          rejected with their line and reason; the same agent, test and date again replaces the score.
  show    the month per agent and team: tests, passed, average, pass rate, trend, below the pass mark.`;

export const trainingCommand: Command = {
  summary: 'training / knowledge test scores: import a CSV, show a month per agent and team',
  usage: trainingUsage,
  allowPositionals: true,
  options: { file: { type: 'string' }, month: { type: 'string' }, json: { type: 'boolean', default: false } },
  async run(values, positionals) {
    const [sub, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const viewer = { username: CLI_USER, sees: { callerNumbers: 'full', agents: 'all', calibrations: 'all' } } as const;
    if (sub === 'import') {
      const csv = await readCsv(values);
      const r = await either((run) => apiRequest<ImportReport>(run, 'POST', '/api/qa/training/import', { csv }), async (_svc, qa) => value(await qa.importTraining(csv, viewer)));
      printReport(r);
      return r.rejected > 0 ? 2 : 0;
    }
    if (sub === 'show') {
      const month = need(values, 'month');
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new UsageError('--month must be YYYY-MM');
      const m = await either((run) => apiRequest<TrainingMonth>(run, 'GET', `/api/qa/training?month=${month}`), async (_svc, qa) => value(await qa.trainingMonth(month, null)));
      if (values.json) process.stdout.write(`${JSON.stringify(m, null, 2)}\n`);
      else {
        const num = (v: number | null): string => (v === null ? '-' : v.toFixed(2));
        const rows = [...m.teams.map((t) => `team  ${(t.team || '(no team)').padEnd(16)} tests ${t.tests}  avg ${num(t.avg_score)}  pass rate ${pct(t.pass_rate_pct)}  trend ${num(t.trend)}  below ${t.below}`),
          ...m.agents.map((a) => `agent ${a.agent.padEnd(16)} tests ${a.tests}  avg ${num(a.avg_score)}  pass rate ${pct(a.pass_rate_pct)}  trend ${num(a.trend)}${a.below_pass_mark ? '  BELOW the pass mark' : ''}`)];
        process.stdout.write(rows.length === 0 ? `no knowledge tests in ${month}\n` : `${rows.join('\n')}\n`);
      }
      return 0;
    }
    throw new UsageError(sub === undefined ? `a subcommand is required\n${trainingUsage}` : `unknown subcommand '${sub}' (import or show)`);
  },
};
