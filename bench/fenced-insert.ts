// Benchmark (issue 19): the cost of store-side fencing (processor/src/store/fenced-insert.ts) on
// the processor's commits. Embedded chDB, the real migrations; the same commits (stints and their
// queue events, as the processor stores them: commit-store.ts) stored through the plain store and
// through a fenced store (INSERT ... SELECT FROM format() WHERE the epoch is the holder's),
// alternating, each on its own site. Records events/s of each path and the ratio.
// Usage: npx tsx bench/fenced-insert.ts [commits=40] [events per commit=4000]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QueueEvent } from '@tablero/ingest/contract';
import { migrate, openClickHouse } from '@tablero/sql';
import type { StintRow } from '../processor/src/core/stint-machine.ts';
import { storeCommit, type CommitRows } from '../processor/src/store/commit-store.ts';
import { claimFence } from '../processor/src/store/fenced-insert.ts';
import { createStore } from '../processor/src/store/store.ts';

const COMMITS = Number(process.argv[2] ?? 40);
const EVENTS = Number(process.argv[3] ?? 4_000);
const T0 = Date.UTC(2026, 2, 2, 8, 0, 0) / 1000;

const bench = (metric: string, value: number, unit: string, target = 'reference'): void =>
  console.log(`BENCH ${JSON.stringify({ bench: 'fenced-insert', metric, value, unit, target })}`);

/** One commit of `EVENTS` events (3 per call: enter, connect, complete) and their stints, on `site`. */
function commitOf(site: string, n: number): CommitRows {
  const events: QueueEvent[] = [];
  const stints: StintRow[] = [];
  const calls = Math.floor(EVENTS / 3);
  for (let c = 0; c < calls; c++) {
    const callid = `${n}.${c}`;
    const ts = T0 + n * 3600 + c;
    const base = { site, source: '/var/log/asterisk/queue_log', queue: 'q1', custom: false, ring_ms: null, position: null, orig_position: null, caller: '555', info: '' };
    const off = (n * calls + c) * 3;
    events.push(
      { ...base, event_id: `fp-${site}:${off}`, offset: off, ts, callid, agent: 'NONE', verb: 'ENTERQUEUE', wait_s: null, talk_s: null, data: ['', '555', '1'] },
      { ...base, event_id: `fp-${site}:${off + 1}`, offset: off + 1, ts: ts + 5, callid, agent: 'Ann', verb: 'CONNECT', wait_s: 5, talk_s: null, data: ['5', `${callid}.1`, '1'] },
      { ...base, event_id: `fp-${site}:${off + 2}`, offset: off + 2, ts: ts + 65, callid, agent: 'Ann', verb: 'COMPLETECALLER', wait_s: 5, talk_s: 60, data: ['5', '60', '1'] },
    );
    stints.push({ stint_id: `st-${site}-${callid}`, site, queue: 'q1', callid, enter_ts: ts, end_ts: ts + 65, outcome: 'answered', wait_s: 5, talk_s: 60, agent: 'Ann', caller: '555', transferred: false, enter_seen: true, end_event_id: `fp-${site}:${off + 2}` });
  }
  return { commitId: n + 1, stints, sessions: [], pauses: [], events, eventsJson: events.map((e) => JSON.stringify(e)), dead: [] };
}

const dir = mkdtempSync(join(tmpdir(), 'tablero-bench-fence-'));
const ch = await openClickHouse({ database: 'bench', dataDir: dir });
try {
  await migrate(ch.client);
  const fence = { item: 'p0', epoch: 1, insertTimeoutS: 4 };
  await claimFence(ch, fence, 'bench');
  const plain = createStore(ch);
  const fenced = createStore(ch, fence);
  const ms = { plain: 0, fenced: 0 };
  const load0 = loadavg()[0] ?? 0;
  for (let n = 0; n < COMMITS; n++) {
    for (const [kind, store] of n % 2 === 0 ? ([['plain', plain], ['fenced', fenced]] as const) : ([['fenced', fenced], ['plain', plain]] as const)) {
      const rows = commitOf(kind, n);
      const t = performance.now();
      await storeCommit(store, rows, `${kind}:${n}`, T0);
      ms[kind] += performance.now() - t;
    }
  }
  const load1 = loadavg()[0] ?? 0;
  const events = COMMITS * Math.floor(EVENTS / 3) * 3;
  const rate = (k: 'plain' | 'fenced'): number => Math.round(events / (ms[k] / 1000));
  console.log(`${COMMITS} commits of ${EVENTS} events each way (load average ${load0.toFixed(1)} -> ${load1.toFixed(1)}): plain ${rate('plain')} events/s, fenced ${rate('fenced')} events/s`);
  bench('plain_events_per_s', rate('plain'), 'events/s', `reference (embedded chDB, ${EVENTS} events + stints per commit)`);
  bench('fenced_events_per_s', rate('fenced'), 'events/s', 'reference (same commits, fenced by epoch)');
  bench('fenced_over_plain_pct', Math.round((rate('fenced') / rate('plain')) * 100), '%', 'reference');
} finally {
  await ch.close();
  rmSync(dir, { recursive: true, force: true });
}
