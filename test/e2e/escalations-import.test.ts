// `tablero import --kind tickets` through the real CLI on a temp data directory: importing the
// same CSV twice changes nothing, the same events in another order and split add nothing, and
// rejected rows are reported with their line. Then the stored rows are read back from the
// data directory's embedded ClickHouse (after the CLI exited and released it).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openClickHouse } from '@tablero/sql';
import { REPO_ROOT, TABLERO_BIN } from '../support/tablero-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'tablero-tickets-'));
const dataDir = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tablero(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TABLERO_BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, TABLERO_DATA_DIR: dataDir, LOG_LEVEL: 'warn', TZ: 'America/Bogota' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const CSV = [
  'ticket_id,event,time,type,channel,area,call_site,call_id,note',
  'RAD-1,opened,2026-03-02 08:30,queja,phone,,,1772458200.3,"cobro doble, cliente molesto"',
  'RAD-1,escalated,2026-03-02 08:45,,,Crédito,,,',
  'RAD-2,opened,2026-03-03T10:00:00-05:00,Petición,web,,,,',
  'RAD-2,closed,2026-03-04 10:00,,,,,,',
  'RAD-3,opened,tomorrow,queja,,,,,',
  'RAD-3,escalated,2026-03-05 10:00,,,,,,',
  '',
].join('\n');

describe('tablero import --kind tickets', () => {
  const file = join(dir, 'crm-2026-03.csv');
  writeFileSync(file, CSV);

  it('imports, reports rejected rows with their line, and the same file again adds nothing', async () => {
    const first = await tablero(['import', '--kind', 'tickets', '--site', 'bog', file]);
    expect([first.code, first.stderr]).toEqual([0, '']);
    expect(first.stdout).toBe(
      `imported 1 file(s): 6 rows, 4 accepted, 2 rejected\n  rejected 1 x bad_field:time\n  rejected 1 x missing_field:area\n  ${file}:6: bad_field:time\n  ${file}:7: missing_field:area\n`,
    );
    const again = await tablero(['import', '--kind', 'tickets', '--site', 'bog', file]);
    expect([again.code, again.stdout.split('\n')[0]]).toEqual([0, 'imported 1 file(s): 6 rows, 4 accepted, 2 rejected']);
    // The same events, reordered (closing before opening), gzipped and with the columns shuffled.
    const shuffled = ['event,ticket_id,time,area,type', 'closed,RAD-2,2026-03-04 10:00,,', 'escalated,RAD-1,2026-03-02 08:45,Crédito,', 'opened,RAD-2,2026-03-03T15:00:00Z,,peticion', ''].join('\n');
    writeFileSync(join(dir, 'again.csv.gz'), gzipSync(shuffled));
    const third = await tablero(['import', '--kind', 'tickets', '--site', 'bog', join(dir, 'again.csv.gz')]);
    expect([third.code, third.stdout]).toEqual([0, 'imported 1 file(s): 3 rows, 3 accepted, 0 rejected\n']);
  });

  it('bad input exits 2 with one line', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'id,when\n1,2\n');
    expect(await tablero(['import', '--kind', 'tickets', bad])).toEqual({
      code: 2,
      stdout: '',
      stderr: `tablero import: ${bad}: line 1: missing_column:ticket_id (expected a header like ticket_id,event,time,type,area)\n`,
    });
    expect((await tablero(['import', '--kind', 'tickets', '--tz', 'Mars/Olympus', file])).stderr).toBe('tablero import: unknown time zone "Mars/Olympus"\n');
    expect((await tablero(['import', '--source', 'crm', file])).stderr).toBe('tablero import: --source applies to --kind tickets and contacts only\n');
    expect((await tablero(['import', '--kind', 'queue_log', '--tz', 'UTC', file])).stderr).toBe('tablero import: --tz applies to CDR files and --kind tickets (queue_log lines carry epochs)\n');
  });

  it('stored each event once, the rejected rows as dead letters once', async () => {
    const ch = await openClickHouse({ database: 'tablero', dataDir });
    try {
      const rows = await (
        await ch.client.query({ query: 'SELECT ticket_id, action, toUnixTimestamp(ts) AS ts, ticket_type, area, call_site, call_id, note FROM ticket_events ORDER BY ticket_id, ts', format: 'JSONEachRow' })
      ).json();
      expect(rows).toEqual([
        { ticket_id: 'RAD-1', action: 'opened', ts: 1772458200, ticket_type: 'queja', area: '', call_site: 'bog', call_id: '1772458200.3', note: 'cobro doble, cliente molesto' },
        { ticket_id: 'RAD-1', action: 'escalated', ts: 1772459100, ticket_type: '', area: 'Crédito', call_site: '', call_id: '', note: '' },
        { ticket_id: 'RAD-2', action: 'opened', ts: 1772550000, ticket_type: 'peticion', area: '', call_site: '', call_id: '', note: '' },
        { ticket_id: 'RAD-2', action: 'closed', ts: 1772636400, ticket_type: '', area: '', call_site: '', call_id: '', note: '' },
      ]);
      const dead = await (await ch.client.query({ query: "SELECT line_no, reason FROM dead_letters WHERE source = 'crm' ORDER BY line_no", format: 'JSONEachRow' })).json();
      expect(dead).toEqual([{ line_no: 6, reason: 'bad_field:time' }, { line_no: 7, reason: 'missing_field:area' }]);
    } finally {
      await ch.close();
    }
  });
});
