// Stores commits one after the other (so after a crash only the newest can be incomplete), while
// the next group is already being reduced. Insert order per commit: rejected lines, stints, agent
// intervals, then queue_events (month partition by month), so every event present in
// queue_events has its rows stored. A commit whose inserts fail is retried with the same rows and
// tokens (a repeated insert is a no-op) until stored or until the processor stops; a commit given
// up at stop leaves every later one unstored too (the chain stays rejected).
import type { QueueEvent } from '@tablero/ingest/contract';
import type { Logger } from 'pino';
import type { ProcessorStore } from '../store/store.ts';
import { untilDone } from './retry.ts';
import { byMonth, type Work } from './work.ts';

export interface Committer {
  /** Chains `work` after the commits before it; settles once it is stored. */
  commit(work: Work): Promise<void>;
  /** Settles once every commit chained so far is stored (or given up). */
  settled(): Promise<void>;
  /** From now on a failed insert is given up instead of retried. */
  stop(): void;
  stopping(): boolean;
}

/** The inserts of one commit; `boot` makes the tokens of this process's retries unique. */
export async function storeWork(store: ProcessorStore, work: Work, boot: string): Promise<void> {
  const token = `${boot}:${work.commitId}`;
  // One insert per commit (a flood of bad lines is a few counter rows, not one insert per
  // message); a redelivery after a crash is skipped by the rejections watermark, not the token.
  await store.insertDeadLetters(work.dead, `dead:${token}`);
  await store.insertStints(work.stints, work.commitId, `stints:${token}`);
  await store.insertAgentIntervals(work.sessions, work.pauses, work.commitId, `agents:${token}`);
  const months = byMonth(work.events);
  if (months.length === 1) await store.insertEventsJson(work.eventsJson.join(','), `events:${token}`);
  else for (let i = 0; i < months.length; i++) await store.insertEvents(months[i] as QueueEvent[], `events:${token}:${i}`);
}

/** `onStored` runs after each commit is stored (the same-line memory releases its keys then). */
export function createCommitter(store: ProcessorStore, log: Logger, boot: string, onStored: (work: Work) => void = () => undefined): Committer {
  let chain: Promise<void> = Promise.resolve();
  let stopping = false;
  const storeUntilStored = (work: Work): Promise<void> =>
    untilDone(() => storeWork(store, work, boot), {
      stopping: () => stopping,
      warn: (err, attempt) => log.warn({ err, commit_id: work.commitId, attempt }, 'commit not stored, will retry'),
    });
  return {
    commit(work) {
      chain = chain.then(() => storeUntilStored(work)).then(() => onStored(work));
      return chain;
    },
    settled: () => chain.catch(() => undefined),
    stop() {
      stopping = true;
    },
    stopping: () => stopping,
  };
}
