// Read-only ClickHouse queries behind the supervisor view and the data quality page (the report
// charts are read by the processor's KPI read module). One query per file (./queries/*.sql) with typed parameters; each function here
// only binds parameters and converts rows. 64-bit integers are read as JSON numbers.
import { readFileSync } from 'node:fs';
import type { ClickHouse } from '@tablero/sql';
import type { SupervisorEvent } from '../core/supervisor.ts';

function sql(name: string): string {
  return readFileSync(new URL(`./queries/${name}.sql`, import.meta.url), 'utf8');
}

const Q = {
  supervisorEvents: sql('supervisor-events'),
  answeredToday: sql('answered-today'),
  abandonedToday: sql('abandoned-today'),
  qualityRejected: sql('quality-rejected'),
  qualityAccepted: sql('quality-accepted'),
} as const;

export class ReportQueryError extends Error {
  override name = 'ReportQueryError';
}

async function rows<T>(ch: ClickHouse, name: keyof typeof Q, params: Record<string, unknown>): Promise<T[]> {
  try {
    const rs = await ch.client.query({
      query: Q[name],
      query_params: params,
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    return await rs.json<T>();
  } catch (err) {
    throw new ReportQueryError(`query ${name} failed`, { cause: err });
  }
}

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function supervisorEvents(ch: ClickHouse, fromS: number): Promise<SupervisorEvent[]> {
  const r = await rows<Record<string, unknown>>(ch, 'supervisorEvents', { from_s: fromS });
  return r.map((e) => ({
    event_id: String(e['event_id']),
    site: String(e['site']),
    ts: num(e['ts']),
    callid: String(e['callid']),
    queue: String(e['queue']),
    agent: String(e['agent']),
    verb: String(e['verb']),
    custom: Boolean(e['custom']),
    wait_s: numOrNull(e['wait_s']),
    caller: String(e['caller']),
    info: String(e['info']),
    data: Array.isArray(e['data']) ? (e['data'] as unknown[]).map(String) : [],
  }));
}

export async function answeredToday(ch: ClickHouse, nowS: number, tz: string): Promise<Map<string, number>> {
  const r = await rows<{ site: string; agent: string; answered: number }>(ch, 'answeredToday', { now_s: nowS, tz });
  return new Map(r.map((x) => [`${x.site}\0${x.agent}`, num(x.answered)]));
}

export interface AbandonedCaller {
  site: string;
  queue: string;
  callid: string;
  caller: string;
  enter_s: number;
  end_s: number;
  wait_s: number | null;
  /** The same number was answered later today. */
  answered_after: boolean;
}

export async function abandonedToday(ch: ClickHouse, nowS: number, tz: string, limit: number): Promise<AbandonedCaller[]> {
  const r = await rows<Record<string, unknown>>(ch, 'abandonedToday', { now_s: nowS, tz, limit });
  return r.map((x) => ({
    site: String(x['site']),
    queue: String(x['queue']),
    callid: String(x['callid']),
    caller: String(x['caller']),
    enter_s: num(x['enter_s']),
    end_s: num(x['end_s']),
    wait_s: numOrNull(x['wait_s']),
    answered_after: Boolean(x['answered_after']),
  }));
}

export interface RejectedGroup {
  site: string;
  source: string;
  reason: string;
  lines: number;
  last_rejected_s: number;
  sample_line_no: number;
  sample_raw: string;
}

export async function rejectedLines(ch: ClickHouse, sinceS: number): Promise<RejectedGroup[]> {
  const r = await rows<Record<string, unknown>>(ch, 'qualityRejected', { since_s: sinceS });
  return r.map((x) => ({
    site: String(x['site']),
    source: String(x['source']),
    reason: String(x['reason']),
    lines: num(x['lines']),
    last_rejected_s: num(x['last_rejected_s']),
    sample_line_no: num(x['sample_line_no']),
    sample_raw: String(x['sample_raw']),
  }));
}

export async function acceptedLines(ch: ClickHouse, sinceS: number): Promise<Array<{ site: string; source: string; lines: number; last_event_s: number }>> {
  const r = await rows<Record<string, unknown>>(ch, 'qualityAccepted', { since_s: sinceS });
  return r.map((x) => ({ site: String(x['site']), source: String(x['source']), lines: num(x['lines']), last_event_s: num(x['last_event_s']) }));
}
