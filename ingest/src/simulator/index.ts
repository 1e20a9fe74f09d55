// Simulator adapter: advances the pure core in real time x speed and appends its whole lines to
// `<outDir>/queue_log` and `<outDir>/Master.csv`, one write per batch, exactly as Asterisk would.
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CurveKind } from './calendar.ts';
import { resolveConfig, Simulation, SimulatorOptionError } from './core.ts';

export { simulate, resolveConfig, Simulation, SimulatorOptionError, SIM_DEFAULTS, MEMBER_TIMEOUT_S, RETRY_S, WRAPUP_S } from './core.ts';
export type { SimConfig, SimInput, SimOutput, SimStats } from './core.ts';
export { queueSpecs, roster, SHIFTS } from './roster.ts';
export type { Member, QueueSpec, ShiftKind, Strategy } from './roster.ts';
export { curveFactor, WEEKDAY_HOURLY, SATURDAY_SCALE, SUNDAY_SCALE, type CurveKind } from './calendar.ts';

export const QUEUE_LOG_FILE = 'queue_log';
export const CDR_FILE = 'Master.csv';
/** How often the adapter wakes up to write what happened since the last tick. */
export const TICK_MS = 200;

export interface SimulatorOptions {
  outDir: string;
  /** Arrivals per hour over all queues at the busiest hour (weekday 10:00 local); default 240. */
  callsPerHour?: number;
  /** Default 12. */
  agents?: number;
  /** Default 3 (queues "101", "102", "103"). */
  queues?: number;
  /** Simulated seconds per real second; default 1. */
  speed?: number;
  /** Default: derived from the start time (logged, so a run can be repeated). */
  seed?: number;
  /** Simulated start epoch (s). Default: now, or just after the last line already in queue_log. */
  startAtS?: number;
  /** Site time zone for the daily curve and shifts; default the host's zone (TZ). */
  tz?: string;
  /** 'daily' (default) or 'flat' (same rate day and night). */
  curve?: CurveKind;
  /** Clock in ms; default Date.now. */
  now?: () => number;
  log?: Logger;
}

export interface SimulatorHandle {
  /** Stops ticking, writes nothing more, closes the files. Safe to call twice. */
  stop(): Promise<void>;
  stats(): { calls: number; linesWritten: number; cdrRowsWritten: number; simTimeS: number };
  queueLogPath: string;
  cdrPath: string;
  /** The seed in use (the one given, or the derived default). */
  seed: number;
  /**
   * Member interface -> membername (`Local/201@from-queue/n` -> `Ana Pérez`): ADDMEMBER and
   * REMOVEMEMBER log the interface, call and pause events the name, as Asterisk does by default.
   * Give it to the processor as member aliases.
   */
  memberAliases: Record<string, string>;
  startAtS: number;
}

/** A write to the output files failed; the lines are kept and retried on the next tick. */
export class SimulatorWriteError extends Error {
  readonly code = 'TABLERO_ERR_SIM_WRITE';
  constructor(readonly path: string, options: { cause: unknown }) {
    super(`simulator could not write ${path}`, options);
    this.name = 'SimulatorWriteError';
  }
}

