// `tablero export quarterly` and `tablero export close-quarter`: the quarterly complaints (PQRSD)
// report for the Superintendencia Financiera (issue 17, docs/interfaces.md). Like the monthly
// report: through a running `tablero start`'s API when one holds the data directory, else on
// the store. Also builds the dashboard's QuarterlyPort (composition root).
import type { Logger } from 'pino';
import type { ClickHouse } from '@tablero/sql';
import { CSV_SEPARATORS, REPORT_FORMATS, REPORT_LANGS, closeQuarter, closedQuarters, exportQuarterly, parseQuarter, type CsvSeparator, type ReportFormat, type ReportLang } from '@tablero/processor/reports';
import type { QuarterlyPort } from '@tablero/dashboard';
import type { Config } from '../config.ts';
import type { RunningInstance } from '../runtime.ts';
import { apiRequest } from './api-client.ts';
import { fetchFile, withStore, writeOut } from './report-io.ts';
import { UsageError } from './usage.ts';

/** The processor's quarterly report bound to one ClickHouse, site and time zone, as the dashboard needs it. */
export function quarterlyPort(ch: ClickHouse, log: Logger, site: string, tz: string): QuarterlyPort {
  const ctx = { ch, log, defaultTz: tz };
  return {
    quarterly: (q) => exportQuarterly(ctx, { site: q.site ?? site, quarter: q.quarter, format: q.format, lang: q.lang, ...(q.sep ? { sep: q.sep } : {}), nowMs: q.nowMs }),
    closeQuarter: (q) => closeQuarter(ctx, { site, quarter: q.quarter, closedBy: q.closedBy, nowMs: q.nowMs }),
    closedQuarters: () => closedQuarters(ctx, site),
  };
}

interface QuarterlyOptions {
  quarter: string;
  format: ReportFormat;
  lang: ReportLang;
  sep?: CsvSeparator;
  out: string;
  site?: string;
}

function quarterOf(values: Record<string, unknown>): string {
  const q = values['quarter'];
  if (typeof q !== 'string' || !parseQuarter(q)) throw new UsageError('--quarter must be YYYY-Qn, e.g. 2026-Q3');
  return q;
}

function parseOptions(values: Record<string, unknown>): QuarterlyOptions {
  const quarter = quarterOf(values);
  const format = values['format'];
  if (!REPORT_FORMATS.includes(format as ReportFormat)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
  const out = values['out'];
  if (typeof out !== 'string' || out.length === 0) throw new UsageError('--out FILE is required');
  const lang = values['lang'] ?? 'es';
  if (!REPORT_LANGS.includes(lang as ReportLang)) throw new UsageError('--lang must be es or en');
  const o: QuarterlyOptions = { quarter, format: format as ReportFormat, lang: lang as ReportLang, out };
  if (values['sep'] !== undefined) {
    if (!CSV_SEPARATORS.includes(values['sep'] as CsvSeparator)) throw new UsageError(`--sep must be ';' or ','`);
    if (o.format !== 'csv') throw new UsageError('--sep applies to --format csv only');
    o.sep = values['sep'] as CsvSeparator;
  }
  if (values['site'] !== undefined) {
    if (typeof values['site'] !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(values['site'])) throw new UsageError('--site must be 1 to 64 letters, digits, _ or -');
    o.site = values['site'];
  }
  for (const k of ['month', 'queue', 'by'] as const) if (values[k] !== undefined) throw new UsageError(`--${k} does not apply to the quarterly report`);
  return o;
}

async function fileViaApi(running: RunningInstance, o: QuarterlyOptions): Promise<{ body: Buffer; closed: boolean; changed: boolean }> {
  const p = new URLSearchParams({ quarter: o.quarter, format: o.format, lang: o.lang });
  if (o.sep) p.set('sep', o.sep);
  if (o.site) p.set('site', o.site);
  const res = await fetchFile(running, `/api/exports/quarterly?${p.toString()}`);
  return { body: Buffer.from(await res.arrayBuffer()), closed: res.headers.get('x-tablero-quarter') === 'closed', changed: res.headers.get('x-tablero-data-changed') === 'true' };
}

/** `tablero export quarterly ...` */
export async function runQuarterly(cfg: Config, running: RunningInstance | null, values: Record<string, unknown>): Promise<number> {
  const o = parseOptions(values);
  let r: { body: Buffer; closed: boolean; changed: boolean };
  if (running) {
    process.stderr.write(`using the running Tablero at ${running.url} (it holds ${cfg.dataDir})\n`);
    r = await fileViaApi(running, o);
  } else {
    r = await withStore(cfg, async (ch, log) => {
      const x = await exportQuarterly({ ch, log, defaultTz: cfg.siteTz }, { site: o.site ?? cfg.TABLERO_SITE, quarter: o.quarter, format: o.format, lang: o.lang, ...(o.sep ? { sep: o.sep } : {}), nowMs: Date.now() });
      return { body: x.body, closed: x.closed, changed: x.data_changed };
    });
  }
  await writeOut(o.out, r.body);
  if (r.changed) process.stderr.write('warning: the ticket data changed since the quarter was closed (see the warning in the file)\n');
  process.stdout.write(`${o.out}: ${r.body.length} bytes (${o.quarter}, ${r.closed ? 'closed quarter, frozen figures' : 'open quarter'})\n`);
  return 0;
}

/** `tablero export close-quarter --quarter YYYY-Qn [--by NAME]`: recorded in the audit trail. */
export async function runCloseQuarter(cfg: Config, running: RunningInstance | null, values: Record<string, unknown>): Promise<number> {
  const quarter = quarterOf(values);
  let r: unknown;
  if (running) {
    process.stderr.write(`using the running Tablero at ${running.url} (it holds ${cfg.dataDir})\n`);
    r = await apiRequest(running, 'POST', `/api/quarters/${quarter}/close`, {});
  } else {
    // The dashboard (its audit trail) loads only for this subcommand.
    const { cliActor, recordAudit } = await import('@tablero/dashboard');
    const actor = cliActor();
    const by = typeof values['by'] === 'string' && values['by'] ? values['by'] : actor;
    r = await withStore(cfg, async (ch, log) => {
      try {
        const result = await closeQuarter({ ch, log, defaultTz: cfg.siteTz }, { site: cfg.TABLERO_SITE, quarter, closedBy: by, nowMs: Date.now() });
        await recordAudit(ch, { atMs: Date.now(), actor, action: 'quarter_closed', target: quarter, address: '', detail: { before: null, after: { ...result } } });
        return result;
      } catch (err) {
        if (err instanceof Error && err.name === 'ReportRequestError') throw new UsageError(err.message);
        throw err;
      }
    });
  }
  process.stdout.write(`${JSON.stringify(r)}\n`);
  return 0;
}
