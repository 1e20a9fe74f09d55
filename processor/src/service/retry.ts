// Retry until done: a failed insert or a failed question to ClickHouse is tried again (backing
// off up to 5 s) until it succeeds or the processor stops; the group cannot go on without it.
import { setTimeout as sleep } from 'node:timers/promises';

export async function untilDone<T>(fn: () => Promise<T>, o: { stopping: () => boolean; warn: (err: unknown, attempt: number) => void }): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (o.stopping()) throw err;
      o.warn(err, attempt);
      await sleep(Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)));
    }
  }
}
