// Read-only ClickHouse queries behind the report charts and the data quality page. One query
// per file (./queries/*.sql) with typed parameters; each function here only binds parameters and
// converts rows. 64-bit integers are read as JSON numbers.
import { readFileSync } from 'node:fs';
import type { ClickHouse } from '@tablero/sql';

function sql(name: string): string {
  return readFileSync(new URL(`./queries/${name}.sql`, import.meta.url), 'utf8');
}

const Q = {
  waitDistribution: sql('wait-distribution'),
  agentCalls: sql('agent-calls'),
  agentPauses: sql('agent-pauses'),
  qualityRejected: sql('quality-rejected'),
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

export interface RangeParams {
  from: string;
  to: string;
  tz: string;
  queues: string[];
}

export async function waitDistribution(
  ch: ClickHouse,
  p: RangeParams,
  edges: readonly number[],
): Promise<Array<{ outcome: string; bucket: number; calls: number }>> {
  const r = await rows<{ outcome: string; bucket: number; calls: number }>(ch, 'waitDistribution', { ...p, edges });
  return r.map((x) => ({ outcome: x.outcome, bucket: num(x.bucket), calls: num(x.calls) }));
}

export async function agentCalls(ch: ClickHouse, p: RangeParams): Promise<Array<{ agent: string; answered: number; talk_sum: number; talk_n: number }>> {
  const r = await rows<Record<string, unknown>>(ch, 'agentCalls', { ...p });
  return r.map((x) => ({ agent: String(x['agent']), answered: num(x['answered']), talk_sum: num(x['talk_sum']), talk_n: num(x['talk_n']) }));
}

export async function agentPauses(ch: ClickHouse, p: RangeParams): Promise<Array<{ agent: string; reason: string; pause_s: number }>> {
  const r = await rows<Record<string, unknown>>(ch, 'agentPauses', { ...p });
  return r.map((x) => ({ agent: String(x['agent']), reason: String(x['reason']), pause_s: num(x['pause_s']) }));
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
