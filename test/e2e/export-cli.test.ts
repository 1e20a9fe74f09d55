// `tablero export` as a user runs it, on a data directory holding the hand-checked October:
// the golden CSV byte for byte except the generation line, closing, and the one-line errors
// with exit code 2.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, openClickHouse } from '@tablero/sql';
import { seedOctober } from '../../processor/src/reports/testing/month-fixture.ts';

const BIN = fileURLToPath(new URL('../../bin/tablero.mjs', import.meta.url));
const GOLDEN = fileURLToPath(new URL('../../processor/src/reports/testdata/october-2026-es.csv', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tablero-export-cli-'));
const dataDir = join(dir, 'data');

function tablero(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, TABLERO_DATA_DIR: dataDir, LOG_LEVEL: 'warn', TZ: 'UTC', USER: 'mario' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

beforeAll(async () => {
  // The same database the CLI opens (CLICKHOUSE_DATABASE defaults to 'tablero').
  const ch = await openClickHouse({ database: 'tablero', dataDir });
  await migrate(ch.client);
  await seedOctober(ch);
  await ch.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const withoutGenerated = (b: Buffer): string => b.toString('utf8').replace(/Generado;[^\r\n]*/, 'Generado;-');

it('exports the golden CSV, closes October, exports it frozen', { timeout: 120_000 }, async () => {
  const out = join(dir, 'octubre.csv');
  const r = await tablero(['export', 'monthly', '--month', '2026-10', '--format', 'csv', '--out', out]);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  expect(r.stdout).toBe(`${out}: ${readFileSync(GOLDEN).length} bytes (2026-10, open month)\n`);
  expect(withoutGenerated(readFileSync(out))).toBe(withoutGenerated(readFileSync(GOLDEN)));

  const closed = await tablero(['export', 'close', '--month', '2026-10']);
  expect(closed.code).toBe(0);
  expect(JSON.parse(closed.stdout)).toEqual({ site: 'default', month: '2026-10', version: 1, fingerprint: '16-a87bb3cc617ca6bd', stints: 16, queues: 2 });
  const pdf = join(dir, 'octubre.pdf');
  const again = await tablero(['export', 'monthly', '--month', '2026-10', '--format', 'pdf', '--lang', 'en', '--out', pdf]);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/octubre\.pdf: \d+ bytes \(2026-10, closed month, frozen figures\)\n$/);
  expect(readFileSync(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
});

it('answers bad usage with one line and exit code 2', { timeout: 120_000 }, async () => {
  const out = join(dir, 'never.csv');
  for (const [args, message] of [
    [['export', 'monthly', '--month', '2026-13', '--format', 'csv', '--out', out], 'tablero export: --month must be YYYY-MM\n'],
    [['export', 'monthly', '--month', '2026-10', '--format', 'docx', '--out', out], 'tablero export: --format must be one of csv, xlsx, pdf\n'],
    [['export', 'monthly', '--month', '2026-10', '--format', 'xlsx', '--sep', ';', '--out', out], 'tablero export: --sep applies to --format csv only\n'],
    [['export', 'close', '--month', '2099-01'], 'tablero export: 2099-01 is not over yet in America/La_Paz; a month can be closed once it has ended\n'],
    [['export', 'reopen'], "tablero export: unknown subcommand 'reopen' (monthly, close, quality, quarterly or close-quarter)\n"],
  ] as const) {
    const bad = await tablero([...args]);
    expect({ code: bad.code, stderr: bad.stderr }).toEqual({ code: 2, stderr: message });
  }
});
