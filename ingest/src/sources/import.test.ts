import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprintFromHead } from '../core/fingerprint.ts';
import { startIngest } from '../index.ts';
import { RecordingBus, captureLog, waitFor } from '../test-support.ts';
import { MAX_DEAD_LETTER_RAW_BYTES, type CdrBatch, type DeadLetterBatch } from '../contract.ts';
import { parseQueueLogLine } from '../core/queue-log.ts';
import { importFiles, sortRotated, type ImportProgress } from './import.ts';
import { REAL_CDR_FIXTURES, realFixture } from '../real-fixtures.ts';

const FIXTURE = realFixture('DareDevinX__AsteriskReport__Testdaten.txt');
const fixtureBytes = readFileSync(FIXTURE);
const firstLine = '1266833361|NONE|NONE|NONE|QUEUESTART|';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-import-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function expectedIds(site: string, text: Buffer): string[] {
  const fp = fingerprintFromHead(site, text, true) as string;
  const out: string[] = [];
  let off = 0;
  for (const line of text.toString('utf8').split('\n')) {
    if (off < text.length) out.push(`${fp}:${off}`);
    off += Buffer.byteLength(line) + 1;
  }
  return out;
}

describe('importFiles', () => {
  it('imports the real 1.4 fixture with zero rejections, including the last line without a newline', async () => {
    const bus = new RecordingBus();
    const seen: ImportProgress[] = [];
    const summary = await importFiles({ bus, log: captureLog().log }, { files: [FIXTURE], kind: 'queue_log', site: 'hq', onProgress: (p) => seen.push(p) });
    expect(summary).toEqual({ files: 1, lines: 278, accepted: 278, rejected: {}, skipped: 0, duplicates: 0, batches: 1, kinds: ['queue_log'] });
    const fp = fingerprintFromHead('hq', Buffer.from(`${firstLine}\n`), false);
    expect(bus.eventIds()).toEqual(expectedIds('hq', fixtureBytes));
    expect(bus.eventIds()[0]).toBe(`${fp}:0`);
    expect(bus.eventBatches()[0]?.events[277]).toMatchObject({ verb: 'RINGNOANSWER', ring_ms: 2000, source: `import:${FIXTURE}` });
    expect(seen.at(-1)).toMatchObject({ file: FIXTURE, bytesDone: 20038, bytesTotal: 20038, lines: 278, etaSec: 0 });
  });

  it('publishes batches byte-identical to JSON.stringify of the parsed events (wire format unchanged)', async () => {
    const bus = new RecordingBus();
    await importFiles({ bus, log: captureLog().log }, { files: [FIXTURE], kind: 'queue_log', site: 'hq' });
    const fp = fingerprintFromHead('hq', fixtureBytes, true) as string;
    const events = [];
    let offset = 0;
    let last = 0;
    for (const line of fixtureBytes.toString('utf8').split('\n')) {
      const r = parseQueueLogLine(line, { site: 'hq', source: `import:${FIXTURE}`, fingerprint: fp, offset, lineNo: 0 });
      if (!r.ok) throw new Error(r.reason);
      events.push(r.value);
      last = offset;
      offset += Buffer.byteLength(line) + 1;
    }
    expect(events.length).toBe(278);
    expect(bus.messages.map((m) => m.text)).toEqual([JSON.stringify({ batch_id: `${fp}:0-${last}`, site: 'hq', events })]);
  });

  it('keeps every message of a file of binary garbage and overlong lines under the batch byte limit, every line a dead letter', async () => {
    // Seeded pseudo-random bytes: control characters expand up to 6x in JSON (\u0001), the
    // case that broke a limit counted on raw line lengths.
    let seed = 42;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const parts: Buffer[] = [];
    let lines = 0;
    for (let i = 0; i < 400; i++) {
      const len = i % 10 === 0 ? 20_000 : Math.floor(rnd() * 9_000);
      const line = Buffer.alloc(len);
      for (let k = 0; k < len; k++) {
        const b = Math.floor(rnd() * 256);
        // No line ends inside a line: `\n`, and a bare `\r`, which ends a line too.
        line[k] = b === 10 || b === 13 ? 1 : b;
      }
      parts.push(line, Buffer.from('\n'));
      lines++;
    }
    const path = join(dir, 'queue_log.garbage');
    writeFileSync(path, Buffer.concat(parts));
    const bus = new RecordingBus();
    const summary = await importFiles({ bus, log: captureLog().log }, { files: [path], kind: 'queue_log', site: 'hq' });
    expect(summary.accepted).toBe(0);
    expect(Object.values(summary.rejected).reduce((a, b) => a + b, 0)).toBe(lines);
    // Random bytes are never valid UTF-8: every line is rejected for that first (kpi-definitions §11).
    expect(summary.rejected).toEqual({ invalid_utf8: lines });
    const sizes = bus.messages.map((m) => Buffer.byteLength(m.text));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(256 * 1024);
    expect(sizes.length).toBeGreaterThan(5);
    const dead = bus.deadBatches().flatMap((b: DeadLetterBatch) => b.dead);
    expect(dead.length).toBe(lines);
    expect(Math.max(...dead.map((d) => Buffer.byteLength(d.raw)))).toBeLessThanOrEqual(MAX_DEAD_LETTER_RAW_BYTES);
    expect(dead.map((d) => d.line_no)).toEqual(Array.from({ length: lines }, (_, i) => i + 1));
  });

  it('is idempotent: importing the same file again publishes byte-identical batches that the bus drops', async () => {
    const bus = new RecordingBus();
    const deps = { bus, log: captureLog().log };
    await importFiles(deps, { files: [FIXTURE], kind: 'queue_log', site: 'hq' });
    const n = bus.messages.length;
    const attempts = bus.attempts;
    const again = await importFiles(deps, { files: [FIXTURE], kind: 'queue_log', site: 'hq' });
    expect(again.accepted).toBe(278);
    expect(again.duplicates).toBe(278);
    expect(bus.attempts).toBe(attempts * 2);
    expect(bus.messages.length).toBe(n);
  });

  it('reads .gz files with the same ids as the plain file', async () => {
    const gz = join(dir, 'queue_log.2.gz');
    writeFileSync(gz, gzipSync(fixtureBytes));
    const bus = new RecordingBus();
    const summary = await importFiles({ bus, log: captureLog().log }, { files: [gz], kind: 'queue_log', site: 'hq' });
    expect(summary.accepted).toBe(278);
    expect(bus.eventIds()).toEqual(expectedIds('hq', fixtureBytes));
  });

  it('imports a directory of rotated files oldest first and counts rejections by reason', async () => {
    const rot = join(dir, 'asterisk');
    mkdirSync(rot);
    const file = (name: string, epoch: number, extra = ''): string => {
      const text = `${epoch}|NONE|NONE|NONE|QUEUESTART|\n${extra}`;
      writeFileSync(join(rot, name), name.endsWith('.gz') ? gzipSync(text) : text);
      return text;
    };
    file('queue_log', 1700000400, 'bad line\n');
    file('queue_log.1', 1700000300);
    file('queue_log.2.gz', 1700000200, '1700000201|1.1|q|NONE|ABANDON|1|1\n');
    file('queue_log.10', 1700000100);
    writeFileSync(join(rot, 'messages'), 'not a queue log\n');
    const bus = new RecordingBus();
    const summary = await importFiles({ bus, log: captureLog().log }, { files: [rot], kind: 'queue_log', site: 'hq' });
    expect(summary).toEqual({ files: 4, lines: 6, accepted: 4, rejected: { 'missing_field:data3': 1, too_few_columns: 1 }, skipped: 0, duplicates: 0, batches: 4, kinds: ['queue_log'] });
    expect(bus.eventBatches().map((b) => [b.events[0]?.ts, b.events[0]?.source.split('/').at(-1)])).toEqual([
      [1700000100, 'queue_log.10'], [1700000200, 'queue_log.2.gz'], [1700000300, 'queue_log.1'], [1700000400, 'queue_log'],
    ]);
    expect(bus.deadBatches().flatMap((b) => b.dead.map((d) => [d.line_no, d.reason, d.raw]))).toEqual([
      [2, 'missing_field:data3', '1700000201|1.1|q|NONE|ABANDON|1|1'],
      [2, 'too_few_columns', 'bad line'],
    ]);
  });

  it('gives the lines of a tailed file the same ids when the rotated file is imported later', async () => {
    const path = join(dir, 'queue_log');
    writeFileSync(path, fixtureBytes.subarray(0, 5000));
    const tailed = new RecordingBus();
    const ing = await startIngest({ bus: tailed, log: captureLog().log }, { sources: [{ path, site: 'hq', kind: 'queue_log' }], stateDir: join(dir, 's'), pollIntervalMs: 20 });
    const whole = fixtureBytes.subarray(0, 5000).lastIndexOf(10) + 1;
    await waitFor('tail', () => ing.status()[0]?.offset === whole);
    await ing.stop();
    const imported = new RecordingBus();
    await importFiles({ bus: imported, log: captureLog().log }, { files: [path], kind: 'queue_log', site: 'hq' });
    expect(imported.eventIds().slice(0, tailed.eventIds().length)).toEqual(tailed.eventIds());
    expect(tailed.eventIds().length).toBe(fixtureBytes.subarray(0, whole).toString().split('\n').length - 1);
  });
});

