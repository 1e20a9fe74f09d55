// `tablero calls`: the stints behind a KPI figure (docs/interfaces.md), read by the processor's one
// KPI read module, so the count printed is the figure `tablero kpis` prints for the same filters.
// Through the running process's API when one holds the data directory (page by page), else from
// the embedded store. Caller numbers in full: the CLI is the operator's (an admin's) tool.
import type { Command } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { findRunning, openStore } from '../runtime.ts';
import {
  CALL_FIGURES, CALL_ORDERS, MAX_CALLS_PAGE, STINT_OUTCOMES,
  type CallFigure, type CallListRow, type CallOrder, type CallsPage, type CallsPageStart, type CallsQuery, type StintOutcome,
} from '@tablero/processor/contract';
import { streamCalls } from '@tablero/processor';
import { ApiError, apiRequest } from './api-client.ts';
import { KPI_OPTIONS, definitionLines, parseKpiOptions, toSearchParams } from './kpis.ts';
import { UsageError, stringList } from './usage.ts';

export function parseCallsOptions(values: Record<string, unknown>): CallsQuery {
  const q: CallsQuery = parseKpiOptions(values);
  const pick = <T extends string>(name: string, allowed: readonly T[]): T | undefined => {
    const v = values[name];
    if (v === undefined) return undefined;
    if (!(allowed as readonly unknown[]).includes(v)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
    return v as T;
  };
  const figure = pick<CallFigure>('figure', CALL_FIGURES);
  if (figure) q.figure = figure;
  const outcomes = stringList(values.outcome);
  for (const o of outcomes) if (!(STINT_OUTCOMES as readonly string[]).includes(o)) throw new UsageError(`--outcome must be one of ${STINT_OUTCOMES.join(', ')}`);
  if (outcomes.length) q.outcomes = outcomes as StintOutcome[];
  const within = pick('within-t', ['yes', 'no'] as const);
  if (within) q.within_t = within === 'yes';
  if (typeof values.agent === 'string') q.agent = values.agent;
  if (typeof values.period === 'string') q.period = values.period;
  const order = pick<CallOrder>('order', CALL_ORDERS);
  if (order) q.order = order;
  return q;
}

function searchParams(q: CallsQuery, cursor: string | null): URLSearchParams {
  const p = toSearchParams(q);
  if (q.figure) p.set('figure', q.figure);
  for (const o of q.outcomes ?? []) p.append('outcome', o);
  if (q.within_t !== undefined) p.set('within_t', q.within_t ? 'yes' : 'no');
  if (q.agent !== undefined) p.set('agent', q.agent);
  if (q.period !== undefined) p.set('period', q.period);
  if (q.order) p.set('order', q.order);
  p.set('limit', String(MAX_CALLS_PAGE));
  if (cursor !== null) p.set('cursor', cursor);
  return p;
}

const COLUMNS = ['enter_ts', 'queue', 'callid', 'caller', 'wait_s', 'talk_s', 'outcome', 'agent', 'transferred', 'in_hours', 'short_abandon', 'within_t'] as const;

function renderTable(start: CallsPageStart, rows: CallListRow[]): string {
  const cells = rows.map((r) => COLUMNS.map((c) => (r[c] === null ? '-' : String(r[c]))));
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...cells.map((b) => (b[i] ?? '').length)));
  const line = (cs: readonly string[]): string => cs.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const def = definitionLines([{ queue: 'definition', period: '', definition: start.definition } as Parameters<typeof definitionLines>[0][number]]);
  return `${[line(COLUMNS), ...cells.map(line)].join('\n')}\n\n${start.total} stint(s); times UTC, periods in ${start.tz}\n${def.join('\n')}\n`;
}

export const callsCommand: Command = {
  summary: 'the stints behind a KPI figure (table, or --json)',
  usage: `Usage: tablero calls --from DATE --to DATE [kpis filters] [--figure F] [--outcome O]... [--within-t yes|no]
       [--agent A] [--period P] [--order newest|oldest] [--json]
  The same filters and definitions as 'tablero kpis'; --figure is one of ${CALL_FIGURES.join(', ')}
  (default all). --period is a period of a kpis row (2026-11, 2026-11-03, 2026-11-03T14, 2026-11-03T14:15):
  that row's cell. The count equals the figure 'tablero kpis' prints for the same filters.`,
  options: {
    ...KPI_OPTIONS,
    figure: { type: 'string' },
    outcome: { type: 'string', multiple: true },
    'within-t': { type: 'string' },
    agent: { type: 'string' },
    period: { type: 'string' },
    order: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  async run(values) {
    try {
      return await list(parseCallsOptions(values), values.json === true);
    } catch (err) {
      // A parameter the read module or the API refused (a bad period) is bad usage: exit 2.
      if ((err instanceof ApiError && err.status === 400) || (err instanceof Error && err.name === 'KpiQueryError')) throw new UsageError((err as Error).message);
      throw err;
    }
  },
};

async function list(q: CallsQuery, json: boolean): Promise<number> {
  const cfg = loadConfig();
  const running = findRunning(cfg.dataDir);
  let start: CallsPageStart | null = null;
  const rows: CallListRow[] = [];
  if (running && !cfg.CLICKHOUSE_URL) {
    process.stderr.write(`using the running Tablero at ${running.url} (it holds ${cfg.dataDir})\n`);
    let cursor: string | null = null;
    do {
      const page: CallsPage = await apiRequest<CallsPage>(running, 'GET', `/api/calls?${searchParams(q, cursor).toString()}`);
      start ??= { total: page.total, definition: page.definition, tz: page.tz };
      rows.push(...page.rows);
      cursor = page.next_cursor;
    } while (cursor !== null);
  } else {
    const log = createLogger(cfg.LOG_LEVEL === 'info' ? 'warn' : cfg.LOG_LEVEL, 'tablero-calls');
    const ch = await openStore(cfg, log);
    try {
      for await (const part of streamCalls(ch, q, { defaultTz: cfg.siteTz, defaultSite: cfg.TABLERO_SITE })) {
        if (Array.isArray(part)) rows.push(...part);
        else start = part;
      }
    } finally {
      await ch.close();
    }
  }
  const head = start as CallsPageStart;
  process.stdout.write(json ? `${JSON.stringify({ ...head, rows }, null, 2)}\n` : renderTable(head, rows));
  return 0;
}
