// The store as a processor that owns some sites only (one partition, issue 19) sees it: state and
// live windows are rebuilt from those sites' rows, the newest commit is that of those sites, and
// every write first asks the fence, which throws once the partition's lease may have passed to
// another processor (so a processor that lost its lease stores nothing more of the partition).
// With a store fence the store itself refuses the holder's inserts once another holder claimed the
// partition (store/fenced-insert.ts); `confirm`, after each commit, tells whether that happened.
import type { ClickHouse } from '@tablero/sql';
import { currentEpoch, type StoreFence } from './fenced-insert.ts';
import type { ProcessorStore } from './store.ts';

export class FencedError extends Error {
  override name = 'FencedError';
}

/** The holder's epoch as the store checks it, and what to do once the store fenced it. */
export interface OwnedStoreFence {
  ch: ClickHouse;
  fence: StoreFence;
  /** Called once the store shows another holder's epoch (the lease is lost: stop the partition). */
  onFenced(): void;
}

export function ownedStore(store: ProcessorStore, owns: (site: string) => boolean, fence: () => void, storeFence?: OwnedStoreFence): ProcessorStore {
  const fenced =
    <A extends unknown[]>(fn: (...args: A) => Promise<void>) =>
    (...args: A): Promise<void> => {
      fence();
      return fn(...args);
    };
  return {
    ...store,
    insertStints: fenced(store.insertStints),
    insertEvents: fenced(store.insertEvents),
    insertEventsJson: fenced(store.insertEventsJson),
    insertDeadLetters: fenced(store.insertDeadLetters),
    insertCdr: fenced(store.insertCdr),
    markFunnelDirty: fenced(store.markFunnelDirty),
    insertAgentIntervals: fenced(store.insertAgentIntervals),
    insertAlert: fenced(store.insertAlert),
    async confirm() {
      if (!storeFence) return;
      const { item, epoch } = storeFence.fence;
      const now = await currentEpoch(storeFence.ch, item);
      if (now !== epoch) {
        // Inserts after the claim of epoch `now` stored nothing; the commit is neither acked nor published.
        storeFence.onFenced();
        throw new FencedError(`partition ${item}: the store holds epoch ${now}, this holder's is ${epoch}`);
      }
    },
    async lastCommit() {
      const sites = (await store.sites()).filter(owns);
      return sites.length > 0 ? store.lastCommit(sites) : { id: 0, stintIds: [], sessionKeys: [], pauseKeys: [] };
    },
    async sites() {
      return (await store.sites()).filter(owns);
    },
    async replayStarts(horizonS) {
      return new Map([...(await store.replayStarts(horizonS))].filter(([site]) => owns(site)));
    },
    async recentRejections() {
      const r = await store.recentRejections();
      return {
        rows: new Map([...r.rows].filter(([key]) => owns(key.slice(0, key.indexOf('\0'))))),
        counters: r.counters.filter((c) => owns(c.site)),
      };
    },
    async openAlerts() {
      return (await store.openAlerts()).filter((a) => owns(a.site));
    },
    async stintsSince(fromS) {
      return (await store.stintsSince(fromS)).filter((st) => owns(st.site));
    },
  };
}
