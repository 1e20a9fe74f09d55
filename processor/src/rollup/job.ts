// The rollup job: runs a cycle per spec every interval, one at a time, until stopped. A failed
// cycle is logged and tried again at the next interval (its buckets stay dirty: scanned).
import type { ClickHouse } from '@tablero/sql';
import { runRollupCycle, type CycleOptions, type CycleResult, type RollupSpec } from './store.ts';

export interface RollupJobLog {
  warn(fields: object, msg: string): void;
  debug?(fields: object, msg: string): void;
}

export interface RollupJobOptions extends CycleOptions {
  /** Pause between cycles (default 10,000 ms). */
  intervalMs?: number;
  log?: RollupJobLog;
}

export interface RollupJob {
  /** Runs one cycle of every spec now (after the one in progress, if any). */
  runNow(): Promise<CycleResult[]>;
  /** Stops the timer and waits for the cycle in progress. */
  stop(): Promise<void>;
}

export function startRollupJob(ch: ClickHouse, specs: readonly RollupSpec[], o: RollupJobOptions = {}): RollupJob {
  const intervalMs = o.intervalMs ?? 10_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<CycleResult[]> = Promise.resolve([]);
  const cycle = (): Promise<CycleResult[]> => {
    running = running.then(async () => {
      const out: CycleResult[] = [];
      for (const spec of specs) {
        try {
          out.push(await runRollupCycle(ch, spec, o));
        } catch (err) {
          o.log?.warn({ kind: spec.kind, err }, 'rollup cycle failed');
          out.push({ quarters: 0, days: 0, pending: 0 });
        }
      }
      return out;
    });
    return running;
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      void cycle().then(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    runNow: cycle,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
