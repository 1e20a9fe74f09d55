// The same line counts once, whichever way it came (kpi-definitions §11 "Same line",
// core/line-key.ts): after the per-source offset rule, an event whose line key was applied or
// stored already is dropped. Memory answers for the last lineKeyWindowS of data time and for
// commits not stored yet; for older events one query per group and site reads the keys stored
// over their time range. The restart replay remembers the keys it reads (service/rebuild.ts).
import { EVENTS_SUBJECT_PREFIX, type EventBatch, type QueueEvent } from '@tablero/ingest/contract';
import type { Logger } from 'pino';
import type { readMessage, ProcessorDurableMessage } from '../bus/bus.ts';
import { belowFloor, knownLine, lineKey, releaseStoredLines, type LineKeys } from '../core/line-key.ts';
import { isApplied, type StintState } from '../core/stint-machine.ts';
import type { ProcessorStore } from '../store/store.ts';
import { untilDone } from './retry.ts';
import type { Counters } from './work.ts';

/** A message of a group with its body read once. */
export interface ReadMessage {
  msg: ProcessorDurableMessage;
  read: ReturnType<typeof readMessage>;
}

/** Line keys stored per site for the events of a group below the in-memory window. */
export type StoredLines = Map<string, Set<string>>;

export interface SameLine {
  /** The stored keys the group needs, or null when memory answers for every event (the live case). */
  ask(group: ReadMessage[]): Promise<StoredLines> | null;
  /** True when `ev`'s line was applied or stored already (counted, then dropped). Storage compares the exact text. */
  seen(ev: QueueEvent, hash: number, stored: StoredLines | null): boolean;
}

export function createSameLine(d: { lines: LineKeys; stints: StintState; store: Pick<ProcessorStore, 'storedLineKeys'>; counters: Counters; log: Logger; stopping: () => boolean }): SameLine {
  return {
    ask(group) {
      releaseStoredLines(d.lines); // before the question: what leaves memory now is stored already
      const ranges = new Map<string, { fromS: number; toS: number }>();
      for (const { msg, read } of group) {
        if (!read.ok || !msg.subject.startsWith(`${EVENTS_SUBJECT_PREFIX}.`)) continue;
        for (const ev of (read.value as EventBatch).events) {
          if (!belowFloor(d.lines, ev) || isApplied(d.stints, ev)) continue;
          const r = ranges.get(ev.site);
          if (!r) ranges.set(ev.site, { fromS: ev.ts, toS: ev.ts });
          else if (ev.ts < r.fromS) r.fromS = ev.ts;
          else if (ev.ts > r.toS) r.toS = ev.ts;
        }
      }
      if (ranges.size === 0) return null;
      return untilDone(
        async () => {
          const found: StoredLines = new Map();
          for (const [site, r] of ranges) found.set(site, await d.store.storedLineKeys(site, r.fromS, r.toS));
          return found;
        },
        { stopping: d.stopping, warn: (err, attempt) => d.log.warn({ err, sites: ranges.size, attempt }, 'stored line keys not read, will retry') },
      );
    },
    seen(ev, hash, stored) {
      const inStore = stored?.get(ev.site);
      if (!knownLine(d.lines, ev.site, hash) && !(inStore && inStore.size > 0 && inStore.has(lineKey(ev)))) return false;
      d.counters.same_line += 1;
      return true;
    },
  };
}
