// Read-only ClickHouse queries behind the data quality page (the report charts and the live
// supervisor view come from the processor). One query per file (./queries/*.sql) with typed
// parameters; each function here only binds parameters and converts rows. 64-bit integers are read
// as JSON numbers.
import { readFileSync } from 'node:fs';
import type { ClickHouse } from '@tablero/sql';

function sql(name: string): string {
  return readFileSync(new URL(`./queries/${name}.sql`, import.meta.url), 'utf8');
}

const Q = {
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
