// The same PBX line counts once, whichever way it came, with the real `tablero` processes: a
// `tablero start --source` tails a queue_log through a rotation while a PBX-side shipper pushes
// the current file over HTTP (POST /ingest/queue-log); after that process stopped, `tablero
// import` takes a concatenated copy (the rotated part + the current file) with a processor of
// its own (a restart between the ways). Every call is stored once: the figures equal a
// single-source run (the copy imported alone), and the stored rows are counted without and
// with FINAL.
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse } from '@tablero/sql';
import type { KpiRow } from '@tablero/processor/contract';
import { dayLog } from '../../processor/src/testing/day-log.ts';
import { appendLines } from '../support/queue-log-writer.ts';
import { runTablero, startTablero } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const T0 = Date.UTC(2026, 9, 5, 8, 0, 0) / 1000;
// 300 calls, one every 90 s: 7.5 hours, longer than the restart replay (6 h), so the import
// finds its oldest lines in ClickHouse and its newest in the replayed memory.
const LOG = dayLog(T0, 300, 90);
const ROTATED = LOG.slice(0, 400);
const CURRENT = LOG.slice(400);
const TOKEN = 'pbx1-shipper-token-0123456789';
const KPIS = ['kpis', '--from', '2026-10-05', '--to', '2026-10-06', '--tz', 'UTC', '--formula', 'answered', '--threshold', '20', '--json'];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-same-line-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const kpis = async (dataDir: string): Promise<KpiRow[]> => JSON.parse((await runTablero(KPIS, { dataDir })).stdout) as KpiRow[];

describe('the same line counts once, whichever way it came (real processes)', () => {
  it('tailed across a rotation, pushed over HTTP, then a concatenated copy imported: stored once', async () => {
    const copy = join(dir, 'queue_log.all');
    writeFileSync(copy, LOG.map((l) => `${l}\n`).join(''));

    // The single-source run.
    const refDir = join(dir, 'ref');
    const ref = await runTablero(['import', copy], { dataDir: refDir });
    expect([ref.code, ref.stdout]).toEqual([0, `imported 1 file(s): ${LOG.length} lines, ${LOG.length} accepted, 0 rejected\n`]);
    const refRows = await kpis(refDir);
    // 100 calls per queue: 40 answered, 20 abandoned, 20 timeouts, 20 refused (FULL).
    expect(refRows.map((r) => [r.queue, r.offered, r.answered, r.abandoned, r.timeout, r.refused])).toEqual([
      ['q0', 80, 40, 20, 20, 20], ['q1', 80, 40, 20, 20, 20], ['q2', 80, 40, 20, 20, 20],
    ]);

    // Tailed live, rotated, and the current file pushed by the shipper as well.
    const pbx = join(dir, 'pbx');
    const queueLog = join(pbx, 'queue_log');
    const liveDir = join(dir, 'live');
    mkdirSync(pbx);
    writeFileSync(queueLog, '');
    const running = await startTablero({ args: ['--source', queueLog, '--no-simulate'], dataDir: liveDir, env: { TABLERO_SOURCE_TOKENS: `${TOKEN}=default:pbx1` } });
    try {
      appendLines(queueLog, ROTATED);
      await waitFor(async () => (await kpis(liveDir)).length === 3, { what: 'the rotated part tailed', timeoutMs: 60_000 });
      renameSync(queueLog, `${queueLog}.1`);
      appendLines(queueLog, CURRENT);
      const pushed = await fetch(`${running.url}/ingest/queue-log`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain', 'x-tablero-offset': '0' },
        body: CURRENT.map((l) => `${l}\n`).join(''),
      });
      expect([pushed.status, await pushed.json()]).toEqual([200, { accepted: CURRENT.length, rejected: 0 }]);
      await waitFor(async () => JSON.stringify(await kpis(liveDir)) === JSON.stringify(refRows), { what: 'the figures of the single-source run', timeoutMs: 60_000 });
    } finally {
      await running.stop();
    }

    // The concatenated copy, imported by a process of its own after the live one stopped.
    const imported = await runTablero(['import', copy], { dataDir: liveDir });
    expect([imported.code, imported.stdout]).toEqual([0, `imported 1 file(s): ${LOG.length} lines, ${LOG.length} accepted, 0 rejected\n`]);
    expect(await kpis(liveDir)).toEqual(refRows);

    const ch = await openClickHouse({ database: 'tablero', dataDir: liveDir });
    try {
      const count = async (query: string): Promise<unknown[]> => (await ch.client.query({ query, format: 'JSONEachRow' })).json();
      const perOutcome = (final: string): Promise<unknown[]> => count(`SELECT queue, outcome, count() AS n FROM stints ${final} GROUP BY queue, outcome ORDER BY queue, outcome`);
      const expected = ['q0', 'q1', 'q2'].flatMap((queue) => ['abandoned', 'answered', 'refused', 'timeout'].map((outcome) => ({ queue, outcome, n: outcome === 'answered' ? 40 : 20 })));
      expect(await perOutcome('')).toEqual(expected);
      expect(await perOutcome('FINAL')).toEqual(expected);
      expect(await count('SELECT count() AS n, uniqExact(ts, callid, queue, agent, verb, data) AS lines FROM queue_events')).toEqual([{ n: LOG.length, lines: LOG.length }]);
      expect(await count("SELECT count() AS n FROM agent_pauses WHERE reason = 'Almuerzo'")).toEqual([{ n: 5 }]);
    } finally {
      await ch.close();
    }
  }, 300_000);
});