describe('importFiles for CDR', () => {
  it('publishes Master.csv rows as CdrBatch records on pbx.cdr.<site>, Latin-1 bytes kept', async () => {
    const bus = new RecordingBus();
    const file = realFixture('mineevburyat__dj-asterisk-cdr__Master.csv');
    const summary = await importFiles({ bus, log: captureLog().log }, { files: [file], kind: 'cdr', site: 'hq', timeZone: 'Asia/Irkutsk' });
    expect(summary).toEqual({ files: 1, lines: 84, accepted: 84, rejected: {}, skipped: 0, duplicates: 0, batches: 1, kinds: ['cdr'] });
    expect(bus.messages.map((m) => m.subject)).toEqual(['pbx.cdr.hq']);
    const batch = JSON.parse(bus.messages[0]?.text as string) as CdrBatch;
    expect(batch.records.length).toBe(84);
    expect(batch.records[0]).toMatchObject({ site: 'hq', start: Date.UTC(2024, 0, 27, 7, 7, 24) / 1000, layout: 'csv21' });
    expect(batch.records.filter((r) => r.clid.includes('\u00a5')).length).toBeGreaterThan(0);
  });

  it.each(REAL_CDR_FIXTURES)('without --kind, the real %s is read as CDR: all %i rows accepted on pbx.cdr', async (name, rows) => {
    const bus = new RecordingBus();
    const summary = await importFiles({ bus, log: captureLog().log }, { files: [realFixture(name)], kind: 'auto', site: 'hq' });
    expect(summary).toMatchObject({ files: 1, lines: rows, accepted: rows, rejected: {}, skipped: 0, kinds: ['cdr'] });
    expect(new Set(bus.messages.map((m) => m.subject))).toEqual(new Set(['pbx.cdr.hq']));
    expect(bus.messages.reduce((n, m) => n + (JSON.parse(m.text) as CdrBatch).records.length, 0)).toBe(rows);
  });

  it('a directory with a queue_log and a Master.csv: each file by its own kind, batch ids as with --kind', async () => {
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    writeFileSync(join(logs, 'queue_log'), fixtureBytes);
    writeFileSync(join(logs, 'Master.csv'), readFileSync(realFixture('KelySaina__cdr__Master.csv')));
    const auto = new RecordingBus();
    const summary = await importFiles({ bus: auto, log: captureLog().log }, { files: [logs], kind: 'auto', site: 'hq' });
    expect(summary).toMatchObject({ files: 2, lines: 278 + 14, accepted: 278 + 14, rejected: {}, kinds: ['cdr', 'queue_log'] });
    const byKind = new RecordingBus();
    await importFiles({ bus: byKind, log: captureLog().log }, { files: [join(logs, 'Master.csv')], kind: 'cdr', site: 'hq' });
    await importFiles({ bus: byKind, log: captureLog().log }, { files: [join(logs, 'queue_log')], kind: 'queue_log', site: 'hq' });
    expect(auto.messages.map((m) => [m.subject, m.msgId])).toEqual(byKind.messages.map((m) => [m.subject, m.msgId]));
  });

  it('skips a CSV header row without a dead letter', async () => {
    const path = join(dir, 'export.csv');
    writeFileSync(path, 'accountcode,src,dst\n"","1","2","c","clid","SIP/1","","Hangup","","2025-01-01 00:00:00",,"2025-01-01 00:00:05",5,0,"NO ANSWER","DOCUMENTATION"\n');
    const bus = new RecordingBus();
    const summary = await importFiles({ bus, log: captureLog().log }, { files: [path], kind: 'cdr', site: 'hq' });
    expect(summary).toEqual({ files: 1, lines: 2, accepted: 1, rejected: {}, skipped: 1, duplicates: 0, batches: 1, kinds: ['cdr'] });
  });
});

describe('sortRotated', () => {
  it.each([
    [['queue_log', 'queue_log.1', 'queue_log.4', 'queue_log.2.gz', 'queue_log.3'], ['queue_log.4', 'queue_log.3', 'queue_log.2.gz', 'queue_log.1', 'queue_log']],
    [['queue_log', 'queue_log-20250102', 'queue_log-20250101.gz'], ['queue_log-20250101.gz', 'queue_log-20250102', 'queue_log']],
    [['queue_log.1700000500', 'queue_log', 'queue_log.1600000000'], ['queue_log.1600000000', 'queue_log.1700000500', 'queue_log']],
    [['Master.csv', 'Master.csv.1'], ['Master.csv.1', 'Master.csv']],
  ])('%j -> %j', (input, expected) => {
    expect(sortRotated(input)).toEqual(expected);
  });
});
