// Leases in a JetStream KV bucket on a real nats-server (src/bus/nats-leases.ts) and the lease
// manager over them (src/cluster/lease-manager.ts): compare-and-set writes, shares among members,
// handing over at a stop, and fencing when a member can no longer reach NATS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { partitionOf, partitionedSubject, unpartitionedSubject } from '@tablero/ingest/contract';
import { NatsBus, type LeaseStore } from '../src/bus/index.ts';
import { startLeaseManager, type LeaseEvent, type LeaseItem, type LeaseWork } from '../src/cluster/lease-manager.ts';
import { holdings, overlappingHoldings } from './support/lease-log.ts';
import { startNatsServer, type NatsServer } from './support/nats-server.ts';
import { waitFor } from './support/wait-for.ts';

const log = pino({ level: 'silent' });
let nats: NatsServer;
let bus: NatsBus;
beforeAll(async () => {
  nats = await startNatsServer();
  bus = await NatsBus.connect({ servers: nats.url });
});
afterAll(async () => {
  await bus?.close();
  await nats?.stop();
});

describe('partition subjects (ingest contract)', () => {
  it.each([
    ['pbx.events.site-a', 12, `pbxp.${partitionOf('site-a', 12)}.events.site-a`],
    ['pbx.dead.default', 4, `pbxp.${partitionOf('default', 4)}.dead.default`],
    ['pbx.cdr.b', 1, 'pbxp.0.cdr.b'],
    ['crm.tickets.a', 12, null],
    ['qa.survey.a', 12, null],
  ])('%s over %i partitions -> %s', (subject, partitions, want) => {
    expect(partitionedSubject(subject, partitions)).toBe(want);
    if (want) expect(unpartitionedSubject(want)).toBe(subject);
  });

  it('spreads sites over partitions, the same way every time', () => {
    expect([partitionOf('default', 12), partitionOf('site-a', 12), partitionOf('bogota', 12)]).toEqual([
      partitionOf('default', 12), partitionOf('site-a', 12), partitionOf('bogota', 12),
    ]);
    const counts = new Array<number>(12).fill(0);
    for (let i = 0; i < 1200; i++) counts[partitionOf(`site-${i}`, 12)] = (counts[partitionOf(`site-${i}`, 12)] ?? 0) + 1;
    expect(Math.min(...counts)).toBeGreaterThan(50);
  });
});

describe('lease store (KV bucket, compare-and-set)', () => {
  it('lets one of two writers of the same revision win, deletes, and forgets keys after the TTL', async () => {
    const store = await bus.leases('T_CAS', 2_000);
    const r1 = await store.put('lease.x', 'a', 0);
    expect(r1).toBeGreaterThan(0);
    expect(await store.put('lease.x', 'b', 0)).toBeNull(); // someone else created it
    const r2 = await store.put('lease.x', 'a2', r1 as number);
    expect(r2).toBeGreaterThan(r1 as number);
    expect(await store.put('lease.x', 'b', r1 as number)).toBeNull(); // stale revision
    expect((await store.list('lease.')).map((e) => [e.key, e.value])).toEqual([['lease.x', 'a2']]);
    expect(await store.remove('lease.x', r1 as number)).toBe(false);
    expect(await store.remove('lease.x', r2 as number)).toBe(true);
    expect((await store.list('lease.')).map((e) => [e.key, e.value])).toEqual([['lease.x', null]]);
    await store.put('lease.y', 'c', 0);
    await waitFor(async () => (await store.list('lease.')).length === 0, { timeoutMs: 10_000, intervalMs: 100, what: 'keys expired' });
  });
});

/** Items whose work records when it ran, and writes through the fence every 50 ms while it runs. */
function items(n: number, writes: Array<{ item: string; at: number }>): LeaseItem[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `p${i}`,
    async start(fence): Promise<LeaseWork> {
      let stop: () => void = () => undefined;
      const done = new Promise<void>((resolve) => (stop = resolve));
      const timer = setInterval(() => {
        try {
          fence();
          writes.push({ item: `p${i}`, at: Date.now() });
        } catch {
          // fenced: nothing written
        }
      }, 50);
      return {
        done,
        async stop() {
          clearInterval(timer);
          stop();
        },
      };
    },
  }));
}

/** A lease store that can be cut off from NATS (every call fails), as a member on the wrong side of a partition. */
function cuttable(store: LeaseStore): { store: LeaseStore; cut(): void } {
  let cut = false;
  const check = (): void => {
    if (cut) throw new Error('NATS unreachable');
  };
  return {
    cut: () => (cut = true),
    store: {
      list: async (p) => (check(), store.list(p)),
      put: async (k, v, r) => (check(), store.put(k, v, r)),
      remove: async (k, r) => (check(), store.remove(k, r)),
    },
  };
}

