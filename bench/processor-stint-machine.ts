// Benchmark: the pure stint + agent reducers alone (no bus, no ClickHouse), to show how much of
// the processor's budget the core takes. Usage: npx tsx bench/processor-stint-machine.ts [events]
import { cpus, loadavg } from 'node:os';
import type { QueueEvent } from '@tablero/ingest/contract';
// The processor's own state machines, as an independent reference fold (not part of its package surface).
import { applyEvent, createStintState } from '../processor/src/core/stint-machine.ts';
import { applyAgentEvent, createAgentState } from '../processor/src/core/agent-state.ts';

const total = Number(process.argv[2] ?? 1_000_000);
const base: Omit<QueueEvent, 'event_id' | 'offset' | 'ts' | 'callid' | 'queue' | 'agent' | 'verb' | 'wait_s' | 'talk_s'> = {
  site: 'default', source: 'bench', custom: false, ring_ms: null, position: null, orig_position: null, caller: '555', info: '', data: [],
};
// A steady mix per call: ENTERQUEUE, 2 RINGNOANSWER, CONNECT, COMPLETECALLER (5 events), 200 calls in flight.
const events: QueueEvent[] = [];
let offset = 0;
for (let c = 0; events.length < total; c++) {
  const t = 1_700_000_000 + Math.floor(c / 40);
  const callid = `${t}.${c}`;
  const queue = `q${c % 8}`;
  const agent = `Agent/${c % 50}`;
  const mk = (verb: string, ts: number, wait: number | null, talk: number | null, a = 'NONE'): QueueEvent =>
    ({ ...base, event_id: `bench:${offset}`, offset: (offset += 80), ts, callid, queue, agent: a, verb, wait_s: wait, talk_s: talk });
  events.push(mk('ENTERQUEUE', t, null, null), mk('RINGNOANSWER', t + 1, null, null, agent), mk('RINGNOANSWER', t + 2, null, null, agent),
    mk('CONNECT', t + 3, 3, null, agent), mk('COMPLETECALLER', t + 5, 3, 2, agent));
}
events.length = total;
const stints = createStintState();
const agents = createAgentState();
const t0 = performance.now();
let rows = 0;
for (const ev of events) {
  rows += applyEvent(stints, ev).length;
  applyAgentEvent(agents, ev);
}
const ms = performance.now() - t0;
if (rows !== Math.floor(total / 5)) throw new Error(`expected ${Math.floor(total / 5)} stints, got ${rows}`);
console.log(`${total} events, ${rows} stints in ${Math.round(ms)} ms; machine ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadavg()[0]?.toFixed(2)}, ${process.version}`);
console.log(`BENCH ${JSON.stringify({ bench: 'processor-stint-machine', metric: 'events_per_s', value: Math.round((total / ms) * 1000), unit: 'events/s', target: '- (core share of >= 200000 end to end)' })}`);
