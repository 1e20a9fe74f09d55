// Test and benchmark support: a deterministic generator of valid queue_log call flows over
// several queues, as EventBatches with deterministic batch ids (the way ingest cuts them:
// `<fingerprint>:<first offset>-<last offset>`). Streaming: batches are produced one at a time,
// so a million events never sit in memory at once, and the same seed always gives the same
// bytes (a crash test regenerates the stream to compute its expected counts independently).
import type { EventBatch, QueueEvent } from '@tablero/ingest/contract';
import { applyEvent, createStintState } from '../core/stint-machine.ts';

export interface FlowOptions {
  /** Total events to produce (the last batch is cut short to hit it exactly). */
  events: number;
  batchSize: number;
  seed: number;
  site?: string;
  /** Source fingerprint of every event id. */
  fingerprint?: string;
  queues?: number;
  agents?: number;
  /** New calls per second of data time. */
  callsPerS?: number;
  /** Epoch (s) of the first event. */
  startS?: number;
  /** A QUEUESTART (PBX restart) every this many seconds of data time; 0 = never. */
  restartEveryS?: number;
}

/** mulberry32: small, fast, deterministic; good enough to shape test traffic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Line = Omit<QueueEvent, 'event_id' | 'offset' | 'site' | 'source'>;

const base = { custom: false, wait_s: null, talk_s: null, ring_ms: null, position: null, orig_position: null, caller: '', info: '', data: [] as string[] };

/** Generates batches in log order; events of one second keep the order they were scheduled in. */
export function* flowBatches(o: FlowOptions): Generator<EventBatch> {
  const site = o.site ?? 'default';
  const fp = o.fingerprint ?? `gen${o.seed}`;
  const queues = o.queues ?? 6;
  const agents = o.agents ?? 60;
  const rate = o.callsPerS ?? 20;
  const restartEvery = o.restartEveryS ?? 0;
  const rnd = prng(o.seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const buckets = new Map<number, QueueEvent[]>();
  const source = `gen:${fp}`;
  const at = (ts: number, l: Omit<Line, 'ts'>): void => {
    let b = buckets.get(ts);
    if (!b) buckets.set(ts, (b = []));
    // One object shape for every event (spreads of differing literals made the generator, not
    // the processor, the cost of the benchmarks); id and offset are set when it is emitted.
    b.push({
      event_id: '', site, source, offset: 0, ts, callid: l.callid, queue: l.queue, agent: l.agent, verb: l.verb, custom: l.custom,
      wait_s: l.wait_s, talk_s: l.talk_s, ring_ms: l.ring_ms, position: l.position, orig_position: l.orig_position,
      caller: l.caller, info: l.info, data: l.data,
    });
  };
  let t = o.startS ?? 1_767_225_600; // 2026-01-01T00:00:00Z
  let callNo = 0;
  let offset = 0;
  let produced = 0;
  let pending: QueueEvent[] = [];

  function scheduleCall(start: number): void {
    const callid = `${start}.${callNo++}`;
    const q = `q${int(0, queues - 1)}`;
    const agent = `Agent ${int(1, agents)}`;
    const r = rnd();
    if (r < 0.02) {
      at(start, { ...base, callid, queue: q, agent: 'NONE', verb: 'FULL', custom: true });
      return;
    }
    at(start, { ...base, callid, queue: q, agent: 'NONE', verb: 'ENTERQUEUE', caller: `3${int(100000000, 999999999)}`, orig_position: 1, data: ['', 'x', '1'] });
    const wait = int(0, 90);
    for (let k = int(0, 2), s = 1; k > 0; k--, s += 2) if (s < wait) at(start + s, { ...base, callid, queue: q, agent, verb: 'RINGNOANSWER', ring_ms: 15000, data: ['15000'] });
    if (r < 0.72) {
      const talk = int(5, 400);
      at(start + wait, { ...base, callid, queue: q, agent, verb: 'CONNECT', wait_s: wait, data: [String(wait), `${callid}x`, '2'] });
      const end = r < 0.5 ? 'COMPLETECALLER' : r < 0.68 ? 'COMPLETEAGENT' : 'BLINDTRANSFER';
      at(start + wait + talk, { ...base, callid, queue: q, agent, verb: end, wait_s: wait, talk_s: talk, data: [String(wait), String(talk), '1'] });
    } else if (r < 0.88) {
      at(start + wait, { ...base, callid, queue: q, agent: 'NONE', verb: 'ABANDON', wait_s: wait, position: 1, orig_position: 1, data: ['1', '1', String(wait)] });
    } else if (r < 0.95) {
      // Timeout, then overflow of the same callid into the next queue (answered there).
      at(start + wait, { ...base, callid, queue: q, agent: 'NONE', verb: 'EXITWITHTIMEOUT', wait_s: wait, position: 1, orig_position: 1, data: ['1', '1', String(wait)] });
      const q2 = `q${(Number(q.slice(1)) + 1) % queues}`;
      const w2 = int(0, 30);
      at(start + wait, { ...base, callid, queue: q2, agent: 'NONE', verb: 'ENTERQUEUE', caller: '3000000000', orig_position: 1, data: ['', 'x', '1'] });
      at(start + wait + w2, { ...base, callid, queue: q2, agent, verb: 'CONNECT', wait_s: w2, data: [String(w2), `${callid}y`, '1'] });
      at(start + wait + w2 + 60, { ...base, callid, queue: q2, agent, verb: 'COMPLETECALLER', wait_s: w2, talk_s: 60, data: [String(w2), '60', '1'] });
    } else if (r < 0.97) {
      at(start + wait, { ...base, callid, queue: q, agent: 'NONE', verb: 'EXITWITHKEY', wait_s: wait, position: 1, orig_position: 1, info: '5', data: ['5', '1', '1', String(wait)] });
    } else if (r < 0.98) {
      at(start + wait, { ...base, callid, queue: q, agent: 'NONE', verb: 'EXITEMPTY', wait_s: wait, position: 1, orig_position: 1, data: ['1', '1', String(wait)] });
    } else if (r < 0.99) {
      at(start + wait, { ...base, callid, queue: q, agent: 'NONE', verb: 'WITHDRAW', wait_s: wait, position: 1, orig_position: 1, data: ['1', '1', String(wait), ''] });
    } else {
      // A connection that fails (SYSCOMPAT) after the agent picked up.
      at(start + wait, { ...base, callid, queue: q, agent, verb: 'CONNECT', wait_s: wait, data: [String(wait), `${callid}x`, '1'] });
      at(start + wait, { ...base, callid, queue: q, agent, verb: 'SYSCOMPAT', data: [''] });
    }
  }

  const seconds = (): number => t - (o.startS ?? 1_767_225_600);
  while (produced < o.events) {
    if (restartEvery > 0 && seconds() > 0 && seconds() % restartEvery === 0) {
      at(t, { ...base, callid: 'NONE', queue: 'NONE', agent: 'NONE', verb: 'QUEUESTART' });
    }
    // Calls arrive at `rate` per second on average; a pause of one agent every 10 minutes.
    for (let k = int(0, 2 * rate); k > 0; k--) scheduleCall(t);
    if (seconds() % 600 === 0) {
      const a = `Agent ${int(1, agents)}`;
      at(t, { ...base, callid: 'NONE', queue: 'NONE', agent: a, verb: 'PAUSEALL', info: 'Break', data: ['Break'] });
      at(t + 300, { ...base, callid: 'NONE', queue: 'NONE', agent: a, verb: 'UNPAUSEALL', data: [''] });
    }
    const lines = buckets.get(t) ?? [];
    buckets.delete(t);
    for (const ev of lines) {
      if (produced >= o.events) break;
      ev.event_id = `${fp}:${offset}`;
      ev.offset = offset;
      // The byte length of the line it stands for; offsets only need to increase.
      offset += 40 + ev.callid.length + ev.queue.length + ev.agent.length + ev.verb.length + ev.data.length * 4;
      pending.push(ev);
      produced += 1;
      if (pending.length >= o.batchSize) {
        yield toBatch(fp, site, pending);
        pending = [];
      }
    }
    t += 1;
  }
  if (pending.length > 0) yield toBatch(fp, site, pending);
}

function toBatch(fp: string, site: string, events: QueueEvent[]): EventBatch {
  const first = events[0] as QueueEvent;
  const last = events[events.length - 1] as QueueEvent;
  return { batch_id: `${fp}:${first.offset}-${last.offset}`, site, events };
}

/** The clean run of some flows: the pure stint machine over each one's events, stints per site, queue and outcome. */
export function cleanStintCounts(flows: readonly FlowOptions[]): { bySiteQueueOutcome: Record<string, number>; stints: number } {
  const by: Record<string, number> = {};
  let n = 0;
  for (const f of flows) {
    const state = createStintState();
    for (const b of flowBatches(f)) {
      for (const ev of b.events) {
        for (const s of applyEvent(state, ev)) {
          const k = `${s.site}|${s.queue}|${s.outcome}`;
          by[k] = (by[k] ?? 0) + 1;
          n += 1;
        }
      }
    }
  }
  return { bySiteQueueOutcome: by, stints: n };
}