describe('lease manager', () => {
  it('shares the items, and a member that stops hands its items over', async () => {
    const store = await bus.leases('T_SHARE', 2_000);
    const events: LeaseEvent[] = [];
    const writes: Array<{ item: string; at: number }> = [];
    const a = startLeaseManager({ store, items: items(4, writes), log, ttlMs: 2_000, tickMs: 200, member: 'a-1-aaaaaa', journal: (e) => events.push(e) });
    const b = startLeaseManager({ store, items: items(4, writes), log, ttlMs: 2_000, tickMs: 200, member: 'b-1-bbbbbb', journal: (e) => events.push(e) });
    try {
      await waitFor(() => a.held().length === 2 && b.held().length === 2, { timeoutMs: 20_000, what: 'the items shared 2/2' });
      expect([...a.held(), ...b.held()].sort()).toEqual(['p0', 'p1', 'p2', 'p3']);
      const handed = a.held().sort();
      const stoppedAt = Date.now();
      await a.stop();
      // Released at the stop (deleted, not left to expire), and b takes them.
      expect(events.filter((e) => e.member === 'a-1-aaaaaa' && e.event === 'released' && e.at >= stoppedAt).map((e) => e.item).sort()).toEqual(handed);
      await waitFor(() => b.held().length === 4, { timeoutMs: 10_000, what: 'b holding every item' });
    } finally {
      await a.stop();
      await b.stop();
    }
    expect(overlappingHoldings(holdings(events))).toEqual([]);
  });

  it('fences a member cut off from NATS before another takes its items, and no write lands after the fence', async () => {
    const TTL = 2_000;
    const raw = await bus.leases('T_FENCE', TTL);
    const events: LeaseEvent[] = [];
    const writes: Array<{ item: string; at: number }> = [];
    const cutA = cuttable(raw);
    const a = startLeaseManager({ store: cutA.store, items: items(2, writes), log, ttlMs: TTL, tickMs: 200, member: 'a-2-aaaaaa', journal: (e) => events.push(e) });
    await waitFor(() => a.held().length === 2, { timeoutMs: 10_000, what: 'a holding both items' });
    const b = startLeaseManager({ store: raw, items: items(2, writes), log, ttlMs: TTL, tickMs: 200, member: 'b-2-bbbbbb', journal: (e) => events.push(e) });
    try {
      // b is a member, but a holds 2 of 2 and b's share is 1: a gives one up, b takes it.
      await waitFor(() => a.held().length === 1 && b.held().length === 1, { timeoutMs: 10_000, what: 'the items shared 1/1' });
      const aItem = a.held()[0] as string;
      writes.length = 0;
      cutA.cut();
      await waitFor(() => b.held().length === 2, { timeoutMs: 15_000, what: `b taking ${aItem} over` });
      const lastFence = Math.max(...events.filter((e) => e.member === 'a-2-aaaaaa' && e.item === aItem && e.fence_until > 0).map((e) => e.fence_until));
      const takenAt = events.find((e) => e.member === 'b-2-bbbbbb' && e.item === aItem && e.event === 'acquired' && e.at > lastFence - TTL)?.at ?? 0;
      // Taken only after a's fence closed, by at least the margin (TTL / 4) less the tick.
      expect(takenAt).toBeGreaterThan(lastFence);
      // a stopped the item when the fence passed (lost), and nothing was written for it after the fence.
      expect(events.some((e) => e.member === 'a-2-aaaaaa' && e.item === aItem && e.event === 'lost')).toBe(true);
      const aWrites = writes.filter((w) => w.item === aItem && w.at < takenAt);
      expect(aWrites.every((w) => w.at <= lastFence)).toBe(true);
    } finally {
      await b.stop();
      await a.stop().catch(() => undefined);
    }
    expect(overlappingHoldings(holdings(events))).toEqual([]);
  });

  it('keeps renewing while the balancing listings hang for three TTLs (renewals on their own timer)', async () => {
    const TTL = 4_000;
    const raw = await bus.leases('T_SLOWLIST', TTL);
    const events: LeaseEvent[] = [];
    const writes: Array<{ item: string; at: number }> = [];
    let hang = false;
    // The listings (a round trip per key) stuck, as on a starved process; puts go through.
    const store: LeaseStore = {
      ...raw,
      list: async (prefix) => {
        if (hang) await new Promise((r) => setTimeout(r, 3 * TTL));
        return raw.list(prefix);
      },
    };
    let lost = 0;
    const a = startLeaseManager({ store, items: items(2, writes), log, ttlMs: TTL, tickMs: 200, member: 'a-3-aaaaaa', journal: (e) => events.push(e) });
    try {
      await waitFor(() => a.held().length === 2, { timeoutMs: 10_000, what: 'a holding both items' });
      hang = true;
      const from = Date.now();
      await waitFor(() => Date.now() - from > 3 * TTL, { timeoutMs: 5 * TTL, intervalMs: 200, what: 'three TTLs of hung listings' });
      lost = events.filter((e) => e.event === 'lost').length;
      // Renewed all along (at least once per TTL; the tick, stuck, renewed nothing before).
      expect(events.filter((e) => e.event === 'renewed' && e.at > from && e.item === 'p0').length).toBeGreaterThanOrEqual(3);
    } finally {
      hang = false;
      await a.stop();
    }
    expect(lost).toBe(0);
  }, 60_000);
});
