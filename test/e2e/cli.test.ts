// The `tablero` command as users and scripts run it: exit codes, one-line errors, and the
// commands that must reach a running `tablero start` through its HTTP API.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CALL_FIGURES, type CallListRow, type CallsPage, type KpiRow } from '@tablero/processor/contract';
import { runTablero as tablero, startTablero, startTableroOnQueueLog, type TableroProcess } from '../support/tablero-process.ts';
import { abandonedCall, answeredCall, appendLines } from '../support/queue-log-writer.ts';
import { waitFor } from '../support/wait-for.ts';
import { CLEAR_OF_MIDNIGHT_TIMEOUT_MS, clearOfMidnight } from '../support/day-clock.ts';
import { realFixture } from '@tablero/ingest/real-fixtures';

const FIXTURE = realFixture('DareDevinX__AsteriskReport__Testdaten.txt');

function wsStatus(url: string, query: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws/live${query}`, { origin: url });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
  });
}

describe('bad usage exits 2 with one clear line', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tablero-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each([
    [['frobnicate'], "tablero: unknown command 'frobnicate' (try 'tablero --help')"],
    [['kpis', '--from', '2026-10-01'], 'tablero kpis: --to must be YYYY-MM-DD (or YYYY-MM-DDTHH:MM), exclusive'],
    [['kpis', '--from', '2026-10-02', '--to', '2026-10-01'], 'tablero kpis: --from (2026-10-02) must be before --to (2026-10-01); --to is exclusive'],
    [['kpis', '--from', '2026-10-01', '--to', '2026-10-02', '--formula', 'magic'], 'tablero kpis: --formula must be one of offered, answered, answered_abandoned, abandon_after_threshold, in_threshold_outcomes'],
    [['kpis', '--from', '2026-10-01', '--to', '2026-10-02', '--tz', 'Mars/Olympus'], "tablero kpis: --tz must be an IANA time zone (e.g. America/La_Paz), got 'Mars/Olympus'"],
    [['calls', '--from', '2026-10-01', '--to', '2026-10-02', '--figure', 'lost'], `tablero calls: --figure must be one of ${CALL_FIGURES.join(', ')}`],
    [['calls', '--from', '2026-10-01', '--to', '2026-10-02', '--within-t', 'maybe'], 'tablero calls: --within-t must be one of yes, no'],
    [['calls', '--from', '2026-10-01', '--to', '2026-10-02', '--by', 'day', '--period', '2026-10'], 'tablero calls: period 2026-10 is not a day key'],
    [['import', '/nonexistent/queue_log'], 'tablero import: /nonexistent/queue_log: no such file or directory'],
    [['start', '--port', 'eighty'], "tablero start: --port must be 0-65535, got 'eighty'"],
    [['start', '--queues', '0'], "tablero start: --queues must be an integer >= 1, got '0'"],
    [['start', '--agents', '1000', '--no-simulate'], 'tablero start: --queues, --agents and --calls-per-hour size the simulator: not with --source or --no-simulate'],
    [['kiosk', 'create', 'TV', '--sites', 'La Paz'], 'tablero kiosk: sites must be a list of at most 500 site ids (letters, digits, _ or -)'],
    [['user', 'add', 'ana', '--role', 'boss'], 'tablero user: --role must be one of admin, manager, supervisor, qa_analyst'],
  ])('tablero %j', async (args, message) => {
    const r = await tablero(args, { dataDir });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(message);
  });

  it('reports every bad environment variable at once', async () => {
    const r = await tablero(['kpis', '--from', '2026-10-01', '--to', '2026-10-02'], { dataDir, env: { PORT: 'x', TZ: 'Nowhere/City' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PORT:');
    expect(r.stderr).toContain('TZ: not an IANA time zone');
  });
});

describe('import and kpis on the embedded store', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tablero-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const kpiArgs = ['kpis', '--from', '2010-02-22', '--to', '2010-02-23', '--queue', '9000', '--formula', 'answered', '--threshold', '15', '--tz', 'UTC', '--json'];

  it('imports the real DareDevinX queue_log once, however often it is imported', async () => {
    const first = await tablero(['import', FIXTURE], { dataDir });
    expect(first.code).toBe(0);
    // Not a terminal: progress comes as plain lines on stderr, the last one at 100 %.
    expect(first.stderr.trim().split('\n').at(-1)).toMatch(/^\[#{24}\] 100% 278 lines /);
    expect(first.stdout).toBe('imported 1 file(s): 278 lines, 278 accepted, 0 rejected\n');
    const rows1 = JSON.parse((await tablero(kpiArgs, { dataDir })).stdout) as KpiRow[];
    const again = await tablero(['import', FIXTURE], { dataDir });
    expect(again.code).toBe(0);
    const rows2 = JSON.parse((await tablero(kpiArgs, { dataDir })).stdout) as KpiRow[];
    expect(rows2).toEqual(rows1);
    // 21 ENTERQUEUE: 7 answered + 12 abandoned ended; 2 calls still open at the end of the file
    // are not offered (kpi-definitions §1). Waits of the 7 answered: 1, 2, 4, 5, 6, 36, 84.
    expect(rows1).toEqual([
      {
        queue: '9000', period: '2010-02-22',
        offered: 19, answered: 7, answered_within: 5, unanswered: 12, abandoned: 12, timeout: 0, exit_key: 0,
        exit_empty: 0, withdrawn: 0, failed: 0, refused: 0, short_abandoned: 0, out_of_hours: 0,
        sl_pct: 71.43, abandon_rate_pct: 63.16, unanswered_rate_pct: 63.16, asa_s: 19.71,
        avg_abandon_wait_s: rows1[0]?.avg_abandon_wait_s, aht_s: 6.43, longest_wait_s: rows1[0]?.longest_wait_s,
        definition: { formula: 'answered', threshold_s: 15, strict: false, short_abandon_s: 0, tz: 'UTC', count_refused: false, include_out_of_hours: false, target_pct: 80, site: 'default', settings_version: 0, site_defaults_version: 0, calendar_version: 0, calendar_tz: 'UTC', holidays: [], spans_change: false, overrides: ['formula', 'threshold_s'] },
      },
    ]);
  });

  it('calls lists the stints behind each figure of that row, as many as the figure', async () => {
    const callArgs = (figure: string): string[] => ['calls', ...kpiArgs.slice(1), '--figure', figure];
    const [row] = JSON.parse((await tablero(kpiArgs, { dataDir })).stdout) as KpiRow[];
    for (const figure of ['offered', 'answered', 'answered_within', 'abandoned'] as const) {
      const r = await tablero(callArgs(figure), { dataDir });
      const list = JSON.parse(r.stdout) as CallsPage;
      expect([figure, r.code, list.total, list.rows.length]).toEqual([figure, 0, row?.[figure], row?.[figure]]);
    }
    // The waits of the 5 answered within 15 s (of 1, 2, 4, 5, 6, 36, 84), oldest first.
    const within = JSON.parse((await tablero([...callArgs('answered_within'), '--order', 'oldest'], { dataDir })).stdout) as { rows: CallListRow[] };
    expect(within.rows.map((x) => x.wait_s).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([1, 2, 4, 5, 6]);
    const table = await tablero(callArgs('answered').filter((a) => a !== '--json'), { dataDir });
    expect(table.stdout.split('\n').slice(-4, -1)).toEqual([
      '7 stint(s); times UTC, periods in UTC',
      "definition: SL formula 'answered', T = 15 s (inclusive <=), short abandon 0 s, settings v0 (site defaults v0), calendar v0 (UTC), holidays none, site default, time zone UTC; set by this command: formula, threshold_s",
      '(docs/kpi-definitions.md)',
    ]);
  });
});

describe('commands against a running tablero start', () => {
  let queueLog: string;
  let running: TableroProcess;
  let dispose: () => Promise<void>;

  // Today's figures are read: not across UTC midnight (see day-clock.ts).
  beforeAll(clearOfMidnight, CLEAR_OF_MIDNIGHT_TIMEOUT_MS);
  beforeAll(async () => {
    ({ tablero: running, queueLog, dispose } = await startTableroOnQueueLog());
  });
  afterAll(async () => {
    await dispose?.();
  });

  it('kpis goes through the running process and says so', async () => {
    const now = Math.floor(Date.now() / 1000);
    appendLines(queueLog, [
      ...answeredCall({ queue: '101', callid: `${now}.1`, endS: now, wait: 25, talk: 60 }),
      ...abandonedCall({ queue: '101', callid: `${now}.2`, endS: now, wait: 4 }),
    ]);
    const day = new Date(now * 1000).toISOString().slice(0, 10);
    const next = new Date((now + 86_400) * 1000).toISOString().slice(0, 10);
    const rows = await waitFor(async () => {
      const r = await tablero(['kpis', '--from', day, '--to', next, '--json'], { dataDir: running.dataDir });
      expect(r.stderr).toContain(`using the running Tablero at ${running.url}`);
      const parsed = JSON.parse(r.stdout) as KpiRow[];
      return parsed.length === 1 && parsed[0]?.offered === 2 ? parsed : null;
    }, { what: 'kpis via the running process', timeoutMs: 30_000 });
    expect(rows[0]).toMatchObject({ queue: '101', period: day, offered: 2, answered: 1, answered_within: 0, abandoned: 1, sl_pct: 0, asa_s: 25, aht_s: 60 });
    const calls = await tablero(['calls', '--from', day, '--to', next, '--figure', 'abandoned', '--json'], { dataDir: running.dataDir });
    expect(calls.stderr).toContain(`using the running Tablero at ${running.url}`);
    const list = JSON.parse(calls.stdout) as CallsPage;
    expect([list.total, list.rows.map((r) => [r.callid, r.queue, r.outcome, r.wait_s])]).toEqual([1, [[`${now}.2`, '101', 'abandoned', 4]]]);
  });

  it('user add and kiosk create/revoke go through the running process', async () => {
    const added = await tablero(['user', 'add', 'ana', '--role', 'supervisor'], { dataDir: running.dataDir, stdin: 'correct-horse-battery' });
    expect(added.code).toBe(0);
    expect(added.stdout).toBe('user ana (supervisor) saved\n');
    const login = await fetch(`${running.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ana', password: 'correct-horse-battery' }),
    });
    expect(login.status).toBe(200);
    expect(await login.json()).toMatchObject({ username: 'ana', role: 'supervisor', lang: 'es' });
    // Her queues from the CLI: another queue's calls are refused at once, an empty list gives every queue back.
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const calls102 = async (): Promise<number> => (await fetch(`${running.url}/api/calls?from=2026-01-01&to=2026-01-02&queue=102`, { headers: { cookie } })).status;
    const scoped = await tablero(['user', 'queues', 'ana', '101, 103'], { dataDir: running.dataDir });
    expect([scoped.code, scoped.stdout]).toEqual([0, 'user ana: queues 101, 103\n']);
    expect(await calls102()).toBe(403);
    const all = await tablero(['user', 'queues', 'ana', ''], { dataDir: running.dataDir });
    expect([all.code, all.stdout]).toEqual([0, 'user ana: every queue\n']);
    expect(await calls102()).toBe(200);

    const dup = await tablero(['user', 'add', 'ana', '--role', 'manager'], { dataDir: running.dataDir, stdin: 'another-password' });
    expect(dup.code).toBe(2);

    const created = await tablero(['kiosk', 'create', 'TV sala 2'], { dataDir: running.dataDir });
    expect(created.code).toBe(0);
    const token = /kiosk=([^#\s]+)/.exec(created.stdout)?.[1] ?? '';
    expect(token).toMatch(/^k[A-Za-z0-9_-]{43}$/);
    expect(await wsStatus(running.url, `?kiosk=${token}`)).toBe(101);
    const revoked = await tablero(['kiosk', 'revoke', token], { dataDir: running.dataDir });
    expect(revoked.code).toBe(0);
    expect(await wsStatus(running.url, `?kiosk=${token}`)).toBe(401);
  });

  it('import refuses to open the data directory a running start holds, in one line', async () => {
    const r = await tablero(['import', FIXTURE], { dataDir: running.dataDir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`a running 'tablero start' holds ${running.dataDir}`);
  });

  it('a start on a port in use fails in one line and leaves its data directory ready for a later start', async () => {
    const port = new URL(running.url).port;
    const dataDir = mkdtempSync(join(tmpdir(), 'tablero-cli-'));
    try {
      const r = await tablero(['start', '--no-simulate', '--port', port], { dataDir, env: { HOST: '127.0.0.1' } });
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(`tablero start: port ${port} is already in use: set PORT or --port`);
      // No first admin was made by the failed start (its password would never have been shown).
      expect(existsSync(join(dataDir, 'initial-admin.txt'))).toBe(false);
      const again = await startTablero({ args: ['--no-simulate'], dataDir });
      try {
        expect(again.admin.password).toMatch(/^[A-Za-z0-9_-]{16}$/);
        const login = await fetch(`${again.url}/api/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password: again.admin.password }),
        });
        expect(login.status).toBe(200);
      } finally {
        await again.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a second start on the same data directory fails with one clear line', async () => {
    const r = await tablero(['start', '--no-simulate', '--port', '0'], { dataDir: running.dataDir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('is in use by another Tablero process');
  });
});
