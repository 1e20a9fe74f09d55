// Dead letters end to end: `tablero import` of a queue_log with bad lines (garbage, a bad epoch,
// a missing field, a 10 KB line, an empty line) on a temp data directory. Every rejected line
// must be stored in ClickHouse's dead_letters with its site, file, byte offset, line number,
// raw text (cut to 8 KiB) and reason, once however often the file is imported, and the counts
// per reason (the data-quality panel's figures) must follow from the table.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprintFromHead } from '@tablero/ingest';
import { openClickHouse } from '@tablero/sql';
import { REPO_ROOT, TABLERO_BIN } from '../support/tablero-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'tablero-dead-'));
const dataDir = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tablero(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TABLERO_BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, TABLERO_DATA_DIR: dataDir, LOG_LEVEL: 'warn', TZ: 'UTC' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const long = `1700000010|1.3|q1|NONE|ENTERQUEUE||${'9'.repeat(10_000)}|1`;
const lines = [
  '1700000000|1.1|q1|NONE|ENTERQUEUE||555|1',
  'garbage without pipes',
  '17000O0001|1.1|q1|NONE|ABANDON|1|1|5',
  '1700000002|1.1|q1|NONE|ABANDON|1|1',
  long,
  '',
  '1700000003|1.2|q1|NONE|ENTERQUEUE||556|1',
];
const text = `${lines.join('\n')}\n`;
const offsets = lines.map((_, i) => Buffer.byteLength(lines.slice(0, i).map((l) => `${l}\n`).join('')));

describe('dead letters through tablero import into ClickHouse', () => {
  const file = join(dir, 'queue_log');
  writeFileSync(file, text);

  it('reports the rejections by reason, twice the same', async () => {
    const expected = [
      'imported 1 file(s): 7 lines, 2 accepted, 5 rejected',
      '  rejected 1 x too_few_columns',
      '  rejected 1 x bad_epoch',
      '  rejected 1 x missing_field:data3',
      '  rejected 1 x line_too_long',
      '  rejected 1 x empty',
      '',
    ].join('\n');
    for (let i = 0; i < 2; i++) {
      const r = await tablero(['import', '--site', 'pbx-7', file]);
      expect([r.code, r.stdout]).toEqual([0, expected]);
    }
  }, 120_000);

  it('stored each rejected line once with site, file, offset, line number, raw text cut to 8 KiB and reason', async () => {
    const fp = fingerprintFromHead('pbx-7', Buffer.from(text), true) as string;
    const ch = await openClickHouse({ database: 'tablero', dataDir });
    try {
      const rows = await (
        await ch.client.query({
          query: 'SELECT event_id, site, source, offset, line_no, length(raw) AS raw_bytes, substring(raw, 1, 40) AS raw_start, reason FROM dead_letters FINAL ORDER BY offset',
          format: 'JSONEachRow',
        })
      ).json();
      const row = (i: number, reason: string, rawBytes: number, rawStart: string): Record<string, unknown> => ({
        event_id: `${fp}:${offsets[i]}`, site: 'pbx-7', source: `import:${file}`, offset: offsets[i], line_no: i + 1,
        raw_bytes: rawBytes, raw_start: rawStart, reason,
      });
      expect(rows).toEqual([
        row(1, 'too_few_columns', 21, 'garbage without pipes'),
        row(2, 'bad_epoch', 36, '17000O0001|1.1|q1|NONE|ABANDON|1|1|5'),
        row(3, 'missing_field:data3', 34, '1700000002|1.1|q1|NONE|ABANDON|1|1'),
        row(4, 'line_too_long', 8192, long.slice(0, 40)),
        row(5, 'empty', 0, ''),
      ]);
      // Without FINAL too: the second import added no rows (deduplicated inserts).
      const counts = await (
        await ch.client.query({ query: "SELECT reason, toUInt32(count()) AS n FROM dead_letters WHERE site = 'pbx-7' GROUP BY reason ORDER BY reason", format: 'JSONEachRow' })
      ).json();
      expect(counts).toEqual([
        { reason: 'bad_epoch', n: 1 },
        { reason: 'empty', n: 1 },
        { reason: 'line_too_long', n: 1 },
        { reason: 'missing_field:data3', n: 1 },
        { reason: 'too_few_columns', n: 1 },
      ]);
    } finally {
      await ch.close();
    }
  }, 120_000);
});
