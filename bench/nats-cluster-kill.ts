// Benchmark (issue 19): the cluster fault run of test/e2e/nats-cluster.test.ts at the size.
// Three nats-servers (cluster routes on loopback), R3 streams, two `tablero ingest` processes
// tailing two sites' queue_logs, one `tablero processor` on ClickHouse over HTTP (the chDB shim);
// the events stream's leader is SIGKILLed once a fifth of the lines is stored and restarted after
// another fifth (test/support/cluster-kill.ts). The feed writes as fast as the pipeline stores,
// at most `window` lines ahead of the store, so the flow is live at the kill and the restart.
// Records: lines, wall time (first line written -> every line stored), events/s, the kill's
// timings (new leader, first publish and first ack after it, the longest time nothing was
// stored), the restart's (ready, replica current), CPU per process, and the check that every
// call was stored once and the figures equal the clean computation; it exits 1 otherwise.
// Usage: npx tsx bench/nats-cluster-kill.ts [events=1000000] [calls per site and tick=200]
import { deepStrictEqual } from 'node:assert/strict';
import { loadavg } from 'node:os';
import { cleanCounts, runClusterKill } from '../test/support/cluster-kill.ts';

const EVENTS = Number(process.argv[2] ?? 1_000_000);
const CALLS_PER_TICK = Number(process.argv[3] ?? 200);

const bench = (metric: string, value: number, unit: string, target = 'reference'): void =>
  console.log(`BENCH ${JSON.stringify({ bench: 'nats-cluster-kill', metric, value, unit, target })}`);

const load0 = loadavg()[0] ?? 0;
const r = await runClusterKill({ events: EVENTS, callsPerTick: CALLS_PER_TICK, log: (m) => console.log(m) });
const load1 = loadavg()[0] ?? 0;
const wallS = r.wallMs / 1000;
const clean = cleanCounts(r);
console.log(`${r.lines} lines in ${wallS.toFixed(1)} s (load average ${load0.toFixed(2)} -> ${load1.toFixed(2)}); killed ${r.killed}, new leader ${r.newLeader}`);
console.log(`timings ${JSON.stringify(r.ms)}`);
console.log(`CPU s ${JSON.stringify(Object.fromEntries(Object.entries(r.cpuS).map(([k, v]) => [k, Math.round(v * 10) / 10])))}`);
for (const [role, lines] of Object.entries(r.warnings)) for (const l of lines) console.log(`${role}: ${l.slice(0, 400)}`);
console.log(`stored ${JSON.stringify(r.counts)}; clean ${JSON.stringify(clean)}`);
deepStrictEqual(r.got, r.want, 'stints per site, queue and outcome differ from the clean computation');
deepStrictEqual(r.counts, clean, 'a call or a line is missing or stored twice');

const size = `${r.lines} lines, R3, leader SIGKILLed`;
bench('lines', r.lines, 'lines', '1000000 (issue 19)');
bench('wall_s', Math.round(wallS), 's', `reference (${size})`);
bench('events_per_s', Math.round(r.lines / wallS), 'events/s', `reference (${size})`);
bench('leader_election_ms', r.ms.election, 'ms', 'reference (kill -> new stream leader)');
bench('publish_resume_ms', r.ms.publishResume, 'ms', 'reference (kill -> a publish stored)');
bench('ack_resume_ms', r.ms.ackResume, 'ms', 'reference (kill -> a commit acknowledged)');
bench('store_stall_ms', r.ms.storeStall, 'ms', 'reference (longest time nothing stored, kill -> restart)');
bench('restart_ready_ms', r.ms.restartReady, 'ms', 'reference (restart -> JetStream answers)');
bench('replica_caught_up_ms', r.ms.caughtUp, 'ms', 'reference (restart -> its replica current)');
bench('stints_stored_once', r.counts.stints, 'stints', `= clean computation (${clean.stints}), counted without FINAL`);
bench('events_stored_once', r.counts.events, 'events', `= lines written (${r.lines})`);
for (const [role, s] of Object.entries(r.cpuS)) bench(`cpu_pct_${role.replace(/-/g, '_')}`, Math.round((s / wallS) * 100), '% of a core', 'reference');
