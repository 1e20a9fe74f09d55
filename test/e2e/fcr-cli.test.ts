// `tablero fcr` as users run it, and GET /api/fcr of a running `tablero start` on the same data:
// the generated week with repeat callers (processor/src/testing/fcr-week.ts, hand-checked in
// processor/src/store/fcr-query.integration.test.ts) imported as a queue_log, its tickets as a CRM
// CSV; both surfaces give the same rows.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FcrRow } from '@tablero/processor/contract';
import { DAY, MON, week } from '../../processor/src/testing/fcr-week.ts';
import { runTablero, startTablero } from '../support/tablero-process.ts';

describe('tablero fcr and GET /api/fcr', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tablero-fcr-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('declared and measured FCR of the generated week, the same from the CLI and the API', async () => {
    const dataDir = join(dir, 'data');
    writeFileSync(join(dir, 'queue_log'), `${week().join('\n')}\n`);
    const tickets = ['ticket_id,event,time,type,channel,area,call_site,call_id,note'];
    for (let d = 0; d < 7; d++) tickets.push(`R-${d},opened,${MON + d * DAY + 11 * 3600},reclamo,phone,,default,w${d}.9,`);
    writeFileSync(join(dir, 'tickets.csv'), `${tickets.join('\n')}\n`);
    expect((await runTablero(['import', join(dir, 'queue_log')], { dataDir })).code).toBe(0);
    const t = await runTablero(['import', '--kind', 'tickets', join(dir, 'tickets.csv')], { dataDir });
    expect([t.code, t.stderr]).toEqual([0, '']);
    const args = ['fcr', '--from', '2026-11-02', '--to', '2026-11-09', '--by', 'month', '--tz', 'UTC'];
    const cli = await runTablero([...args, '--json'], { dataDir });
    expect(cli.code).toBe(0);
    const rows = JSON.parse(cli.stdout) as FcrRow[];
    expect(rows.map((r) => [r.queue, r.answered, r.typified, r.declared_fcr_pct, r.eligible, r.repeat_calls, r.with_ticket, r.measured_fcr_pct, r.repeat_rate_pct])).toEqual([
      ['q1', 70, 63, 77.78, 63, 19, 7, 58.73, 30.16],
      ['q2', 1, 0, null, 1, 0, 0, 100, 0],
    ]);
    const table = await runTablero(args, { dataDir });
    expect(table.stdout.split('\n').slice(0, 2)).toEqual([
      'queue  period   answered  typified  resolved  escalated  declared FCR %  eligible  repeats  ticket  measured FCR %  repeat %',
      'q1     2026-11        70        63        49         14           77.78        63       19       7           58.73     30.16',
    ]);
    const running = await startTablero({ args: ['--no-simulate'], dataDir });
    try {
      const viaApi = await runTablero([...args, '--json'], { dataDir });
      expect(viaApi.stderr).toContain('using the running Tablero');
      expect(JSON.parse(viaApi.stdout)).toEqual(rows);
    } finally {
      await running.stop();
    }
  });
});
