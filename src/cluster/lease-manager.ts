// Shares work items (the partitions of the events stream, and the singleton services) among the
// processors of a deployment through leases in a KV bucket (src/bus/nats-leases.ts).
//
// Renewals (every `renewMs`, default min(1 s, TTL / 6)) on their own timer: the member key
//   `member.<id>` and every lease held (`lease.<item>`), all at once, each write compare-and-set on
//   the revision it last wrote. The server removes a key not written for the TTL, which is how a
//   dead member's leases come free. A renewal never waits for the balancing below (whose listings
//   take a round trip per key), so a busy process renews as long as its event loop turns at all.
// Balancing (every tick, default 1 s): counts the live members and takes its share:
//   ceil(items / members). It gives up one item a tick while it holds more (stopped first, the key
//   deleted after), and takes free items (no key, or a tombstone) while it holds fewer.
// Fencing: a holder may act for an item until `fence_until = (time it sent its last successful
//   write) + TTL - margin`. The server keeps the key at least TTL after it received that write,
//   so another member can only take the item after fence_until + margin. `fence()` throws past
//   fence_until (the processor asks it before every store write), and a holder whose renewal was
//   refused or is overdue stops the item at once. The margin covers a write already on its way
//   when the fence closes (the store's insert time) and clock rate differences.
// Every acquisition, renewal, release and loss goes to `journal` (the lease log) with its
// fence_until, so a test can check that no two members ever held one item at the same time.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { LeaseEntry, LeaseStore } from '../bus/nats-leases.ts';

export interface LeaseWork {
  stop(): Promise<void>;
  /** Rejects when the work died on its own. */
  done: Promise<void>;
}

/** What a started item knows of its lease besides the fence. */
export interface LeaseHold {
  /** The lease revision this member acquired with: the holder's epoch (grows with every acquisition). */
  epoch: number;
  member: string;
  /** The work learned on its own that the item passed to another member (the store fenced it): stop it now. */
  lost(): void;
}

export interface LeaseItem {
  /** Key part: letters, digits, `_` and `-`. */
  name: string;
  /** Starts the work; `fence` throws once the lease may have passed to another member. */
  start(fence: () => void, hold: LeaseHold): Promise<LeaseWork>;
}

export interface LeaseEvent {
  at: number;
  member: string;
  item: string;
  event: 'acquired' | 'renewed' | 'released' | 'lost';
  revision: number;
  /** Until when this member may act for the item (acquired, renewed). */
  fence_until: number;
}

export interface LeaseManagerOptions {
  store: LeaseStore;
  items: LeaseItem[];
  log: Logger;
  ttlMs: number;
  /** Safety margin before the TTL at which a holder stops writing (default ttl / 4). */
  marginMs?: number;
  tickMs?: number;
  /** How often the member key and the leases are renewed (default min(1 s, ttl / 6)). */
  renewMs?: number;
  member?: string;
  journal?: (e: LeaseEvent) => void;
  now?: () => number;
}

export class FenceClosedError extends Error {
  override name = 'FenceClosedError';
}

interface Held {
  revision: number;
  fenceUntil: number;
  work: LeaseWork | null;
  /** Being stopped: to be deleted once stopped (shed), or dropped (lost: fenceUntil 0). */
  leaving: boolean;
  /** The renewal on its way, if any (a delete waits for it: it would change the revision). */
  renewing: Promise<void> | null;
}

export interface LeaseManager {
  member: string;
  /** Items held now. */
  held(): string[];
  /** Resolves with the reason when an item's work died. */
  failed: Promise<Error>;
  /** Stops every work, then deletes its lease (others take over at once). */
  stop(): Promise<void>;
}

