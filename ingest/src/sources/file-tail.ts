// Follows one growing file (queue_log, Master.csv) and hands every complete line, with its byte
// offset and the file's identity, to a sink. Bytes cross in: the file; out: lines. Nothing here
// parses or publishes.
//
// - Start: at the checkpoint when the file still has the checkpointed fingerprint, else at 0.
//   If the checkpointed file was rotated away while we were down, it is found among its
//   siblings (`queue_log.1`, ...) by fingerprint and finished first.
// - Partial last line: waits for its `\n` (Asterisk writes whole lines; a half line is a write
//   in progress).
// - Rename rotation (path now names another inode): the old file is read to its end and left
//   once it stayed unchanged for `rotationIdleMs` (Asterisk may still write to it until it
//   reopens its log), then the new file is read from 0.
// - copytruncate (size shrank below our offset, or the first line changed): restart at 0 with
//   a WARN: lines written between the copy and the truncate are lost unless the copy is imported.
// - A file that does not exist yet is waited for.
// Wake-ups: fs.watch on the directory (low latency) plus a poll every `pollIntervalMs`
// (fs.watch misses events on some file systems).
import { watch, type FSWatcher } from 'node:fs';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { FINGERPRINT_HEAD_BYTES, fingerprintFromHead } from '../core/fingerprint.ts';
import { LineSplitter, decodeUtf8, type LineDecoder } from '../core/line-splitter.ts';
import { isCompressed, isRotationOf, sortRotated } from '../core/rotation.ts';
import type { Checkpoint } from './checkpoint.ts';

export interface FileIdentity {
  path: string;
  dev: string;
  ino: string;
  fingerprint: string;
}

export interface TailSink {
  /** One complete line (text without its `\n`) that began at byte `offset`; `lineNo` is 1-based; `plain` as in LineEmitter. */
  line(text: string, id: FileIdentity, offset: number, endOffset: number, lineNo: number, plain: boolean): void;
  /** Awaited after every read chunk: resolves when the sink can take more (backpressure). */
  ready(): Promise<void>;
  /**
   * Everything the file held was read and handed over (a good moment to publish at once).
   * `fingerprint` is the file's, `position` the byte offset read up to (its size then).
   */
  caughtUp?(fingerprint: string, position: number): void;
}

export interface FileTailOptions {
  path: string;
  site: string;
  resume: Checkpoint | null;
  pollIntervalMs?: number;
  rotationIdleMs?: number;
  readChunkBytes?: number;
  /** Bytes of one line to text (default UTF-8). */
  decode?: LineDecoder;
}

interface PlanItem {
  path: string;
  offset: number;
  lineNo: number;
  /** Expected fingerprint at `offset` > 0; a mismatch at open restarts at 0. */
  fingerprint: string | null;
  /** A rotated-away file found at startup: read to its end, then move on. */
  finishOnly: boolean;
  /** Inode the path must still name when opened (a rotated successor found by inode). */
  expect?: { dev: string; ino: string };
}

interface Cursor {
  fh: FileHandle;
  path: string;
  dev: string;
  ino: string;
  fingerprint: string | null;
  splitter: LineSplitter;
  readPos: number;
  lineNo: number;
  finishOnly: boolean;
  /** Size when the first line was last compared, to re-check only after a change. */
  checkedSize: number;
  idleSince: number | null;
  idleSize: number;
}

export class FileTail {
  private readonly pollIntervalMs: number;
  private readonly rotationIdleMs: number;
  private readonly readChunkBytes: number;
  private readonly readBuf: Buffer;
  private plan: PlanItem[] | null = null;
  private cur: Cursor | null = null;
  private stopped = false;
  private kicked = false;
  private wakeUp: (() => void) | null = null;
  private watcher: FSWatcher | null = null;
  private loopDone: Promise<void> | null = null;

