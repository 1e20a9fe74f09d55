// `tablero import Master.csv` as users run it (issue 16): no --kind, the CDR is told by its
// content, every row of the real samples is stored once, and a second import adds nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openClickHouse } from '@tablero/sql';
import { REAL_CDR_FIXTURES, realFixture } from '@tablero/ingest/real-fixtures';
import type { FunnelRow } from '@tablero/processor/contract';
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

  it('the inbound calls of the real samples make funnel rows (tablero funnel)', async () => {
    // Services by the samples' inbound contexts (every other context is internal):
    // - mineevburyat (Asterisk 11.18+/13, 21 columns): 84 rows, 36 linkedids, each with a leg in
    //   stadion-pstn (the 11 TimeDelay rows are Local halves of a Dial fan-out, same linkedid as
    //   the caller's row) -> 36 calls in 2024-01;
    // - tejdeepsingh (PJSIP, 18 columns, no linkedid): 33 rows, 33 uniqueids, all in ivrmenu -> 33;
    // - BugaDM (11.7, 18 columns): 25 of the 105 uniqueids have their row in menu (the IVR) -> 25;
    // - simularent (18 columns): 17 of the 266 uniqueids ran in public (calls from the trunks) -> 17.
    // None has a queue (no Queue rows, no queue_log) nor an IVR option source: every call is
    // "IVR only" (kpi-definitions §13: ended without asking for an agent; a Dial to a person
    // outside any queue counts there too), and nothing further down the funnel.
    const funnel = JSON.stringify({
      default: {
        services: [
          { service: 'stadion', contexts: ['stadion-pstn'] },
          { service: 'ivrmenu', contexts: ['ivrmenu'] },
          { service: 'menu', contexts: ['menu'] },
          { service: 'public', contexts: ['public'] },
        ],
      },
    });
    const r = await runTablero(['funnel', '--from', '2015-01-01', '--to', '2026-01-01', '--by', 'month', '--tz', 'UTC', '--json'], { dataDir, env: { TABLERO_FUNNEL: funnel } });
    expect(r.code).toBe(0);
    const got = (JSON.parse(r.stdout) as FunnelRow[]).map((x) => [x.service, x.period, x.ingresadas, x.ivr_only, x.asked_agent, x.offered, x.answered, x.by_option]);
    // Each service also has a zero row in the months where only another service had calls
    // (docs/interfaces.md "Zero rows"): 4 services x the 4 months with calls, service order then month.
    const calls: Record<string, [string, number]> = { stadion: ['2024-01', 36], ivrmenu: ['2025-07', 33], menu: ['2015-04', 25], public: ['2016-09', 17] };
    expect(got).toEqual(
      Object.entries(calls).flatMap(([service, [month, n]]) =>
        ['2015-04', '2016-09', '2024-01', '2025-07'].map((p) => (p === month ? [service, p, n, n, 0, 0, 0, [{ option: '', calls: n }]] : [service, p, 0, 0, 0, 0, 0, []])),
      ),
    );
    expect(got.filter((x) => x[2] !== 0)).toEqual([
      ['stadion', '2024-01', 36, 36, 0, 0, 0, [{ option: '', calls: 36 }]],
      ['ivrmenu', '2025-07', 33, 33, 0, 0, 0, [{ option: '', calls: 33 }]],
      ['menu', '2015-04', 25, 25, 0, 0, 0, [{ option: '', calls: 25 }]],
      ['public', '2016-09', 17, 17, 0, 0, 0, [{ option: '', calls: 17 }]],
    ]);
    const table = await runTablero(['funnel', '--from', '2024-01-01', '--to', '2024-02-01', '--tz', 'UTC', '--service', 'stadion'], { dataDir, env: { TABLERO_FUNNEL: funnel } });
    expect(table.stdout.split('\n').slice(0, 3)).toEqual([
      'service  period      ingresadas  IVR only  asked agent  lost before queue  refused  offered  answered  within T  abandoned  other exit',
      'stadion  2024-01-27           5         5            0                  0        0        0         0         0          0           0',
      'stadion  2024-01-28          31        31            0                  0        0        0         0         0          0           0',
    ]);
    const bad = await runTablero(['funnel', '--from', '2024-01-01', '--to', '2024-02-01', '--service', 'nope'], { dataDir, env: { TABLERO_FUNNEL: funnel } });
    expect([bad.code, bad.stderr.split('\n')[0]]).toEqual([1, "tablero funnel: no service 'nope' is configured for site default"]);
  });
});