export function memberId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export function startLeaseManager(o: LeaseManagerOptions): LeaseManager {
  const now = o.now ?? Date.now;
  const member = o.member ?? memberId();
  const margin = o.marginMs ?? Math.floor(o.ttlMs / 4);
  const held = new Map<string, Held>();
  const memberKey = `member.${member}`;
  let memberRevision = 0;
  let stopped = false;
  /** A renewal round on its way. */
  let renewing = false;
  let fail: (err: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => (fail = resolve));
  const value = JSON.stringify({ member, pid: process.pid });
  const journal = (item: string, event: LeaseEvent['event'], revision: number, fenceUntil: number): void =>
    o.journal?.({ at: now(), member, item, event, revision, fence_until: fenceUntil });

  const leaseKey = (item: string): string => `lease.${item}`;

  const fenceFor = (item: string) => (): void => {
    const h = held.get(item);
    if (!h || now() > h.fenceUntil) throw new FenceClosedError(`lease of ${item} no longer held by ${member}`);
  };

  /** Stops an item's work; deletes the lease after when it is still ours (a shed, a stop). */
  const leave = async (name: string, release: boolean): Promise<void> => {
    const h = held.get(name);
    if (!h) return;
    if (!release && h.fenceUntil > 0) {
      h.fenceUntil = 0; // lost: nothing more is written, whatever the stop still waits for
      journal(name, 'lost', h.revision, 0);
    }
    if (h.leaving) return;
    h.leaving = true;
    o.log.info({ item: name, lost: !release }, 'lease being given up: stopping the item');
    try {
      await h.work?.stop();
    } catch (err) {
      o.log.warn({ err, item: name }, 'work stop failed');
    }
    if (release && h.fenceUntil > 0) {
      h.fenceUntil = 0; // stopped: no more renewals, nothing more written
      await h.renewing;
      try {
        if (await o.store.remove(leaseKey(name), h.revision)) journal(name, 'released', h.revision, 0);
      } catch (err) {
        o.log.warn({ err, item: name }, 'lease delete failed (it expires by itself)');
      }
    }
    held.delete(name);
  };

  const renew = async (name: string, h: Held): Promise<void> => {
    const sent = now();
    let revision: number | null;
    try {
      revision = await o.store.put(leaseKey(name), value, h.revision);
    } catch (err) {
      o.log.warn({ err, item: name }, 'lease renewal failed, will retry');
      if (now() > h.fenceUntil) {
        o.log.warn({ item: name }, 'lease fence passed without renewal: stopping the item');
        // Not awaited: the fence is closed at once, and the other leases' renewals do not wait for the stop.
        void leave(name, false);
      }
      return;
    }
    if (revision === null) {
      o.log.warn({ item: name }, 'lease expired or taken by another member: stopping the item');
      void leave(name, false);
      return;
    }
    h.revision = revision; // (a delete after a stop names it)
    // Given up meanwhile (lost, or stopped for a delete): that decision stands.
    if (h.fenceUntil === 0 || held.get(name) !== h) return;
    h.fenceUntil = sent + o.ttlMs - margin;
    journal(name, 'renewed', revision, h.fenceUntil);
  };

  const acquire = async (item: LeaseItem, current: LeaseEntry | undefined): Promise<boolean> => {
    const sent = now();
    const revision = await o.store.put(leaseKey(item.name), value, current?.revision ?? 0);
    if (revision === null) return false;
    const h: Held = { revision, fenceUntil: sent + o.ttlMs - margin, work: null, leaving: false, renewing: null };
    held.set(item.name, h);
    journal(item.name, 'acquired', revision, h.fenceUntil);
    o.log.info({ item: item.name, member }, 'lease acquired');
    // Started in the background: renewals go on meanwhile (a start rebuilds state from the store).
    const lost = (): void => {
      if (held.get(item.name) !== h || h.fenceUntil === 0) return;
      o.log.warn({ item: item.name, epoch: revision }, 'the store fenced this holder: stopping the item');
      void leave(item.name, false);
    };
    item
      .start(fenceFor(item.name), { epoch: revision, member, lost })
      .then((work) => {
        if (h.leaving || held.get(item.name) !== h) {
          void work.stop();
          return;
        }
        h.work = work;
        work.done.catch((err: unknown) => {
          if (!h.leaving) fail(err instanceof Error ? err : new Error(String(err)));
        });
      })
      .catch((err: unknown) => {
        o.log.warn({ err, item: item.name }, 'item did not start: lease given back');
        void leave(item.name, true);
      });
    return true;
  };

  const renewMember = async (): Promise<void> => {
    try {
      memberRevision = (await o.store.put(memberKey, value, memberRevision)) ?? memberRevision;
    } catch (err) {
      // NATS unreachable: the lease renewals still run, so an overdue lease is stopped.
      o.log.warn({ err }, 'member key not renewed');
    }
  };

  const renewAll = async (): Promise<void> => {
    const member = renewMember();
    // Items being given up are renewed until stopped (their last commit may still be storing).
    // All at once: one round trip for every lease, not one after the other.
    const leases = [...held]
      .filter(([, h]) => h.fenceUntil > 0 && h.renewing === null)
      .map(([name, h]) => {
        h.renewing = renew(name, h).finally(() => {
          h.renewing = null;
        });
        return h.renewing;
      });
    await Promise.all([member, ...leases]);
  };

  const tick = async (): Promise<void> => {
    // A member counts itself from its first tick on.
    if (memberRevision === 0 && !renewing) await renewMember();
    const members = (await o.store.list('member.')).filter((e) => e.value !== null);
    // Our own key may have expired and been written afresh: read its revision back.
    const mine = members.find((e) => e.key === memberKey);
    // (Not while a renewal is on its way: it sets the revision itself.)
    if (!renewing) memberRevision = mine ? mine.revision : 0;
    const leases = new Map((await o.store.list('lease.')).map((e) => [e.key.slice('lease.'.length), e]));
    const target = Math.ceil(o.items.length / Math.max(1, members.length));
    const holding = [...held.values()].filter((h) => !h.leaving).length;
    if (holding > target) {
      const give = [...held.keys()].filter((k) => !held.get(k)?.leaving).sort().at(-1);
      if (give) void leave(give, true);
      return;
    }
    if (holding >= target) return;
    // Free items, starting at a place that depends on the member so members do not all race for the same one.
    const free = o.items.filter((it) => !held.has(it.name) && (leases.get(it.name)?.value ?? null) === null);
    const offset = free.length > 0 ? parseInt(member.slice(-6), 16) % free.length : 0;
    let want = target - holding;
    for (let i = 0; i < free.length && want > 0; i++) {
      const item = free[(i + offset) % free.length];
      if (item && (await acquire(item, leases.get(item.name)))) want -= 1;
    }
  };

  /** Runs `fn` every `ms`, a run never beside the previous one; `busy` while one runs. */
  const repeat = (ms: number, what: string, fn: () => Promise<void>): { timer: NodeJS.Timeout; busy: () => boolean } => {
    let busy = false;
    const timer = setInterval(() => {
      if (busy || stopped) return;
      busy = true;
      fn()
        .catch((err: unknown) => o.log.warn({ err }, `${what} failed, will retry`))
        .finally(() => {
          busy = false;
        });
    }, ms);
    return { timer, busy: () => busy };
  };
  const renewals = repeat(o.renewMs ?? Math.min(1_000, Math.floor(o.ttlMs / 6)), 'lease renewal round', async () => {
    renewing = true;
    try {
      await renewAll();
    } finally {
      renewing = false;
    }
  });
  const ticks = repeat(o.tickMs ?? 1_000, 'lease tick', tick);

  return {
    member,
    held: () => [...held.keys()].filter((k) => !held.get(k)?.leaving),
    failed,
    async stop() {
      stopped = true;
      clearInterval(ticks.timer);
      clearInterval(renewals.timer);
      while (ticks.busy() || renewals.busy()) await new Promise((r) => setTimeout(r, 20));
      await Promise.all([...held.keys()].map((k) => leave(k, true)));
      try {
        await o.store.remove(memberKey, memberRevision);
      } catch {
        // expires by itself
      }
    },
  };
}
