// Benchmark: the call funnel (queryFunnel, kpi-definitions §13) of one month by day over
// BENCH_FUNNEL_ROWS CDR rows (default 10,000,000) on embedded chDB. Generated in ClickHouse
// itself (INSERT ... SELECT FROM numbers): November 2026, calls of two legs sharing a linkedid (the
// caller's row to one of 3 DIDs, and a member's Local-channel row), 4 calls in 5 entering a queue
// (3 answered, 1 abandoned) with their stints joined by callid = the caller's uniqueid, every
// tenth call with an IVR option event. First the rollup is built (the processor's job,
// rollup/funnel-roll.ts, run to the end: its wall and CPU time printed); then the month read,
// median of 3, target <= 1 s (BENCH_FUNNEL_SCAN=1: also the scan alone, once). Then the list of one month row's calls
// (queryFunnelCalls, GET /api/funnel/calls: service 100, ingresadas, by month): its first and its
// last page of 100 calls (no target set; it reads the same fragment as the funnel).
import { cpus, loadavg } from 'node:os';
import { parseFunnelConfig, queryFunnel, queryFunnelCalls, rollFunnelAll, type FunnelConfig, type FunnelReadOptions, type FunnelReadPlan, type FunnelSettings } from '@tablero/processor';
import { freshClickHouse } from '../test/support/clickhouse.ts';
import { median } from './support/year-of-stints.ts';