  constructor(
    private readonly deps: { log: Logger },
    private readonly opts: FileTailOptions,
    private readonly sink: TailSink,
  ) {
    this.pollIntervalMs = opts.pollIntervalMs ?? 100;
    this.rotationIdleMs = opts.rotationIdleMs ?? 500;
    // 64 KiB as in import.ts: the decoded text of a chunk stays in the young generation.
    this.readChunkBytes = opts.readChunkBytes ?? 64 * 1024;
    this.readBuf = Buffer.allocUnsafe(this.readChunkBytes);
  }

  /** Offset of the next unread line in the current file. */
  get position(): { path: string; offset: number } | null {
    return this.cur ? { path: this.cur.path, offset: this.cur.splitter.pendingOffset } : null;
  }

  start(): void {
    this.loopDone ??= this.loop();
  }

  /** No more reads after the current one; does not wait. */
  halt(): void {
    this.stopped = true;
    this.kick();
  }

  async stop(): Promise<void> {
    this.halt();
    await this.loopDone;
    this.watcher?.close();
    this.watcher = null;
    if (this.cur) await this.cur.fh.close().catch(() => undefined);
    this.cur = null;
  }

  /** Something may have changed on disk: pump now instead of at the next poll. */
  kick(): void {
    this.kicked = true;
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  private async loop(): Promise<void> {
    const log = this.deps.log;
    let failures = 0;
    while (!this.stopped) {
      this.ensureWatcher();
      this.kicked = false;
      let again = false;
      try {
        this.plan ??= await this.planResume();
        again = await this.pump();
        failures = 0;
      } catch (err) {
        if (this.stopped) break;
        failures += 1;
        // Recovered by retrying: the file may be briefly unreadable (permissions during rotation).
        log.warn({ path: this.opts.path, err, failures }, 'tail read failed, retrying');
        await this.waitKick(Math.min(5_000, 100 * 2 ** Math.min(failures, 6)));
        continue;
      }
      if (this.stopped) break;
      if (again || this.kicked) continue;
      await this.waitKick(this.pollIntervalMs);
    }
  }

  private waitKick(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private ensureWatcher(): void {
    if (this.watcher) return;
    try {
      this.watcher = watch(dirname(this.opts.path), { persistent: false }, () => this.kick());
      this.watcher.on('error', () => {
        // The directory went away or the watch broke: polling continues, the watch is retried.
        this.watcher?.close();
        this.watcher = null;
      });
    } catch {
      this.watcher = null;
    }
  }

  private async planResume(): Promise<PlanItem[]> {
    const { path, resume: cp, site } = this.opts;
    const log = this.deps.log;
    const fresh: PlanItem = { path, offset: 0, lineNo: 0, fingerprint: null, finishOnly: false };
    if (!cp) return [fresh];
    const head = await readHead(path);
    if (head && fingerprintFromHead(site, head.bytes, false) === cp.fingerprint && head.size >= cp.offset) {
      log.info({ path, offset: cp.offset }, 'resuming from checkpoint');
      return [{ path, offset: cp.offset, lineNo: cp.line_no, fingerprint: cp.fingerprint, finishOnly: false }];
    }
    const rotated = await this.findRotated(cp);
    if (rotated) {
      log.info({ path, rotated, offset: cp.offset }, 'checkpointed file was rotated, finishing it first');
      return [{ path: rotated, offset: cp.offset, lineNo: cp.line_no, fingerprint: cp.fingerprint, finishOnly: true }, fresh];
    }
    log.warn(
      { path, fingerprint: cp.fingerprint, offset: cp.offset },
      'checkpointed file not found (truncated, deleted or compressed); lines after the checkpoint in it are lost unless imported',
    );
    return [fresh];
  }

  /** A sibling of the path (`queue_log.1`, `queue_log-2025...`) with the checkpoint's fingerprint; same inode preferred. */
  private async findRotated(cp: Checkpoint): Promise<string | null> {
    const dir = dirname(this.opts.path);
    const base = basename(this.opts.path);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return null;
    }
    let byFingerprint: string | null = null;
    for (const name of names.sort()) {
      if (name === base || !isRotationOf(base, name) || isCompressed(name)) continue;
      const p = join(dir, name);
      const head = await readHead(p);
      if (!head || head.size < cp.offset || fingerprintFromHead(this.opts.site, head.bytes, false) !== cp.fingerprint) continue;
      if (head.dev === cp.dev && head.ino === cp.ino) return p;
      byFingerprint ??= p;
    }
    return byFingerprint;
  }

  /** Reads what is new. Returns true when it should run again at once. */
  private async pump(): Promise<boolean> {
    const plan = this.plan as PlanItem[];
    if (!this.cur) {
      const item = plan[0];
      if (!item) return false;
      this.cur = await this.openCursor(item);
      if (!this.cur) {
        // A rotated successor that moved again or vanished: fall back to the live path.
        if (item.expect) this.plan = [{ path: this.opts.path, offset: 0, lineNo: 0, fingerprint: null, finishOnly: false }];
        return item.expect !== undefined;
      }
      plan.shift();
    }
    const cur = this.cur;
    let size = 0;
    let read = false;
    for (;;) {
      if (this.stopped) return false;
      size = Number((await cur.fh.stat()).size);
      if (cur.fingerprint !== null && (size < cur.readPos || (size !== cur.checkedSize && (await this.firstLineChanged(cur, size))))) {
        this.deps.log.warn(
          { path: cur.path, offset: cur.readPos, size },
          'file truncated in place (copytruncate): restarting at 0; lines written between the copy and the truncate may be lost',
        );
        cur.fingerprint = null;
        cur.readPos = 0;
        cur.lineNo = 0;
        cur.splitter.reset(0);
      }
      cur.checkedSize = size;
      if (cur.fingerprint === null) {
        const head = await readHeadFrom(cur.fh, size);
        cur.fingerprint = fingerprintFromHead(this.opts.site, head, false);
        if (cur.fingerprint === null) break;
      }
      if (size <= cur.readPos) {
        if (read) this.sink.caughtUp?.(cur.fingerprint, cur.readPos);
        break;
      }
      const want = Math.min(this.readChunkBytes, size - cur.readPos);
      const { bytesRead } = await cur.fh.read(this.readBuf, 0, want, cur.readPos);
      if (bytesRead === 0) break;
      cur.readPos += bytesRead;
      read = true;
      this.emit(cur, this.readBuf.subarray(0, bytesRead), false);
      await this.sink.ready();
    }
    if (cur.finishOnly) {
      await this.finish(cur);
      return true;
    }
    const now = await statOrNull(this.opts.path);
    if (now && (now.dev !== cur.dev || now.ino !== cur.ino)) {
      const t = Date.now();
      if (cur.idleSince === null || size !== cur.idleSize) {
        cur.idleSince = t;
        cur.idleSize = size;
      }
      if (t - cur.idleSince >= this.rotationIdleMs) {
        this.deps.log.info({ path: this.opts.path, offset: cur.readPos }, 'file rotated, switching to the new file');
        await this.finish(cur);
        return true;
      }
    }
    return false;
  }

  private emit(cur: Cursor, chunk: Buffer, end: boolean): void {
    const id: FileIdentity = { path: cur.path, dev: cur.dev, ino: cur.ino, fingerprint: cur.fingerprint as string };
    const onLine = (text: string, offset: number, endOffset: number, plain: boolean): void => {
      cur.lineNo += 1;
      this.sink.line(text, id, offset, endOffset, cur.lineNo, plain);
    };
    if (end) cur.splitter.end(onLine);
    else cur.splitter.push(chunk, onLine);
  }

  /** The file is done for good: an unterminated last line is a line too (never silently dropped). */
  private async finish(cur: Cursor): Promise<void> {
    if (cur.splitter.pendingBytes > 0) {
      if (cur.fingerprint === null) cur.fingerprint = fingerprintFromHead(this.opts.site, await readHeadFrom(cur.fh, cur.readPos), true);
      this.deps.log.warn({ path: cur.path, offset: cur.splitter.pendingOffset }, 'file left with an unterminated last line');
      this.emit(cur, Buffer.alloc(0), true);
      await this.sink.ready();
    }
    await cur.fh.close();
    this.cur = null;
    this.plan = [await this.successorOf(cur)];
  }

  /**
   * The file to read after `done`: the next newer one in rotation order, found by inode, so a
   * file that was itself rotated away before we got to it (two rotations within the idle wait,
   * or while ingest was down) is still read. The live path when `done` is gone or the newest.
   */
  private async successorOf(done: Cursor): Promise<PlanItem> {
    const live: PlanItem = { path: this.opts.path, offset: 0, lineNo: 0, fingerprint: null, finishOnly: false };
    const dir = dirname(this.opts.path);
    const base = basename(this.opts.path);
    let names: string[];
    try {
      names = sortRotated((await readdir(dir)).filter((n) => isRotationOf(base, n)));
    } catch {
      return live;
    }
    const ids = await Promise.all(names.map((n) => statOrNull(join(dir, n))));
    const at = ids.findIndex((id) => id !== null && id.dev === done.dev && id.ino === done.ino);
    if (at < 0) return live;
    for (let k = at + 1; k < names.length; k++) {
      const name = names[k] as string;
      const id = ids[k];
      if (!id) continue;
      if (name === base) return live;
      if (isCompressed(name)) {
        this.deps.log.error({ path: join(dir, name) }, 'rotated file was compressed before it was read: import it to recover its lines');
        continue;
      }
      return { path: join(dir, name), offset: 0, lineNo: 0, fingerprint: null, finishOnly: false, expect: id };
    }
    return live;
  }

  private async firstLineChanged(cur: Cursor, size: number): Promise<boolean> {
    return fingerprintFromHead(this.opts.site, await readHeadFrom(cur.fh, size), false) !== cur.fingerprint;
  }

  private async openCursor(item: PlanItem): Promise<Cursor | null> {
    let fh: FileHandle;
    try {
      fh = await open(item.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    const st = await fh.stat({ bigint: true });
    if (item.expect && (st.dev.toString() !== item.expect.dev || st.ino.toString() !== item.expect.ino)) {
      await fh.close();
      return null;
    }
    let { offset, lineNo } = item;
    let fingerprint: string | null = null;
    if (offset > 0) {
      fingerprint = fingerprintFromHead(this.opts.site, await readHeadFrom(fh, Number(st.size)), false);
      if (fingerprint !== item.fingerprint || Number(st.size) < offset) {
        this.deps.log.warn({ path: item.path, offset }, 'file changed before it was reopened, reading it from 0');
        offset = 0;
        lineNo = 0;
        fingerprint = null;
      }
    }
    return {
      fh,
      path: item.path,
      dev: st.dev.toString(),
      ino: st.ino.toString(),
      fingerprint,
      splitter: new LineSplitter(offset, this.opts.decode ?? decodeUtf8),
      readPos: offset,
      lineNo,
      finishOnly: item.finishOnly,
      checkedSize: Number(st.size),
      idleSince: null,
      idleSize: -1,
    };
  }
}

async function readHeadFrom(fh: FileHandle, size: number): Promise<Buffer> {
  const n = Math.min(size, FINGERPRINT_HEAD_BYTES);
  const buf = Buffer.alloc(n);
  if (n === 0) return buf;
  const { bytesRead } = await fh.read(buf, 0, n, 0);
  return buf.subarray(0, bytesRead);
}

async function readHead(path: string): Promise<{ bytes: Buffer; size: number; dev: string; ino: string } | null> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const st = await fh.stat({ bigint: true });
    const bytes = await readHeadFrom(fh, Number(st.size));
    return { bytes, size: Number(st.size), dev: st.dev.toString(), ino: st.ino.toString() };
  } finally {
    await fh.close();
  }
}

async function statOrNull(path: string): Promise<{ dev: string; ino: string } | null> {
  try {
    const st = await stat(path, { bigint: true });
    return { dev: st.dev.toString(), ino: st.ino.toString() };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
