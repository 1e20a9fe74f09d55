// The few ClickHouse helpers the dashboard's own stores share (users, sessions, audit): typed
// reads and writes of JSON rows, and the text form of a time.
import type { ClickHouse } from '@tablero/sql';

/** `YYYY-MM-DD hh:mm:ss.mmm` in UTC, the text form DateTime64(3, 'UTC') reads in every mode. */
export function chTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export async function select<T>(ch: ClickHouse, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await ch.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

export async function insert(ch: ClickHouse, table: string, row: Record<string, unknown> | Array<Record<string, unknown>>): Promise<void> {
  await ch.client.insert({ table, values: Array.isArray(row) ? row : [row], format: 'JSONEachRow' });
}
