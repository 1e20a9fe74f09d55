// Benchmark: memory of the processor's state after 10,000,000 events. Runs what the processor
// keeps in memory per event (stint and agent reducers, dedup watermarks, live windows and their
// pruning, as the service does per batch and per tick) over generated call flows in data time,
// then reports the process RSS after a full GC. Ended calls must be released: the figure must
// not grow with the number of events (it is sampled every 2,000,000). ClickHouse is left out
// here (embedded chDB's own memory is reported by processor-throughput); so is the bus.
// Usage: npx tsx bench/processor-rss.ts [events]
import { cpus, loadavg } from 'node:os';
import type { QueueEvent } from '@tablero/ingest/contract';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
// The pure core only: importing the package index would load chDB (a 566 MB shared library,
// about 156 MB of RSS by itself), which is not state and is reported on its own.
import { applyAgentEvent, createAgentState } from '../processor/src/core/agent-state.ts';
import { createCalendar } from '../processor/src/core/calendar.ts';
import { addLiveStint, createLiveAggregates, pruneLive, type LiveContext } from '../processor/src/core/live.ts';
import { defaultProcessorSettings, queueSettings } from '../processor/src/core/settings.ts';
import { applyEvent, createStintState, openStintCount } from '../processor/src/core/stint-machine.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const total = Number(process.argv[2] ?? 10_000_000);
const settings = defaultProcessorSettings();
const cal = createCalendar({ tz: 'America/La_Paz' });
const ctx: LiveContext = { settings: (site, queue) => queueSettings(settings, site, queue), calendar: () => cal };
const stints = createStintState();
const agents = createAgentState();
const live = createLiveAggregates();

// A lean event source (the shared flow generator costs more than the reducers): 400 calls in
// flight, each ENTERQUEUE, 2 x RINGNOANSWER, then CONNECT + COMPLETECALLER (3 in 4) or ABANDON,
// round robin over the slots; 40 events per second of data time, 8 queues, 60 agents. Every
// callid is new, so nothing is kept unless the reducers keep it.
const SLOTS = 400;
const slots = Array.from({ length: SLOTS }, () => ({ call: -1, step: 0, start: 0 }));
let calls = 0;
let offset = 0;
let ts = 1_767_225_600;
function next(i: number): QueueEvent {
  const s = slots[i % SLOTS] as { call: number; step: number; start: number };
  if (s.call < 0 || s.step >= (s.call % 4 === 3 ? 4 : 5)) {
    s.call = calls++;
    s.step = 0;
    s.start = ts;
  }
  const c = s.call;
  const answered = c % 4 !== 3;
  const verb = ['ENTERQUEUE', 'RINGNOANSWER', 'RINGNOANSWER', answered ? 'CONNECT' : 'ABANDON', 'COMPLETECALLER'][s.step] as string;
  const wait = ts - s.start;
  s.step += 1;
  offset += 80;
  return {
    event_id: `rss:${offset}`, site: 'default', source: 'bench', offset, ts, callid: `${s.start}.${c}`, queue: `q${c % 8}`,
    agent: verb === 'ENTERQUEUE' || verb === 'ABANDON' ? 'NONE' : `Agent ${c % 60}`, verb, custom: false,
    wait_s: verb === 'CONNECT' || verb === 'ABANDON' || verb === 'COMPLETECALLER' ? wait : null, talk_s: verb === 'COMPLETECALLER' ? 30 : null,
    ring_ms: verb === 'RINGNOANSWER' ? 15000 : null, position: null, orig_position: null, caller: '555', info: '', data: [],
  };
}

const samples: Array<[number, number]> = [];
let ended = 0;
const t0 = performance.now();
for (let i = 0; i < total; i++) {
  if (i % 40 === 0) ts += 1;
  const ev = next(i);
  for (const st of applyEvent(stints, ev)) {
    addLiveStint(live, st, ctx, ts);
    ended += 1;
  }
  applyAgentEvent(agents, ev);
  if (i % 10_000 === 0) pruneLive(live, ctx, ts); // the service prunes on every tick (250 ms)
  if ((i + 1) % 2_000_000 === 0) {
    gc();
    samples.push([i + 1, Math.round(process.memoryUsage().rss / 2 ** 20)]);
  }
}
gc();
const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
const heapMb = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
console.log(`${total} events (${Math.round((ts - 1_767_225_600) / 3600)} h of data), ${ended} stints ended, ${openStintCount(stints)} open at the end, ${Math.round(performance.now() - t0)} ms`);
console.log(`rss after GC by events: ${samples.map(([e, m]) => `${e / 1e6}M ${m} MB`).join(', ')}; final heap used ${heapMb} MB`);
console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg()[0]?.toFixed(2)} (shared with other work)`);
console.log(`BENCH ${JSON.stringify({ bench: 'processor-rss', metric: 'rss_mb_after_events', value: rssMb, unit: 'MB', target: `< 300 (after ${total} events; state only, chDB not loaded)` })}`);
console.log(`BENCH ${JSON.stringify({ bench: 'processor-rss', metric: 'heap_used_mb_after_events', value: heapMb, unit: 'MB', target: '-' })}`);
