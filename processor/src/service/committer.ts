// Stores commits one after the other (so after a crash only the newest can be incomplete), while
// the next group is already being reduced. Insert order per commit: rejected lines, stints, agent
// intervals, then queue_events in runs of one month in stream order (store/commit-store.ts), so
// every event present in queue_events has its rows stored. Rows the store refuses for good are
// split and dead-lettered there; the storage health (core/store-health.ts) follows each attempt.
// A commit whose inserts fail is retried with the same rows and tokens (a repeated insert is a no-op) until stored or until the processor stops; a commit given
// up at stop leaves every later one unstored too (the chain stays rejected).
import type { Logger } from 'pino';
import type { ProcessorStore } from '../store/store.ts';
import { untilDone } from './retry.ts';
import { noteFailed, noteStored, noteStoring, type StoreHealth } from '../core/store-health.ts';
import { storeCommit } from '../store/commit-store.ts';
import { classifyStoreError } from '../store/refusal.ts';
import type { Work } from './work.ts';
import { commitSeconds } from '../metrics.ts';

export interface Committer {
  /** Chains `work` after the commits before it; settles once it is stored. */
  commit(work: Work): Promise<void>;
  /** Settles once every commit chained so far is stored (or given up). */
  settled(): Promise<void>;
  /** From now on a failed insert is given up instead of retried. */
  stop(): void;
  stopping(): boolean;
}

/** What the committer needs besides the store. */
export interface CommitterDeps {
  store: ProcessorStore;
  log: Logger;
  /** Makes the tokens of this process's retries unique. */
  boot: string;
  health: StoreHealth;
  now: () => number;
  mono: () => number;
  /** Runs after each commit is stored (the same-line memory releases its keys then). */
  onStored?: (work: Work) => void;
}

/**
 * The inserts of one commit (store/commit-store.ts): rows the store refuses for good are split
 * off and dead-lettered there; only retryable failures are thrown.
 */
export async function storeWork(d: CommitterDeps, work: Work): Promise<void> {
  const outcome = await storeCommit(d.store, work, `${d.boot}:${work.commitId}`, Math.floor(d.now() / 1000));
  noteStored(d.health, outcome, d.now());
  // Once per commit, not per row: a refusal can hit many rows at once.
  const first = outcome.refused[0];
  if (first) {
    d.log.error({ commit_id: work.commitId, refused_rows: outcome.refused.length, splits: outcome.splits, table: first.table, event_id: first.letter.event_id, reason: first.letter.reason }, 'rows refused by the store, dead-lettered');
  } else if (outcome.splits > 0) d.log.warn({ commit_id: work.commitId, splits: outcome.splits }, 'commit refused whole by the store, stored split');
}

export function createCommitter(d: CommitterDeps): Committer {
  let chain: Promise<void> = Promise.resolve();
  let stopping = false;
  const storeUntilStored = (work: Work): Promise<void> => {
    const started = d.mono();
    return untilDone(
      () => {
        noteStoring(d.health, work.commitId, d.mono());
        return storeWork(d, work).catch((err: unknown) => {
          noteFailed(d.health, classifyStoreError(err).code);
          throw err;
        });
      },
      { stopping: () => stopping, warn: (err, attempt) => d.log.warn({ err, commit_id: work.commitId, attempt }, 'commit not stored, will retry') },
    ).then(() => commitSeconds.observe((d.mono() - started) / 1000));
  };
  return {
    commit(work) {
      chain = chain.then(() => storeUntilStored(work)).then(() => d.onStored?.(work));
      return chain;
    },
    settled: () => chain.catch(() => undefined),
    stop() {
      stopping = true;
    },
    stopping: () => stopping,
  };
}
