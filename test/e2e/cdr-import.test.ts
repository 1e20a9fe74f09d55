// `tablero import Master.csv` as users run it (issue 16): no --kind, the CDR is told by its
// content, every row of the real samples is stored once, and a second import adds nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openClickHouse } from '@tablero/sql';
import { REAL_CDR_FIXTURES, realFixture } from '@tablero/ingest/real-fixtures';
import { runTablero } from '../support/tablero-process.ts';

const FIXTURES = REAL_CDR_FIXTURES;
const TOTAL = FIXTURES.reduce((n, [, rows]) => n + rows, 0);

describe('tablero import of Master.csv files', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tablero-cdr-import-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('reads the 7 real CDR samples as CDR without --kind and stores each row once, however often imported', async () => {
    const files = FIXTURES.map(([name]) => realFixture(name));
    const expected = `imported 7 file(s): ${TOTAL} lines, ${TOTAL} accepted, 0 rejected\n  read as cdr\n`;
    const first = await runTablero(['import', ...files], { dataDir });
    expect([first.code, first.stdout]).toEqual([0, expected]);
    const again = await runTablero(['import', ...files], { dataDir });
    expect([again.code, again.stdout]).toEqual([0, expected]);
    const ch = await openClickHouse({ database: 'tablero', dataDir });
    try {
      const rows = async (query: string): Promise<unknown[]> => (await ch.client.query({ query, format: 'JSONEachRow' })).json();
      const perFile = (final: string): Promise<unknown[]> =>
        rows(`SELECT replaceRegexpOne(source, '^.*/', '') AS file, toUInt32(count()) AS n FROM cdr ${final} GROUP BY file ORDER BY file`);
      const want = [...FIXTURES].sort(([a], [b]) => (a < b ? -1 : 1)).map(([file, n]) => ({ file, n }));
      // Without FINAL too: the second import was below the stored offset watermark.
      expect(await perFile('')).toEqual(want);
      expect(await perFile('FINAL')).toEqual(want);
      expect(await rows('SELECT count() AS n FROM dead_letters')).toEqual([{ n: 0 }]);
    } finally {
      await ch.close();
    }
  });
});
