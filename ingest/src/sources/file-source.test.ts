import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprintFromHead } from '../core/fingerprint.ts';
import { startIngest, type FileSourceConfig } from '../index.ts';
import { RecordingBus, captureLog, waitFor } from '../test-support.ts';
import { QUEUE_LOG_KIND } from '../core/kinds.ts';
import { FileSource, ReplayCuts, checkpointFile, type FileSourceOptions } from './file-source.ts';
import type { Checkpoint } from './checkpoint.ts';

const SITE = 'hq';
const l = (n: number, verb = 'RINGNOANSWER|1000'): string => `${1700000000 + n}|1700000000.${n}|q1|SIP/${n}|${verb}\n`;

function fp(firstLine: string): string {
  return fingerprintFromHead(SITE, Buffer.from(firstLine), false) as string;
}
/** Event ids of consecutive lines starting at `from`. */
function ids(fingerprint: string, lines: string[], from = 0): string[] {
  let off = from;
  return lines.map((x) => {
    const id = `${fingerprint}:${off}`;
    off += Buffer.byteLength(x);
    return id;
  });
}

let dir: string;
let path: string;
let stateDir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-tail-'));
  path = join(dir, 'queue_log');
  stateDir = join(dir, 'state');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function sources(): FileSourceConfig[] {
  return [{ path, site: SITE, kind: 'queue_log' }];
}

function readCp(): Checkpoint {
  return JSON.parse(readFileSync(checkpointFile(stateDir, SITE, 'queue_log', path), 'utf8')) as Checkpoint;
}

