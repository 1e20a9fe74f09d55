import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointError, CheckpointWriter, readCheckpoint, type Checkpoint } from './checkpoint.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-cp-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cp = (offset: number, pending?: Checkpoint['pending']): Checkpoint => ({
  version: 1, path: '/var/log/asterisk/queue_log', dev: '2049', ino: '77', fingerprint: 'abc', offset, line_no: offset / 10,
  ...(pending ? { pending } : {}),
});

describe('CheckpointWriter', () => {
  it('writes saves made in the same turn once, the latest winning (a commit and the next write-ahead)', async () => {
    const file = join(dir, 'cp.json');
    const errors: unknown[] = [];
    const w = new CheckpointWriter(file, (e) => errors.push(e));
    w.save(cp(10));
    w.save(cp(10, [{ fingerprint: 'abc', end: 20 }]));
    await w.flush();
    expect(w.writes).toBe(1);
    expect(await readCheckpoint(file)).toEqual(cp(10, [{ fingerprint: 'abc', end: 20 }]));
    w.save(cp(20));
    await w.flush();
    expect([w.writes, (await readCheckpoint(file))?.offset, errors]).toEqual([2, 20, []]);
  });

  it('coalesces saves made while a write runs into one more write', async () => {
    const file = join(dir, 'cp.json');
    const w = new CheckpointWriter(file, () => undefined);
    w.save(cp(10));
    await Promise.resolve(); // the first write starts
    await new Promise((r) => setImmediate(r));
    for (let i = 2; i <= 5; i++) w.save(cp(i * 10));
    await w.flush();
    expect(w.writes).toBe(2);
    expect((await readCheckpoint(file))?.offset).toBe(50);
  });

  it('reports a failed write on flush and keeps the old checkpoint', async () => {
    const file = join(dir, 'missing-dir', 'cp.json');
    const errors: unknown[] = [];
    const w = new CheckpointWriter(file, (e) => errors.push(e));
    w.save(cp(10));
    await expect(w.flush()).rejects.toBeInstanceOf(CheckpointError);
    expect([w.writes, errors.length]).toEqual([0, 1]);
  });

  it('rejects a checkpoint file of an unknown shape', async () => {
    const file = join(dir, 'cp.json');
    writeFileSync(file, JSON.stringify({ version: 1, path: 'x', offset: -1 }));
    await expect(readCheckpoint(file)).rejects.toThrow('unknown shape');
    expect(await readCheckpoint(join(dir, 'none.json'))).toBeNull();
  });
});
