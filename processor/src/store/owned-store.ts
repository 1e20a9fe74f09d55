// The store as a processor that owns some sites only (one partition, issue 19) sees it: state and
// live windows are rebuilt from those sites' rows, the newest commit is that of those sites, and
// every write first asks the fence, which throws once the partition's lease may have passed to
// another processor (so a processor that lost its lease stores nothing more of the partition).
import type { ProcessorStore } from './store.ts';

export class FencedError extends Error {
  override name = 'FencedError';
}

export function ownedStore(store: ProcessorStore, owns: (site: string) => boolean, fence: () => void): ProcessorStore {
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
