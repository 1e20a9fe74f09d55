// Per-source checkpoint on disk: which file (device+inode+fingerprint) and the byte offset up to
// which every line is acknowledged by the bus. Written temp file + fsync + rename (+ directory
// fsync), so a crash leaves either the old or the new checkpoint, never a torn one.
import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface Checkpoint {
  version: 1;
  path: string;
  dev: string;
  ino: string;
  fingerprint: string;
  /** Every line that starts before this offset is acknowledged. */
  offset: number;
  /** Lines before `offset` (for dead-letter line numbers after a restart). */
  line_no: number;
  /**
   * Write-ahead of the batches sent but not yet acknowledged: where each ends (file fingerprint,
   * end offset), in order. After a crash the same lines are cut into the same batches again, so
   * they get the same batch ids and JetStream drops the ones it already has.
   */
  pending?: Array<{ fingerprint: string; end: number }>;
  /**
   * A database table read by an overlap window on its time column (no auto-increment id,
   * sources/db-source.ts): the generation of event offsets (raised before each run publishes) and
   * the newest row time (epoch s) every row up to `offset` reached.
   */
  window?: { generation: number; time: number };
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export async function readCheckpoint(file: string): Promise<Checkpoint | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CheckpointError(`cannot read checkpoint ${file}`, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CheckpointError(`checkpoint ${file} is not JSON`, { cause: err });
  }
  if (!isCheckpoint(value)) throw new CheckpointError(`checkpoint ${file} has an unknown shape`);
  return value;
}

function isCheckpoint(v: unknown): v is Checkpoint {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  return (
    c.version === 1 && typeof c.path === 'string' && typeof c.dev === 'string' && typeof c.ino === 'string' &&
    typeof c.fingerprint === 'string' && Number.isSafeInteger(c.offset) && Number.isSafeInteger(c.line_no) &&
    (c.pending === undefined ||
      (Array.isArray(c.pending) &&
        c.pending.every((p: unknown) => typeof p === 'object' && p !== null && typeof (p as { fingerprint?: unknown }).fingerprint === 'string' && Number.isSafeInteger((p as { end?: unknown }).end))))
  );
}

export async function writeCheckpoint(file: string, cp: Checkpoint): Promise<void> {
  const tmp = `${file}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(JSON.stringify(cp));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  const dir = await open(dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * Coalescing writer: `save()` never waits for the disk; at most one write runs at a time and
 * the latest checkpoint wins, so a fast stream of commits costs one fsync per write duration.
 */
export class CheckpointWriter {
  private latest: Checkpoint | null = null;
  private running: Promise<void> | null = null;
  private lastError: unknown = null;
  private written: Checkpoint | null = null;
  /** Checkpoint files written so far (each one: temp file, fsync, rename, directory fsync). */
  writes = 0;

  constructor(
    private readonly file: string,
    private readonly onError: (err: unknown) => void,
  ) {}

  get lastWritten(): Checkpoint | null {
    return this.written;
  }

  save(cp: Checkpoint): void {
    this.latest = cp;
    // Started on a microtask, so saves made in the same turn share one write: an ack's commit
    // and the write-ahead of the batch sealed right after it (tail latency: 2 fsyncs, not 4).
    if (!this.running) this.running = Promise.resolve().then(() => this.loop());
  }

  /** Resolves when the latest saved checkpoint is on disk. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    if (this.lastError) {
      const err = this.lastError;
      this.lastError = null;
      throw new CheckpointError(`cannot write checkpoint ${this.file}`, { cause: err });
    }
  }

  private async loop(): Promise<void> {
    try {
      while (this.latest) {
        const cp = this.latest;
        this.latest = null;
        try {
          await writeCheckpoint(this.file, cp);
          this.written = cp;
          this.writes += 1;
        } catch (err) {
          // Keep going: a later save retries; the old checkpoint on disk only makes us resend more.
          this.lastError = err;
          this.onError(err);
        }
      }
    } finally {
      this.running = null;
    }
  }
}