export async function startSimulator(opts: SimulatorOptions): Promise<SimulatorHandle> {
  const now = opts.now ?? Date.now;
  const speed = opts.speed ?? 1;
  if (!Number.isFinite(speed) || speed <= 0) throw new SimulatorOptionError('speed', `must be a number above 0, got ${speed}`);
  const tz = opts.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  // Validate every option before touching the disk; the seed may still depend on the file.
  const base = resolveConfig({ seed: opts.seed ?? 0, callsPerHour: opts.callsPerHour, agents: opts.agents, queues: opts.queues, tz, curve: opts.curve });
  await mkdir(opts.outDir, { recursive: true });
  const queueLogPath = join(opts.outDir, QUEUE_LOG_FILE);
  const cdrPath = join(opts.outDir, CDR_FILE);

  // Continue an existing file: never go back in time (epochs must stay non-decreasing, and
  // callids `<epoch>.<n>` unique although n restarts at 0 like after an Asterisk restart).
  const tail = await readTail(queueLogPath);
  const nowS = Math.floor(now() / 1000);
  const startAtS = opts.startAtS ?? (tail.lastEpoch !== null && tail.lastEpoch >= nowS ? tail.lastEpoch + 1 : nowS);
  const seed = opts.seed ?? Math.floor(startAtS) % 2_147_483_647;
  const cfg = { ...base, seed };
  const sim = new Simulation(cfg, startAtS);

  const qlFile = await open(queueLogPath, 'a');
  let cdrFile: FileHandle;
  try {
    cdrFile = await open(cdrPath, 'a');
  } catch (err) {
    await qlFile.close();
    throw err;
  }
  const cdrTail = await readTail(cdrPath);
  // A hand-edited file may lack its final newline: finish that line so ours start on their own.
  const ql: Pending = { file: qlFile, path: queueLogPath, buf: Buffer.from(tail.needsNewline ? '\n' : ''), lines: 0, written: 0, failing: false };
  const cdr: Pending = { file: cdrFile, path: cdrPath, buf: Buffer.from(cdrTail.needsNewline ? '\n' : ''), lines: 0, written: 0, failing: false };
  const realStartMs = now();
  const log = opts.log;

  const flush = async (): Promise<void> => {
    const simNow = startAtS + ((now() - realStartMs) / 1000) * speed;
    const out = sim.advance(simNow);
    enqueue(ql, out.queueLog);
    enqueue(cdr, out.cdr);
    // Each file on its own: a failing queue_log must not hold back Master.csv, or the reverse.
    for (const p of [ql, cdr]) {
      try {
        await writePending(p);
        if (p.failing) log?.warn({ path: p.path }, 'simulator writes recovered');
        p.failing = false;
      } catch (err) {
        // Keep the unwritten lines and retry next tick; log once per failure streak.
        if (!p.failing) log?.error({ err, path: p.path }, 'simulator write failed');
        p.failing = true;
      }
    }
  };

  await flush(); // QUEUESTART and the agents already on shift, before start resolves
  log?.info({ queueLogPath, cdrPath, seed, startAtS, speed, tz, callsPerHour: cfg.callsPerHour, agents: cfg.agents, queues: cfg.queues }, 'simulator started');

  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> = Promise.resolve();
  const tick = (): void => {
    timer = setTimeout(() => {
      inFlight = flush().then(
        () => {
          if (!stopped) tick();
        },
        (err: unknown) => {
          // Only a bug in the core lands here (write errors are retried inside flush).
          stopped = true;
          log?.error({ err, queueLogPath }, 'simulator stopped by an internal error');
        },
      );
    }, TICK_MS);
  };
  tick();

  let stopping: Promise<void> | null = null;
  return {
    queueLogPath,
    cdrPath,
    seed,
    startAtS,
    memberAliases: Object.fromEntries(sim.members.map((m) => [m.iface, m.name])),
    stats: () => ({ calls: sim.stats().calls, linesWritten: ql.written, cdrRowsWritten: cdr.written, simTimeS: sim.simTimeS }),
    stop: () => {
      stopping ??= (async () => {
        stopped = true;
        if (timer !== null) clearTimeout(timer);
        await inFlight;
        await Promise.allSettled([qlFile.close(), cdrFile.close()]);
        log?.info({ queueLogPath, calls: sim.stats().calls, linesWritten: ql.written, simTimeS: sim.simTimeS }, 'simulator stopped');
      })();
      return stopping;
    },
  };
}

/** Bytes generated but not yet on disk, for one output file. */
interface Pending {
  file: FileHandle;
  path: string;
  buf: Buffer;
  /** Complete lines in `buf`. */
  lines: number;
  /** Lines written so far. */
  written: number;
  /** The last write failed (errors are logged once per streak). */
  failing: boolean;
}

function enqueue(p: Pending, lines: string[]): void {
  if (lines.length === 0) return;
  p.buf = Buffer.concat([p.buf, Buffer.from(lines.join('\n') + '\n', 'utf8')]);
  p.lines += lines.length;
}

/**
 * Writes everything pending, looping over short writes. On failure the bytes already written
 * are dropped from the buffer, so a retry neither loses nor repeats a byte.
 */
async function writePending(p: Pending): Promise<void> {
  while (p.buf.length > 0) {
    let bytesWritten: number;
    try {
      ({ bytesWritten } = await p.file.write(p.buf, 0, p.buf.length));
    } catch (err) {
      throw new SimulatorWriteError(p.path, { cause: err });
    }
    p.buf = p.buf.subarray(bytesWritten);
  }
  p.written += p.lines;
  p.lines = 0;
}

/** Last complete line's epoch and whether the file ends without '\n' (missing file: neither). */
async function readTail(path: string): Promise<{ lastEpoch: number | null; needsNewline: boolean }> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return { lastEpoch: null, needsNewline: false };
  }
  if (size === 0) return { lastEpoch: null, needsNewline: false };
  const fh = await open(path, 'r');
  try {
    const len = Math.min(size, 65_536);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    const text = buf.toString('utf8');
    const needsNewline = !text.endsWith('\n');
    let lastEpoch: number | null = null;
    for (const line of text.split('\n').reverse()) {
      const m = /^(\d{1,12})\|/.exec(line);
      if (m !== null) {
        lastEpoch = Number(m[1]);
        break;
      }
    }
    return { lastEpoch, needsNewline };
  } finally {
    await fh.close();
  }
}
