// Test support: reads a lease log (TABLERO_LEASE_LOG, JSON lines of src/cluster/lease-manager.ts)
// into holding intervals, and finds two members holding one item at the same time.
import { existsSync, readFileSync } from 'node:fs';
import type { LeaseEvent } from '../../src/cluster/lease-manager.ts';

export interface Holding {
  item: string;
  member: string;
  /** When the lease was acquired. */
  from: number;
  /** Until when the member could act: its release, or the fence of its last renewal (a member that died or lost it). */
  until: number;
}

export function readLeaseLog(file: string): LeaseEvent[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as LeaseEvent)
    .sort((a, b) => a.at - b.at);
}

export function holdings(events: LeaseEvent[]): Holding[] {
  const out: Holding[] = [];
  const open = new Map<string, Holding>();
  for (const e of events) {
    const key = `${e.item}\0${e.member}`;
    const h = open.get(key);
    if (e.event === 'acquired') {
      if (h) out.push(h);
      open.set(key, { item: e.item, member: e.member, from: e.at, until: e.fence_until });
    } else if (h && e.event === 'renewed') {
      h.until = Math.max(h.until, e.fence_until);
    } else if (h && e.event === 'released') {
      h.until = Math.min(h.until, e.at);
      out.push(h);
      open.delete(key);
    } else if (h && e.event === 'lost') {
      out.push(h);
      open.delete(key);
    }
  }
  out.push(...open.values());
  return out;
}

/** Pairs of holdings of one item by two members that overlap in time (empty when leases held). */
export function overlappingHoldings(hs: Holding[]): Array<[Holding, Holding]> {
  const bad: Array<[Holding, Holding]> = [];
  for (let i = 0; i < hs.length; i++) {
    for (let j = i + 1; j < hs.length; j++) {
      const a = hs[i];
      const b = hs[j];
      if (a && b && a.item === b.item && a.member !== b.member && a.from < b.until && b.from < a.until) bad.push([a, b]);
    }
  }
  return bad;
}
