// Bench support: a year (2025, UTC) of generated stints inside ClickHouse with one
// INSERT ... SELECT from numbers(): 10 queues, every outcome in a contact-center-like mix, in time
// order as the processor writes them (each part covers a stretch of time, as in a live system).
import type { ClickHouse } from '@tablero/sql';

export const YEAR_FROM_S = 1735689600; // 2025-01-01T00:00:00Z

/** `spanS`: the stretch of time the stints are spread over from 2025-01-01 (default the year); `callers`: 10-digit caller numbers (default none). */
export async function insertYearOfStints(ch: ClickHouse, total: number, o: { spanS?: number; callers?: boolean } = {}): Promise<void> {
  const spanS = o.spanS ?? 31536000;
  await ch.client.command({
    query: `
      INSERT INTO stints
      SELECT
        lower(hex(MD5(toString(number)))) AS stint_id,
        'default' AS site,
        concat('q', toString(number % 10)) AS queue,
        concat(toString(${YEAR_FROM_S} + number), '.', toString(number)) AS callid,
        toDateTime(${YEAR_FROM_S} + intDiv(number * ${spanS}, ${total}), 'UTC') AS enter_ts,
        enter_ts + toIntervalSecond(60) AS end_ts,
        multiIf(r < 70, 'answered', r < 85, 'abandoned', r < 90, 'timeout', r < 93, 'exit_key', r < 95, 'exit_empty',
                r < 97, 'withdrawn', r < 98, 'failed', r < 99, 'refused', 'cut_by_restart') AS outcome,
        if(outcome = 'cut_by_restart', NULL, toInt64(cityHash64(number, 1) % 120)) AS wait_s,
        if(outcome = 'answered', toInt64(cityHash64(number, 2) % 600), NULL) AS talk_s,
        concat('Agent ', toString(number % 60)) AS agent,
        ${o.callers ? "concat('3', leftPad(toString(cityHash64(number, 4) % 1000000000), 9, '0'))" : "''"} AS caller,
        outcome = 'answered' AND r % 7 = 0 AS transferred,
        true AS enter_seen,
        concat('gen:', toString(number)) AS end_event_id,
        0 AS commit_id -- migration 013's column: the INSERT lists every column of the table
      FROM (SELECT number, cityHash64(number, 3) % 100 AS r FROM numbers(${total}))`,
  });
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