describe('file tail', () => {
  it('publishes appended lines in order, waits for a partial last line, and checkpoints after the ack', async () => {
    const bus = new RecordingBus();
    const { log } = captureLog();
    const a = [l(1), l(2)];
    writeFileSync(path, a.join(''));
    const ing = await startIngest({ bus, log }, { sources: sources(), stateDir, pollIntervalMs: 20 });
    try {
      expect(bus.streams).toEqual(['TABLERO_PBX']);
      const f = fp(a[0] as string);
      await waitFor('first two', () => bus.eventIds().length === 2);
      const b = l(3);
      const c = l(4);
      appendFileSync(path, b + c.slice(0, 10));
      await waitFor('third', () => bus.eventIds().length === 3);
      // The partial line stays unpublished until its newline arrives.
      await new Promise((r) => setTimeout(r, 150));
      expect(bus.eventIds().length).toBe(3);
      appendFileSync(path, c.slice(10));
      await waitFor('fourth', () => bus.eventIds().length === 4);
      expect(bus.eventIds()).toEqual(ids(f, [...a, b, c]));
      expect(bus.messages.every((m) => m.subject === 'pbx.events.hq')).toBe(true);
      const batch = bus.eventBatches()[0];
      expect(batch?.batch_id).toBe(`${f}:0-${Buffer.byteLength(a[0] as string)}`);
      expect(batch?.events[1]).toMatchObject({ site: SITE, source: path, verb: 'RINGNOANSWER', ring_ms: 1000, ts: 1700000002 });
      const total = Buffer.byteLength([...a, b, c].join(''));
      await waitFor('checkpoint', () => {
        try {
          return readCp().offset === total;
        } catch {
          return false;
        }
      });
      expect(readCp()).toMatchObject({ fingerprint: f, offset: total, line_no: 4 });
      expect(ing.status()).toEqual([
        { source: path, site: SITE, kind: 'queue_log', path, offset: total, accepted: 4, rejected: 0, rejected_by_reason: {}, last_line_at_ms: expect.any(Number), last_event_ts: 1700000004 },
      ]);
    } finally {
      await ing.stop();
    }
  });

  it('waits for a file that does not exist yet', async () => {
    const bus = new RecordingBus();
    const ing = await startIngest({ bus, log: captureLog().log }, { sources: sources(), stateDir, pollIntervalMs: 20 });
    try {
      await new Promise((r) => setTimeout(r, 60));
      const a = [l(1), l(2), l(3)];
      writeFileSync(path, a.join(''));
      await waitFor('events', () => bus.eventIds().length === 3);
      expect(bus.eventIds()).toEqual(ids(fp(a[0] as string), a));
    } finally {
      await ing.stop();
    }
  });

  it('publishes as soon as it has read everything the file holds, not after the linger time', async () => {
    const bus = new RecordingBus();
    writeFileSync(path, l(1));
    mkdirSync(stateDir);
    // A linger far beyond the waits below: only the caught-up seal can publish in time.
    const src = new FileSource({ bus, log: captureLog().log }, QUEUE_LOG_KIND, { path, site: SITE, stateDir, pollIntervalMs: 20, lingerMs: 600_000 });
    await src.start();
    try {
      await waitFor('first line', () => bus.eventIds().length === 1, 5_000);
      appendFileSync(path, l(2) + l(3));
      await waitFor('two more lines', () => bus.eventIds().length === 3, 5_000);
      expect(bus.eventBatches().map((b) => b.events.length)).toEqual([1, 2]);
    } finally {
      await src.stop();
    }
  });

  it('sends rejected lines to the dead-letter subject with line number and reason', async () => {
    const bus = new RecordingBus();
    const a = [l(1), 'garbage without pipes\n', l(3, 'ABANDON|1|1'), l(4), 'more garbage\n'];
    writeFileSync(path, a.join(''));
    const ing = await startIngest({ bus, log: captureLog().log }, { sources: sources(), stateDir, pollIntervalMs: 20 });
    try {
      const f = fp(a[0] as string);
      const all = ids(f, a);
      await waitFor('all lines', () => bus.eventIds().length === 2 && bus.deadBatches().length === 1);
      expect(bus.eventIds()).toEqual([all[0], all[3]]);
      const dead = bus.deadBatches()[0];
      expect(dead?.batch_id).toBe(`${f}:${all[1]?.split(':')[1]}-${all[4]?.split(':')[1]}`);
      expect(dead?.dead.map((d) => [d.event_id, d.site, d.source, d.offset, d.line_no, d.reason, d.raw])).toEqual([
        [all[1], SITE, path, Number(all[1]?.split(':')[1]), 2, 'too_few_columns', 'garbage without pipes'],
        [all[2], SITE, path, Number(all[2]?.split(':')[1]), 3, 'missing_field:data3', (a[2] as string).trimEnd()],
        [all[4], SITE, path, Number(all[4]?.split(':')[1]), 5, 'too_few_columns', 'more garbage'],
      ]);
      expect(bus.messages.find((m) => m.subject === 'pbx.dead.hq')).toBeDefined();
      await waitFor('status', () => ing.status()[0]?.offset === Buffer.byteLength(a.join('')));
      expect(ing.status()[0]).toMatchObject({ accepted: 2, rejected: 3, rejected_by_reason: { too_few_columns: 2, 'missing_field:data3': 1 } });
    } finally {
      await ing.stop();
    }
  });

  it('follows rename rotation: finishes the old file, including a late write, then reads the new one', async () => {
    const bus = new RecordingBus();
    const a = [l(1), l(2)];
    writeFileSync(path, a.join(''));
    const ing = await startIngest({ bus, log: captureLog().log }, { sources: sources(), stateDir, pollIntervalMs: 20 });
    try {
      await waitFor('old lines', () => bus.eventIds().length === 2);
      renameSync(path, `${path}.1`);
      const late = l(3);
      appendFileSync(`${path}.1`, late); // Asterisk writes once more before it reopens the log
      const b = [l(10, 'ENTERQUEUE||555|1'), l(11)];
      writeFileSync(path, b.join(''));
      await waitFor('new lines', () => bus.eventIds().length === 5);
      expect(bus.eventIds()).toEqual([...ids(fp(a[0] as string), [...a, late]), ...ids(fp(b[0] as string), b)]);
      await waitFor('checkpoint on new file', () => {
        try {
          return readCp().fingerprint === fp(b[0] as string);
        } catch {
          return false;
        }
      });
      expect(readCp()).toMatchObject({ fingerprint: fp(b[0] as string), offset: Buffer.byteLength(b.join('')), line_no: 2 });
    } finally {
      await ing.stop();
    }
  });

  it('reads a file that was rotated away again before the tail got to it (two quick rotations)', async () => {
    const bus = new RecordingBus();
    const a = [l(1), l(2)];
    writeFileSync(path, a.join(''));
    const ing = await startIngest({ bus, log: captureLog().log }, { sources: sources(), stateDir, pollIntervalMs: 20 });
    try {
      await waitFor('first file', () => bus.eventIds().length === 2);
      renameSync(path, `${path}.1`);
      const b = [l(50, 'ENTERQUEUE||2|1'), l(51)];
      writeFileSync(path, b.join(''));
      // Within the old file's idle wait, the second file is rotated too.
      renameSync(`${path}.1`, `${path}.2`);
      renameSync(path, `${path}.1`);
      const c = [l(60, 'ENTERQUEUE||3|1')];
      writeFileSync(path, c.join(''));
      await waitFor('all three files', () => bus.eventIds().length === 5);
      expect(bus.eventIds()).toEqual([...ids(fp(a[0] as string), a), ...ids(fp(b[0] as string), b), ...ids(fp(c[0] as string), c)]);
    } finally {
      await ing.stop();
    }
  });

  it('detects copytruncate, restarts at 0 with a new fingerprint and warns', async () => {
    const bus = new RecordingBus();
    const { log, lines } = captureLog();
    const a = [l(1), l(2), l(3)];
    writeFileSync(path, a.join(''));
    const ing = await startIngest({ bus, log }, { sources: sources(), stateDir, pollIntervalMs: 20 });
    try {
      await waitFor('old lines', () => bus.eventIds().length === 3);
      copyFileSync(path, `${path}.1`);
      truncateSync(path, 0);
      const b = [l(20)];
      appendFileSync(path, b.join(''));
      await waitFor('new line', () => bus.eventIds().length === 4);
      expect(bus.eventIds()).toEqual([...ids(fp(a[0] as string), a), ...ids(fp(b[0] as string), b)]);
      expect(lines.some((x) => x.level === 40 && String(x.msg).startsWith('file truncated in place (copytruncate)'))).toBe(true);
    } finally {
      await ing.stop();
    }
  });

  it('detects copytruncate even when the new content already grew past the old offset', async () => {
    const bus = new RecordingBus();
    const a = [l(1)];
    writeFileSync(path, a.join(''));
    const ing = await startIngest({ bus, log: captureLog().log }, { sources: sources(), stateDir, pollIntervalMs: 20 });
    try {
      await waitFor('old line', () => bus.eventIds().length === 1);
      const b = [l(30, 'ENTERQUEUE||777|1'), l(31), l(32)];
      writeFileSync(path, b.join('')); // truncate and rewrite in one go, longer than before
      await waitFor('new lines', () => bus.eventIds().length === 4);
      expect(bus.eventIds()).toEqual([...ids(fp(a[0] as string), a), ...ids(fp(b[0] as string), b)]);
    } finally {
      await ing.stop();
    }
  });

  it('keeps several PBXs (sites) apart: own subjects, own event ids, own checkpoints, even for byte-identical logs', async () => {
    const bus = new RecordingBus();
    // Two PBXs whose logs are byte-identical (same callids, same second): callids are unique
    // only within a site, so nothing may merge them.
    const lines = [l(1), l(2, 'ABANDON|1|1|5'), 'bad\n'];
    const pathB = join(dir, 'queue_log.pbx-b');
    writeFileSync(path, lines.join(''));
    writeFileSync(pathB, lines.join(''));
    const ing = await startIngest(
      { bus, log: captureLog().log },
      { sources: [{ path, site: 'pbx-a', kind: 'queue_log' }, { path: pathB, site: 'pbx_b', kind: 'queue_log' }], stateDir, pollIntervalMs: 20 },
    );
    try {
      await waitFor('both sites', () => bus.eventIds().length === 4 && bus.deadBatches().length === 2);
      const fpA = fingerprintFromHead('pbx-a', Buffer.from(lines[0] as string), false) as string;
      const fpB = fingerprintFromHead('pbx_b', Buffer.from(lines[0] as string), false) as string;
      expect(fpA).not.toBe(fpB);
      const bySubject = (subject: string): string[] =>
        bus.messages.filter((m) => m.subject === subject).flatMap((m) => {
          const body = JSON.parse(m.text) as { events?: Array<{ event_id: string; site: string; callid: string }>; dead?: Array<{ event_id: string; site: string }> };
          return (body.events ?? body.dead ?? []).map((e) => `${e.site} ${e.event_id}`);
        });
      expect(bySubject('pbx.events.pbx-a')).toEqual(ids(fpA, lines).slice(0, 2).map((id) => `pbx-a ${id}`));
      expect(bySubject('pbx.events.pbx_b')).toEqual(ids(fpB, lines).slice(0, 2).map((id) => `pbx_b ${id}`));
      expect(bySubject('pbx.dead.pbx-a')).toEqual([`pbx-a ${ids(fpA, lines)[2]}`]);
      expect(bySubject('pbx.dead.pbx_b')).toEqual([`pbx_b ${ids(fpB, lines)[2]}`]);
      const total = Buffer.byteLength(lines.join(''));
      await waitFor('checkpoints', () => ing.status().every((st) => st.offset === total));
      expect(ing.status().map((st) => [st.site, st.path, st.accepted, st.rejected_by_reason])).toEqual([
        ['pbx-a', path, 2, { too_few_columns: 1 }],
        ['pbx_b', pathB, 2, { too_few_columns: 1 }],
      ]);
      // One checkpoint per site even for one path (two PBXs' logs mounted at the same place).
      expect(checkpointFile(stateDir, 'pbx-a', 'queue_log', path)).not.toBe(checkpointFile(stateDir, 'pbx_b', 'queue_log', path));
    } finally {
      await ing.stop();
    }
  });

  it('restarts from the checkpoint without resending acknowledged lines', async () => {
    const bus = new RecordingBus();
    const a = [l(1), l(2)];
    writeFileSync(path, a.join(''));
    const first = await startIngest({ bus, log: captureLog().log }, { sources: sources(), stateDir, pollIntervalMs: 20 });
    await waitFor('first run', () => bus.eventIds().length === 2);
    await first.stop();
    const b = [l(3), l(4)];
    appendFileSync(path, b.join(''));
    const bus2 = new RecordingBus();
    const second = await startIngest({ bus: bus2, log: captureLog().log }, { sources: sources(), stateDir, pollIntervalMs: 20 });
    try {
      await waitFor('second run', () => bus2.eventIds().length === 2);
      const all = ids(fp(a[0] as string), [...a, ...b]);
      expect(bus2.eventIds()).toEqual(all.slice(2));
      expect(bus2.eventBatches()[0]?.batch_id).toBe(`${fp(a[0] as string)}:${Buffer.byteLength(a.join(''))}-${Buffer.byteLength(a.join('') + b[0])}`);
    } finally {
      await second.stop();
    }
  });

  it('after a restart, finishes a file that was rotated while ingest was down', async () => {
    const bus = new RecordingBus();
    const a = [l(1), l(2)];
    writeFileSync(path, a.join(''));
    const first = await startIngest({ bus, log: captureLog().log }, { sources: sources(), stateDir, pollIntervalMs: 20 });
    await waitFor('first run', () => bus.eventIds().length === 2);
    await first.stop();
    const late = [l(3)];
    appendFileSync(path, late.join(''));
    renameSync(path, `${path}.1`);
    const b = [l(40, 'ENTERQUEUE||1|1')];
    writeFileSync(path, b.join(''));
    const bus2 = new RecordingBus();
    const second = await startIngest({ bus: bus2, log: captureLog().log }, { sources: sources(), stateDir, pollIntervalMs: 20 });
    try {
      await waitFor('second run', () => bus2.eventIds().length === 2);
      expect(bus2.eventIds()).toEqual([ids(fp(a[0] as string), [...a, ...late])[2], ...ids(fp(b[0] as string), b)]);
    } finally {
      await second.stop();
    }
  });

  it('never checkpoints past lines the bus has not acknowledged, and retries until it does', async () => {
    const bus = new RecordingBus();
    const a = [l(1), l(2)];
    writeFileSync(path, a.join(''));
    let open: () => void = () => undefined;
    bus.gate = new Promise<void>((r) => (open = r));
    const ing = await startIngest({ bus, log: captureLog().log }, { sources: sources(), stateDir, pollIntervalMs: 20 });
    try {
      await waitFor('publish attempted', () => bus.attempts > 0);
      await new Promise((r) => setTimeout(r, 100));
      expect(ing.status()[0]?.offset).toBe(0);
      // Only the write-ahead of the batch in flight is on disk: nothing acknowledged yet.
      expect(readCp()).toMatchObject({ offset: 0, line_no: 0, pending: [{ fingerprint: fp(a[0] as string), end: Buffer.byteLength(a.join('')) }] });
      bus.failNext = 2;
      bus.gate = null;
      open();
      await waitFor('acknowledged', () => ing.status()[0]?.offset === Buffer.byteLength(a.join('')));
      expect(bus.attempts).toBe(3);
      expect(bus.eventIds()).toEqual(ids(fp(a[0] as string), a));
    } finally {
      await ing.stop();
    }
  });

  it('a crash during a replay of batch boundaries keeps the ones not reached yet, so a third run still cuts the same batches', async () => {
    mkdirSync(stateDir);
    const lines = [l(1), l(2), l(3), l(4), l(5)];
    const f = fp(lines[0] as string);
    const start = (k: number): number => Buffer.byteLength(lines.slice(0, k).join(''));
    const end = (k: number): number => start(k + 1);
    const stalled = (): RecordingBus => {
      const bus = new RecordingBus();
      bus.gate = new Promise<void>(() => undefined); // never acknowledges
      return bus;
    };
    const run = async (bus: RecordingBus, extra: Partial<FileSourceOptions>): Promise<{ stop(): Promise<void> }> => {
      const src = new FileSource({ bus, log: captureLog().log }, QUEUE_LOG_KIND, { path, site: SITE, stateDir, pollIntervalMs: 20, stopGraceMs: 50, ...extra });
      await src.start();
      return src;
    };
    // Run 1 sends three batches the bus never acknowledges: [l1] (caught up), [l2 l3] and [l4 l5] (size).
    writeFileSync(path, lines[0] as string);
    const first = await run(stalled(), { maxBatchItems: 2, lingerMs: 600_000 });
    await waitFor('first batch written ahead', () => existsSync(checkpointFile(stateDir, SITE, 'queue_log', path)) && readCp().pending?.length === 1, 5_000);
    appendFileSync(path, lines.slice(1).join(''));
    const recorded = [end(0), end(2), end(4)].map((e) => ({ fingerprint: f, end: e }));
    await waitFor('three batches written ahead', () => readCp().pending?.length === 3, 5_000);
    expect(readCp().pending).toEqual(recorded);
    await first.stop();
    // Run 2 replays the first boundary, then stalls: one batch in flight, reading 16 bytes at a time.
    const bus2 = stalled();
    const second = await run(bus2, { maxInFlight: 1, readChunkBytes: 16 });
    await waitFor('the replayed first batch sent', () => bus2.attempts === 1, 5_000);
    expect(readCp()).toMatchObject({ offset: 0, pending: recorded });
    await second.stop();
    // Run 3, with default batching, cuts the lines where run 1 did: the same batch ids.
    const bus3 = new RecordingBus();
    const third = await run(bus3, {});
    try {
      await waitFor('all lines', () => bus3.eventIds().length === 5, 5_000);
      expect(bus3.eventBatches().map((b) => b.batch_id)).toEqual([`${f}:0-0`, `${f}:${start(1)}-${start(2)}`, `${f}:${start(3)}-${start(4)}`]);
      await waitFor('committed', () => readCp().offset === end(4), 5_000);
      expect(readCp().pending).toBeUndefined();
    } finally {
      await third.stop();
    }
  });

  it('tails a Master.csv as CDR records in the configured zone', async () => {
    const bus = new RecordingBus();
    const csv = join(dir, 'Master.csv');
    const row = '"","100","200","ctx","clid","SIP/1","","Hangup","","2026-10-01 08:00:00",,"2026-10-01 08:00:05",5,0,"NO ANSWER","DOCUMENTATION","1.1",""\n';
    writeFileSync(csv, row + 'not,a,cdr\n');
    const ing = await startIngest({ bus, log: captureLog().log }, { sources: [{ path: csv, site: SITE, kind: 'cdr', timeZone: 'America/La_Paz' }], stateDir, pollIntervalMs: 20 });
    try {
      await waitFor('cdr', () => bus.messages.length === 2);
      const f = fingerprintFromHead(SITE, Buffer.from(row), false) as string;
      const cdr = bus.messages.find((m) => m.subject === 'pbx.cdr.hq');
      expect(JSON.parse(cdr?.text as string)).toMatchObject({ batch_id: `${f}:0-0`, site: SITE, records: [{ event_id: `${f}:0`, start: Date.UTC(2026, 9, 1, 12) / 1000, answer: null, disposition: 'NO ANSWER' }] });
      expect(bus.deadBatches()[0]?.dead.map((d) => [d.event_id, d.reason])).toEqual([[`${f}:${Buffer.byteLength(row)}`, 'unknown_layout']]);
    } finally {
      await ing.stop();
    }
  });

  it('rejects a site id that is not a subject token', async () => {
    await expect(startIngest({ bus: new RecordingBus(), log: captureLog().log }, { sources: [{ path, site: 'a.b', kind: 'queue_log' }], stateDir })).rejects.toThrow(
      'site id "a.b"',
    );
  });
});

