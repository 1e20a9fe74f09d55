// Benchmark: memory of the processor's state after 10,000,000 events. Runs what the processor
// keeps in memory per event (stint and agent reducers, dedup watermarks, live windows and their
// pruning, as the service does per batch and per tick) over generated call flows in data time,
// then reports the process RSS after a full GC. Ended calls must be released: the figure must
// not grow with the number of events. ClickHouse is left out here (embedded chDB's own memory
// is reported by processor-throughput); so is the bus.
// Usage: npx tsx bench/processor-rss.ts [events]
import { cpus, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { applyAgentEvent, applyEvent, createAgentState, createCalendar, createStintState, defaultProcessorSettings, queueSettings } from '@tablero/processor';
import { addLiveStint, createLiveAggregates, pruneLive, type LiveContext } from '../processor/src/core/live.ts';
import { openStintCount } from '../processor/src/core/stint-machine.ts';
import { flowBatches } from '../processor/src/testing/flows.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const total = Number(process.argv[2] ?? 10_000_000);
const settings = defaultProcessorSettings();
const cal = createCalendar({ tz: 'America/La_Paz' });
const ctx: LiveContext = { settings: (site, queue) => queueSettings(settings, site, queue), calendar: () => cal };
const stints = createStintState();
const agents = createAgentState();
const live = createLiveAggregates();
const samples: Array<[number, number]> = [];
let events = 0;
let ended = 0;
let batches = 0;
const t0 = performance.now();
// 20 calls a second: 10,000,000 events are about 30 hours of a busy contact center.
for (const b of flowBatches({ events: total, batchSize: 500, seed: 11, callsPerS: 20, restartEveryS: 0 })) {
  const nowS = (b.events[b.events.length - 1] as { ts: number }).ts;
  for (const ev of b.events) {
    for (const s of applyEvent(stints, ev)) {
      addLiveStint(live, s, ctx, nowS);
      ended += 1;
    }
    applyAgentEvent(agents, ev);
  }
  events += b.events.length;
  if (++batches % 20 === 0) pruneLive(live, ctx, nowS); // the service prunes on every tick
  if (batches % 4000 === 0) {
    gc();
    samples.push([events, Math.round(process.memoryUsage().rss / 2 ** 20)]);
  }
}
gc();
const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
const heapMb = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
console.log(`${events} events, ${ended} stints ended, ${openStintCount(stints)} open at the end, ${Math.round(performance.now() - t0)} ms`);
console.log(`rss after GC by events: ${samples.map(([e, m]) => `${e / 1e6}M ${m} MB`).join(', ')}; final heap used ${heapMb} MB`);
console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg()[0]?.toFixed(2)}`);
console.log(`BENCH ${JSON.stringify({ bench: 'processor-rss', metric: 'rss_mb_after_events', value: rssMb, unit: 'MB', target: `< 300 (after ${total} events)` })}`);
console.log(`BENCH ${JSON.stringify({ bench: 'processor-rss', metric: 'heap_used_mb_after_events', value: heapMb, unit: 'MB', target: '-' })}`);
