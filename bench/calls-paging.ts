// Benchmark (issue 20): the list of calls behind a figure over a month of 1,000,000 stored stints
// on embedded chDB (10 queues, every outcome; bench/support/year-of-stints.ts spread over
// January 2025). Times the first page (newest first, 100 rows, with the list's total), the last
// page (a keyset cursor 100 rows from the end), a figure's first page (answered within T), and the
// whole list as CSV (every byte streamed, callers masked). Each page is a fresh request: the plan,
// the page and the count. Usage: npx tsx bench/calls-paging.ts [stints]
import { cpus, loadavg } from 'node:os';
import { callsCsv, cursorAfter, queryCalls } from '@tablero/processor';
import { freshClickHouse } from '../test/support/clickhouse.ts';
import { insertYearOfStints, median } from './support/year-of-stints.ts';

const BENCH = 'calls-paging';
const total = Number(process.argv[2] ?? 1_000_000);
const MONTH = { from: '2025-01-01', to: '2025-02-01', tz: 'UTC' };
const emit = (metric: string, value: number, unit: string, target: string): void =>
  console.log(`BENCH ${JSON.stringify({ bench: BENCH, metric, value, unit, target })}`);

const ch = await freshClickHouse();
try {
  const t0 = performance.now();
  await insertYearOfStints(ch, total, { spanS: 31 * 86400, callers: true });
  console.log(`generated ${total} stints in January 2025 in ${Math.round(performance.now() - t0)} ms`);

  async function timed<T>(run: () => Promise<T>, times = 5): Promise<{ ms: number[]; last: T }> {
    const ms: number[] = [];
    let last: T | undefined;
    for (let i = 0; i < times; i++) {
      const t = performance.now();
      last = await run();
      ms.push(Math.round(performance.now() - t));
    }
    return { ms, last: last as T };
  }

  const first = await timed(() => queryCalls(ch, { ...MONTH, limit: 100 }));
  if (first.last.total !== total || first.last.rows.length !== 100) throw new Error(`first page: total ${first.last.total}, ${first.last.rows.length} rows`);
  console.log(`first page: wall ms ${first.ms.join(', ')}`);
  emit('first_page_ms_median_of_5', median(first.ms), 'ms', '<= 200 (1,000,000 stints)');
  // The cursor 100 rows from the end of the newest-first list: the 101st oldest row.
  const oldest = await queryCalls(ch, { ...MONTH, order: 'oldest', limit: 101 });
  const cursor = cursorAfter(oldest.rows[100] as (typeof oldest.rows)[number], 'newest');
  const last = await timed(() => queryCalls(ch, { ...MONTH, limit: 100, cursor }));
  if (last.last.rows.length !== 100 || last.last.next_cursor !== null) throw new Error('the last page is not the last');
  console.log(`last page: wall ms ${last.ms.join(', ')}`);
  emit('last_page_ms_median_of_5', median(last.ms), 'ms', '<= 500 (1,000,000 stints)');
  const figure = await timed(() => queryCalls(ch, { ...MONTH, figure: 'answered_within', limit: 100 }));
  console.log(`answered within T, first page: wall ms ${figure.ms.join(', ')} (total ${figure.last.total})`);
  emit('figure_first_page_ms_median_of_5', median(figure.ms), 'ms', '-');
  const longest = await timed(() => queryCalls(ch, { ...MONTH, order: 'longest_wait', limit: 100 }));
  const second = await timed(() => queryCalls(ch, { ...MONTH, order: 'longest_wait', limit: 100, cursor: longest.last.next_cursor ?? undefined }));
  console.log(`longest wait first: first page wall ms ${longest.ms.join(', ')}, second page ${second.ms.join(', ')}`);
  emit('longest_wait_first_page_ms_median_of_5', median(longest.ms), 'ms', '- (a top-N sort over the whole range)');
  console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg()[0]?.toFixed(2)} (shared with other work)`);

  const csv = await timed(async () => {
    const out = await callsCsv(ch, MONTH, { defaultTz: 'UTC' }, { sep: ';', maskCallers: true });
    let bytes = 0;
    let lines = 0;
    for await (const chunk of out.chunks) {
      bytes += Buffer.byteLength(chunk);
      for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) lines++;
    }
    if (lines !== total + 1) throw new Error(`CSV has ${lines} lines for ${total} stints`);
    return bytes;
  }, 1);
  console.log(`whole CSV: ${csv.ms[0]} ms, ${(csv.last / 2 ** 20).toFixed(1)} MiB`);
  emit('whole_csv_ms', csv.ms[0] as number, 'ms', '-');
} finally {
  await ch.dispose();
}