describe('replay of recorded batch boundaries', () => {
  const A = 'aaaa';
  const B = 'bbbb';
  const make = (pending: Array<[string, number]>): { cuts: ReplayCuts; done: () => number } => {
    let calls = 0;
    const cuts = new ReplayCuts(pending.map(([fingerprint, end]) => ({ fingerprint, end })), () => (calls += 1));
    return { cuts, done: () => calls };
  };

  it('cuts after each recorded end in order and keeps the ones not reached for the next record', () => {
    const { cuts, done } = make([[A, 10], [A, 30], [B, 5]]);
    expect([cuts.cutAfter(A, 5), cuts.cutAfter(A, 10), cuts.cutAfter(A, 20)]).toEqual([false, true, false]);
    expect(cuts.remaining()).toEqual([{ fingerprint: A, end: 30 }, { fingerprint: B, end: 5 }]);
    expect([cuts.cutAfter(A, 30), cuts.cutAfter(B, 5), cuts.done, done()]).toEqual([true, true, true, 1]);
    expect(cuts.remaining()).toEqual([]);
  });

  it('forgets an end the lines passed without matching (the file changed) and ends at an unknown file', () => {
    const { cuts, done } = make([[A, 10], [A, 30]]);
    expect(cuts.cutAfter(A, 12)).toBe(false);
    expect(cuts.remaining()).toEqual([{ fingerprint: A, end: 30 }]);
    expect([cuts.cutAfter(B, 3), cuts.done, done(), cuts.remaining()]).toEqual([false, true, 1, []]);
  });

  it('gives up the ends of a file beyond where it ends for now, and only those', () => {
    const { cuts, done } = make([[A, 10], [A, 30], [B, 5]]);
    cuts.unreachableAfter(A, 20);
    expect([cuts.remaining(), cuts.done, done()]).toEqual([[{ fingerprint: A, end: 10 }, { fingerprint: B, end: 5 }], false, 0]);
    cuts.unreachableAfter(B, 5); // the end at 5 is still reachable: the line ending there may be held back
    expect(cuts.remaining()).toEqual([{ fingerprint: A, end: 10 }, { fingerprint: B, end: 5 }]);
    expect([cuts.cutAfter(A, 10), cuts.done]).toEqual([true, false]);
    cuts.unreachableAfter(B, 0);
    expect([cuts.done, done()]).toEqual([true, 1]);
  });
});