const rows = Number(process.env.BENCH_FUNNEL_ROWS ?? 10_000_000);
const calls = Math.floor(rows / 2);
const NOV = Date.UTC(2026, 10, 1) / 1000;
const MONTH_S = 30 * 86_400;
const config = parseFunnelConfig({
  bench: {
    services: [0, 1, 2].map((i) => ({ service: `10${i}`, contexts: ['from-pstn'], dids: [`601440010${i}`], agent_options: ['0'] })),
    ivr: { source: 'queue_log' },
  },
});
if (!config.ok) throw new Error(config.errors.join());
const ch = await freshClickHouse();
try {
  const t0 = performance.now();
  // c = call number, its start spread evenly over the month; leg 0 the caller, leg 1 the member.
  await ch.client.command({
    query: `INSERT INTO cdr (event_id, site, source, offset, layout, accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata,
                             start, answer, end, duration, billsec, disposition, amaflags, uniqueid, userfield, peeraccount, linkedid, sequence)
            SELECT concat('b:', toString(number)), 'bench', 'bench', number, 'csv21', '', toString(3000000000 + c % 100000),
                   if(leg = 0, concat('601440010', toString(c % 3)), '201'), if(leg = 0, 'from-pstn', 'from-queue'), '',
                   if(leg = 0, concat('PJSIP/trunk-', toString(c)), concat('Local/201@from-queue-', toString(c), ';2')), '', if(leg = 0, 'Queue', 'Dial'), '',
                   toDateTime(${NOV} + intDiv(c * ${MONTH_S}, ${calls}), 'UTC'), NULL, toDateTime(${NOV} + intDiv(c * ${MONTH_S}, ${calls}) + 190, 'UTC'),
                   190, 178, 'ANSWERED', 'DOCUMENTATION', if(leg = 0, concat('u', toString(c)), concat('m', toString(c))), '', '', concat('u', toString(c)), number
            FROM (SELECT number, intDiv(number, 2) AS c, number % 2 AS leg FROM numbers(${calls * 2}))`,
  });
  await ch.client.command({
    query: `INSERT INTO stints (stint_id, site, queue, callid, enter_ts, end_ts, outcome, wait_s, talk_s, agent, caller, transferred, enter_seen, end_event_id)
            SELECT concat('s', toString(c)), 'bench', concat('q10', toString(c % 3)), concat('u', toString(c)),
                   toDateTime(${NOV} + intDiv(c * ${MONTH_S}, ${calls}) + 10, 'UTC'), toDateTime(${NOV} + intDiv(c * ${MONTH_S}, ${calls}) + 190, 'UTC'),
                   if(c % 5 = 4, 'abandoned', 'answered'), 5 + c % 40, if(c % 5 = 4, NULL, 170), 'Ana', '', false, true, ''
            FROM (SELECT number AS c FROM numbers(${calls})) WHERE c % 5 != 0`,
  });
  await ch.client.command({
    query: `INSERT INTO queue_events (event_id, site, source, offset, ts, callid, queue, agent, verb, custom, wait_s, talk_s, ring_ms, position, orig_position, caller, info, data)
            SELECT concat('e:', toString(c)), 'bench', 'bench', c, toDateTime(${NOV} + intDiv(c * ${MONTH_S}, ${calls}) + 5, 'UTC'), concat('u', toString(c)),
                   'NONE', 'NONE', 'IVROPTION', true, NULL, NULL, NULL, NULL, NULL, '', '', [toString(c % 10 = 0 ? 0 : 1)]
            FROM (SELECT number AS c FROM numbers(${calls})) WHERE c % 10 < 2`,
  });
  console.log(`generated ${rows} CDR rows (${calls} calls) with stints and IVR events in ${Math.round(performance.now() - t0)} ms`);
  const read = { defaultTz: 'UTC', funnel: config.value as FunnelConfig };
  const month = { from: '2026-11-01', to: '2026-12-01', site: 'bench', by: 'day', tz: 'UTC' } as const;
  const load = (): string => `${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} (shared)`;
  // The rollup's whole build (rollup/funnel-roll.ts, the processor's job does it in the
  // background): the data was written without the processor, so every day with CDR is unrolled.
  {
    const t = performance.now();
    const c = process.cpuUsage();
    const buckets = (await rollFunnelAll(ch, { site: 'bench', settings: config.value.bench as FunnelSettings, nowMs: Date.now() })).quarters;
    const d = process.cpuUsage(c);
    const ms = Math.round(performance.now() - t);
    console.log(`rollup built: ${buckets} buckets in ${ms} ms wall, ${Math.round((d.user + d.system) / 1000)} ms CPU; ${load()}`);
    console.log(`BENCH ${JSON.stringify({ bench: 'funnel-month', metric: 'rollup_build_ms', value: ms, unit: 'ms', target: `- (${buckets} buckets, ${rows.toLocaleString('en')} CDR rows)` })}`);
    console.log(`BENCH ${JSON.stringify({ bench: 'funnel-month', metric: 'rollup_build_cpu_ms', value: Math.round((d.user + d.system) / 1000), unit: 'ms CPU', target: '-' })}`);
  }
  const measure = async (what: string, opts: FunnelReadOptions, runs: number): Promise<{ wall: number[]; cpu: number[] }> => {
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const c = process.cpuUsage(); // chDB runs in this process: its threads count here
      let plan: FunnelReadPlan | undefined;
      const r = await queryFunnel(ch, month, { ...opts, onPlan: (p) => (plan = p) });
      const d = process.cpuUsage(c);
      wall.push(Math.round(performance.now() - t));
      cpu.push(Math.round((d.user + d.system) / 1000));
      const ingresadas = r.reduce((a, x) => a + x.ingresadas, 0);
      if (r.length !== 90) throw new Error(`expected 90 rows (3 services x 30 days), got ${r.length}`);
      if (ingresadas !== calls) throw new Error(`expected ${calls} ingresadas, got ${ingresadas}`);
      if (opts.rollup !== false && plan?.rolled !== 2880) throw new Error(`expected the 2,880 buckets of November rolled, got ${JSON.stringify(plan)}`);
    }
    console.log(`funnel by day, November, ${what}: wall ms ${wall.join(', ')}; CPU ms ${cpu.join(', ')}; ${calls} calls; ${load()}`);
    return { wall, cpu };
  };
  const { wall, cpu } = await measure('from the rollup', read, 3);
  console.log(`BENCH ${JSON.stringify({ bench: 'funnel-month', metric: 'query_ms_median_of_3', value: median(wall), unit: 'ms', target: `<= 1000 (${rows.toLocaleString('en')} CDR rows, rollup built)` })}`);
  console.log(`BENCH ${JSON.stringify({ bench: 'funnel-month', metric: 'query_cpu_ms_median_of_3', value: median(cpu), unit: 'ms CPU', target: '-' })}`);
  if (process.env.BENCH_FUNNEL_SCAN === '1') {
    // The scan alone (what every read cost before the rollup), once: for the comparison.
    const scan = await measure('the scan alone', { ...read, rollup: false }, 1);
    console.log(`BENCH ${JSON.stringify({ bench: 'funnel-month', metric: 'scan_query_ms', value: scan.wall[0], unit: 'ms', target: '- (rollup: false)' })}`);
    console.log(`BENCH ${JSON.stringify({ bench: 'funnel-month', metric: 'scan_query_cpu_ms', value: scan.cpu[0], unit: 'ms CPU', target: '-' })}`);
  }
  // The list of a figure's calls reads the scan's fragment (not the rollup): measured at 1,000,000 rows or on request.
  if (rows <= 1_000_000 || process.env.BENCH_FUNNEL_LIST === '1') {
    const listQ = { from: '2026-11-01', to: '2026-12-01', site: 'bench', by: 'month', tz: 'UTC', service: '100', period: '2026-11', figure: 'ingresadas', limit: 100 } as const;
    const [row] = await queryFunnel(ch, { ...listQ, services: ['100'] }, read);
    for (const [page, offset] of [['first', 0], ['last', Math.max(0, (row?.ingresadas ?? 0) - 100)]] as const) {
      const t = performance.now();
      const r = await queryFunnelCalls(ch, { ...listQ, offset }, read);
      const ms = Math.round(performance.now() - t);
      if (r.total !== row?.ingresadas || r.rows.length !== Math.min(100, r.total)) throw new Error(`list total ${r.total} / ${r.rows.length} rows, funnel ${row?.ingresadas}`);
      console.log(`list of ${r.total} calls (service 100, November), ${page} page: ${ms} ms`);
      console.log(`BENCH ${JSON.stringify({ bench: 'funnel-month', metric: `calls_list_${page}_page_ms`, value: ms, unit: 'ms', target: '-' })}`);
    }
  }
} finally {
  await ch.dispose();
}
