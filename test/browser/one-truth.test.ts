// One truth (conventions.md): on one dataset with a per-queue definition that is not the default
// (formula answered, T = 30 s, short abandon 5 s), a split-hours calendar with a holiday and
// Saturday mornings, and a second site with another definition (SL2-style, T = 15 s, strict) on
// the default 24-hour calendar, every surface gives the same figures and states the same
// definition: `tablero kpis` (opening the store itself, and through the running process),
// GET /api/kpis, the Reports page in Chromium (read from the rendered table), the monthly
// export as CSV, XLSX and PDF, and the live snapshot of today.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createStore, saveCalendarVersion, saveSettingsVersion, type StintRow } from '@tablero/processor';
import type { KpiRow, QueueSnapshot, SnapshotMessage } from '@tablero/processor/contract';
import { migrate, openClickHouse } from '@tablero/sql';
import { apiLogin, launchChromium, logIn, type ApiSession } from '../support/browser.ts';
import { startTablero, TABLERO_BIN, type TableroProcess } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const TZ = 'America/Bogota'; // UTC-5 all year
const SITES = ['default', 'pbx2'] as const;
const QUEUES = ['101', '102'];
const NOV_FROM = Date.UTC(2026, 10, 1, 5) / 1000;
const NOV_TO = Date.UTC(2026, 11, 1, 5) / 1000;
/** A Colombian holiday (Independencia de Cartagena, observed on Monday 16 November 2026) as a site holiday. */
const HOLIDAY = '2026-11-16';
const SPLIT_HOURS = [
  ...Array.from({ length: 5 }, () => [{ from: '08:00', to: '12:15' }, { from: '13:45', to: '16:00' }]),
  [{ from: '08:00', to: '13:00' }],
  [],
];

const dir = mkdtempSync(join(tmpdir(), 'tablero-one-truth-'));
const dataDir = join(dir, 'data');
const nowS = Math.floor(Date.now() / 1000);
/** Today's local midnight in Bogota (UTC-5, no DST). */
const todayStartS = Math.floor((nowS - 5 * 3600) / 86_400) * 86_400 + 5 * 3600;
const localDate = (s: number): string => new Date((s - 5 * 3600) * 1000).toISOString().slice(0, 10);
const TODAY = localDate(nowS);
const TOMORROW = localDate(todayStartS + 36 * 3600);

function generate(site: string, fromS: number, toS: number, n: number, seed0: number): StintRow[] {
  let seed = seed0;
  const rnd = (k: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % k;
  };
  const outcomes = ['answered', 'answered', 'answered', 'answered', 'answered', 'answered', 'abandoned', 'abandoned', 'abandoned', 'timeout', 'exit_key', 'exit_empty', 'withdrawn', 'failed', 'refused', 'cut_by_restart'] as const;
  const out: StintRow[] = [];
  for (let i = 0; i < n; i++) {
    const enter = fromS + rnd(Math.max(1, toS - fromS));
    const outcome = outcomes[rnd(outcomes.length)] as StintRow['outcome'];
    // Waits 0-90 s; short abandons (< 5 s) are common; a few unknown waits.
    const wait = outcome === 'refused' ? 0 : rnd(20) === 0 ? null : outcome === 'abandoned' && rnd(3) === 0 ? rnd(6) : rnd(91);
    const talk = outcome === 'answered' && rnd(10) > 0 ? 20 + rnd(400) : null;
    out.push({
      stint_id: `${site}-${seed0}-${i}`, site, queue: QUEUES[rnd(QUEUES.length)] as string, callid: `${site}-${seed0}-${i}`, enter_ts: enter,
      end_ts: enter + (wait ?? 0) + (talk ?? 0), outcome, wait_s: wait, talk_s: talk, agent: outcome === 'answered' ? `agent${rnd(6)}` : '',
      caller: `300${rnd(1000)}`, transferred: false, enter_seen: wait !== null, end_event_id: `e-${site}-${seed0}-${i}`,
    });
  }
  return out;
}

let tablero: TableroProcess;
let api: ApiSession;
let browser: Browser;
/** The CLI's rows read before `tablero start` ran (it opened the store itself). */
const direct = new Map<string, KpiRow[]>();

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TABLERO_BIN, ...args], { env: { ...process.env, TABLERO_DATA_DIR: dataDir, LOG_LEVEL: 'warn', TZ } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

interface Ask {
  site: (typeof SITES)[number];
  from: string;
  to: string;
  by: 'month' | 'day';
}
const ASKS: Ask[] = SITES.flatMap((site) => [
  { site, from: '2026-11-01', to: '2026-12-01', by: 'month' as const },
  { site, from: '2026-11-01', to: '2026-12-01', by: 'day' as const },
  { site, from: TODAY, to: TOMORROW, by: 'day' as const },
]);
const key = (a: Ask): string => `${a.site} ${a.from} ${a.to} ${a.by}`;
const kpiArgs = (a: Ask): string[] => ['kpis', '--from', a.from, '--to', a.to, '--by', a.by, '--site', a.site, '--json'];
const apiPath = (a: Ask): string => `/api/kpis?from=${a.from}&to=${a.to}&by=${a.by}&site=${a.site}`;

beforeAll(async () => {
  const ch = await openClickHouse({ database: 'tablero', dataDir });
  await migrate(ch.client);
  const t = { createdBy: 'ana', nowMs: Date.now(), validFromMs: 0 };
  await saveSettingsVersion(ch, { ...t, site: 'default', queue: '101', patch: { formula: 'answered', threshold_s: 30, short_abandon_s: 5 } });
  await saveCalendarVersion(ch, { ...t, site: 'default', spec: { tz: TZ, weekly: SPLIT_HOURS, holidays: [HOLIDAY] } });
  await saveSettingsVersion(ch, { ...t, site: 'pbx2', queue: '101', patch: { formula: 'in_threshold_outcomes', threshold_s: 15, strict: true } });
  await saveSettingsVersion(ch, { ...t, site: 'pbx2', queue: '', patch: { target_pct: 90 } });
  const store = createStore(ch);
  for (const [i, site] of SITES.entries()) {
    await store.insertStints(generate(site, NOV_FROM, NOV_TO, 4000, 11 + i), 0, `nov-${site}`);
    // Today, up to a minute ago (never before the local midnight).
    await store.insertStints(generate(site, Math.max(todayStartS, nowS - 3 * 3600), nowS - 60, 300, 21 + i), 0, `today-${site}`);
  }
  await ch.close();
  for (const a of ASKS) {
    const r = await cli(kpiArgs(a));
    if (r.code !== 0) throw new Error(`tablero kpis failed: ${r.stderr}`);
    direct.set(key(a), JSON.parse(r.stdout) as KpiRow[]);
  }
  tablero = await startTablero({ args: ['--no-simulate'], dataDir, env: { TZ } });
  api = await apiLogin(tablero.url, 'admin', tablero.admin.password);
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await tablero?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const FIGURES = ['offered', 'answered', 'answered_within', 'unanswered', 'abandoned', 'short_abandoned', 'out_of_hours', 'refused', 'sl_pct', 'abandon_rate_pct', 'asa_s', 'aht_s', 'longest_wait_s'] as const;

describe('the stored figures and their definition', () => {
  it('tablero kpis, with and without the running process, equals GET /api/kpis; stored settings apply without a flag', async () => {
    for (const a of ASKS) {
      const fromApi = await api.send('GET', apiPath(a));
      expect(fromApi.status).toBe(200);
      const rows = fromApi.body as KpiRow[];
      expect(rows, key(a)).toEqual(direct.get(key(a)));
      const viaRunning = await cli(kpiArgs(a));
      expect(viaRunning.stderr).toContain('using the running Tablero');
      expect(JSON.parse(viaRunning.stdout)).toEqual(rows);
    }
    const month = direct.get(key(ASKS[0] as Ask)) ?? [];
    // The stored definitions, not the built-in defaults: queue 101 of the main site...
    expect(month.find((r) => r.queue === '101')?.definition).toEqual({
      formula: 'answered', threshold_s: 30, strict: false, short_abandon_s: 5, tz: TZ, count_refused: false, include_out_of_hours: false, target_pct: 80,
      site: 'default', settings_version: 1, site_defaults_version: 0, calendar_version: 1, calendar_tz: TZ, holidays: [HOLIDAY], overrides: [], spans_change: false,
    });
    expect(month.find((r) => r.queue === '102')?.definition).toMatchObject({ formula: 'offered', threshold_s: 20, short_abandon_s: 0, settings_version: 0, calendar_version: 1 });
    // ...lunch breaks, the holiday and Sundays are out of hours; short abandons leave queue 101.
    expect(month.every((r) => r.out_of_hours > 0)).toBe(true);
    expect(month.find((r) => r.queue === '101')?.short_abandoned).toBeGreaterThan(0);
    expect(month.find((r) => r.queue === '102')?.short_abandoned).toBe(0);
    const holiday = (direct.get(key(ASKS[1] as Ask)) ?? []).filter((r) => r.period === HOLIDAY);
    expect(holiday.length).toBeGreaterThan(0);
    for (const r of holiday) expect([r.queue, r.offered, r.out_of_hours > 0]).toEqual([r.queue, 0, true]);
    const pbx2 = direct.get(key(ASKS[3] as Ask)) ?? [];
    expect(pbx2.find((r) => r.queue === '101')?.definition).toMatchObject({ formula: 'in_threshold_outcomes', threshold_s: 15, strict: true, target_pct: 90, site: 'pbx2', settings_version: 1, site_defaults_version: 1, calendar_version: 0 });
    expect(pbx2.every((r) => r.out_of_hours === 0)).toBe(true);
  });

  it('a flag overrides the stored definition for the whole range, and the row says so', async () => {
    const a = ASKS[0] as Ask;
    const r = await api.send('GET', `${apiPath(a)}&threshold=45&queue=101`);
    const [row] = r.body as KpiRow[];
    expect(row?.definition).toMatchObject({ formula: 'answered', threshold_s: 45, short_abandon_s: 5, overrides: ['threshold_s'] });
    const stored = direct.get(key(a))?.find((x) => x.queue === '101');
    expect(row?.offered).toBe(stored?.offered);
    expect(row?.answered_within).toBeGreaterThan(stored?.answered_within ?? 0);
  });
});

describe('the Reports page shows the same rows', () => {
  for (const a of ASKS.filter((x) => x.to !== TOMORROW)) {
    it(`${a.site} by ${a.by}`, async () => {
      const page = await logIn(await browser.newPage({ viewport: { width: 1366, height: 900 } }), tablero.url, 'admin', tablero.admin.password);
      try {
        await page.goto(`${tablero.url}/#/reports?from=${a.from}&to=${a.to}&site=${a.site}`);
        await page.getByTestId('report-by').selectOption(a.by);
        await page.getByTestId('report-run').click();
        const expected = direct.get(key(a)) ?? [];
        await waitFor(async () => (await page.locator('[data-testid^="report-row-"]').count()) === expected.length && (await page.getByTestId('report-status').getAttribute('data-status')) === 'ready', {
          timeoutMs: 20_000, what: 'the report table',
        });
        const shown = await page.locator('[data-testid^="report-row-"]').evaluateAll((trs) =>
          trs.map((tr) => ({
            id: tr.getAttribute('data-testid'),
            cells: Object.fromEntries([...tr.querySelectorAll('td[data-col]')].map((td) => [td.getAttribute('data-col'), td.getAttribute('data-value')])),
          })),
        );
        const cols = ['offered', 'answered', 'answered_within', 'abandoned', 'unanswered', 'sl_pct', 'abandon_rate_pct', 'asa_s', 'aht_s', 'longest_wait_s'] as const;
        expect(shown).toEqual(
          expected.map((r) => ({ id: `report-row-${r.queue}-${r.period}`, cells: Object.fromEntries(cols.map((c) => [c, r[c] === null ? '' : String(r[c])])) })),
        );
        // The definition the page states is the rows' definition.
        for (const queue of QUEUES) {
          const d = expected.filter((r) => r.queue === queue).at(-1)?.definition;
          const li = page.getByTestId(`report-def-${queue}`);
          expect({
            formula: await li.getAttribute('data-formula'), threshold: await li.getAttribute('data-threshold'), strict: await li.getAttribute('data-strict'),
            short: await li.getAttribute('data-short-abandon'), settings: await li.getAttribute('data-settings-version'), calendar: await li.getAttribute('data-calendar-version'),
            tz: await li.getAttribute('data-tz'),
          }).toEqual({
            formula: d?.formula, threshold: String(d?.threshold_s), strict: String(d?.strict), short: String(d?.short_abandon_s),
            settings: String(d?.settings_version), calendar: String(d?.calendar_version), tz: d?.tz,
          });
        }
      } finally {
        await page.close();
      }
    });
  }
});

/** `text` of a CSV (RFC 4180 quoting) as rows of cells. */
function parseCsv(text: string, sep: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.replace(/^\uFEFF/, '').split('\r\n')) {
    const cells: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i] as string;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
        else if (ch === '"') quoted = false;
        else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === sep) (cells.push(cur), (cur = ''));
      else cur += ch;
    }
    cells.push(cur);
    rows.push(cells);
  }
  return rows;
}

/** The figures of a report table row by the English headers of the monthly report. */
const HEADERS: Record<(typeof FIGURES)[number], RegExp> = {
  offered: /^Offered calls$/, answered: /^Answered calls$/, answered_within: /^Answered (within|in less than) /, unanswered: /^Unanswered calls$/,
  abandoned: /^Abandoned calls$/, short_abandoned: /^Short abandons$/, out_of_hours: /^Out of hours$/, refused: /^Refused/, sl_pct: /^Service level/,
  abandon_rate_pct: /^Abandonment/, asa_s: /^Average speed of answer/, aht_s: /^Average handle time/, longest_wait_s: /^Longest wait/,
};

function figuresOf(header: readonly unknown[], row: readonly unknown[], num: (v: unknown, pct: boolean) => number | null): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const f of FIGURES) {
    const i = header.findIndex((h) => typeof h === 'string' && HEADERS[f].test(h));
    if (i < 0) throw new Error(`no column for ${f} in ${header.join('|')}`);
    out[f] = num(row[i], f.endsWith('_pct'));
  }
  return out;
}

const expectedFigures = (r: KpiRow | undefined): Record<string, number | null> => Object.fromEntries(FIGURES.map((f) => [f, r ? r[f] : null]));

describe('the monthly export (CSV, XLSX, PDF) shows the same figures', () => {
  for (const site of SITES) {
    it(`${site}`, async () => {
      const month = direct.get(key({ site, from: '2026-11-01', to: '2026-12-01', by: 'month' })) ?? [];
      const days = direct.get(key({ site, from: '2026-11-01', to: '2026-12-01', by: 'day' })) ?? [];
      const download = async (format: string): Promise<Buffer> => {
        const res = await fetch(`${tablero.url}/api/exports/monthly?month=2026-11&format=${format}&lang=en&site=${site}`, { headers: { authorization: `Bearer ${await cliToken()}` } });
        expect(res.status).toBe(200);
        return Buffer.from(await res.arrayBuffer());
      };
      // CSV (English: ',' and decimal points).
      const csv = parseCsv((await download('csv')).toString('utf8'), ',');
      const section = (title: string): string[][] => {
        const at = csv.findIndex((r) => r.length === 1 && r[0] === title);
        const end = csv.findIndex((r, i) => i > at && r.length === 1 && r[0] === '');
        return csv.slice(at + 1, end);
      };
      const csvNum = (v: unknown): number | null => (v === '' ? null : Number(v));
      const [sumHeader, ...sumRows] = section('Summary');
      for (const r of month) {
        const row = sumRows.find((x) => x[0] === r.queue) ?? [];
        expect(figuresOf(sumHeader ?? [], row, csvNum), `CSV summary ${site} ${r.queue}`).toEqual(expectedFigures(r));
        const formula = (sumHeader ?? []).indexOf('T (s)');
        expect(Number(row[formula]), 'the summary states T').toBe(r.definition.threshold_s);
      }
      const [dayHeader, ...dayRows] = section('By day');
      for (const r of dayRows) {
        const expected = days.find((d) => d.queue === r[0] && d.period === r[1]);
        // A day without stints is a row of zeros in the export and no row in the API.
        if (!expected) expect(Number(r[2])).toBe(0);
        else expect(figuresOf(dayHeader ?? [], r, csvNum), `CSV ${site} ${r[0]} ${r[1]}`).toEqual(expectedFigures(expected));
      }
      expect(dayRows.filter((r) => Number(r[2]) > 0 || Number(r.at(-1) ?? 0) > 0).length).toBeGreaterThan(0);

      // XLSX: percentages are fractions of 1 with a percent format.
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await download('xlsx')) as unknown as ExcelJS.Buffer);
      const sheet = wb.getWorksheet('Summary') as ExcelJS.Worksheet;
      const header = (sheet.getRow(4).values as unknown[]).slice(1);
      const xlsxNum = (v: unknown, pct: boolean): number | null => (v === undefined || v === null || v === '' ? null : pct ? Math.round(Number(v) * 10_000) / 100 : Number(v));
      for (let i = 5; i <= sheet.rowCount; i++) {
        const row = (sheet.getRow(i).values as unknown[]).slice(1);
        const r = month.find((m) => m.queue === row[0]);
        if (!r) continue;
        expect(figuresOf(header, row, xlsxNum), `XLSX ${site} ${r.queue}`).toEqual(expectedFigures(r));
      }

      // PDF: the text of the summary states each queue's offered, answered, SL and its definition.
      const pdf = join(dir, `${site}.pdf`);
      writeFileSync(pdf, await download('pdf'));
      const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
      for (const r of month) {
        const line = text.split('\n').find((l) => l.trim().startsWith(`${r.queue} `) && l.includes(String(r.offered)));
        expect(line, `PDF line of ${site} ${r.queue}`).toBeDefined();
        const cells = (line ?? '').trim().split(/\s+/);
        expect(cells.slice(0, 4)).toEqual([r.queue, String(r.offered), String(r.answered), String(r.answered_within)]);
        expect(line).toContain(r.sl_pct === null ? '' : r.sl_pct.toFixed(2));
      }
    });
  }
});

async function cliToken(): Promise<string> {
  const { readFileSync } = await import('node:fs');
  return (JSON.parse(readFileSync(join(dataDir, 'running.json'), 'utf8')) as { cli_token: string }).cli_token;
}

describe('the live snapshot of today', () => {
  it('equals the stored figures of today, with the same definition', async () => {
    const login = await fetch(`${tablero.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: tablero.admin.password }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const latest = new Map<string, QueueSnapshot>();
    const ws = new WebSocket(`${tablero.url.replace('http', 'ws')}/ws/live`, { origin: tablero.url, headers: { cookie } });
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as SnapshotMessage | { type: string };
      if (m.type === 'snapshots') for (const q of (m as SnapshotMessage).queues) latest.set(`${q.site} ${q.queue}`, q);
    });
    try {
      await waitFor(() => SITES.every((s) => QUEUES.every((q) => latest.has(`${s} ${q}`))), { timeoutMs: 30_000, what: 'a snapshot of every queue of both sites' });
      let checked = 0;
      for (const site of SITES) {
        const rows = (await api.send('GET', apiPath({ site, from: TODAY, to: TOMORROW, by: 'day' }))).body as KpiRow[];
        for (const queue of QUEUES) {
          const snap = latest.get(`${site} ${queue}`) as QueueSnapshot;
          const stored = rows.find((r) => r.queue === queue);
          const figures = (f: Record<string, unknown> | undefined): Record<string, unknown> => Object.fromEntries(FIGURES.map((k) => [k, f?.[k] ?? (k.endsWith('_s') || k.endsWith('_pct') ? null : 0)]));
          expect(figures(snap.windows.today as unknown as Record<string, unknown>), `${site} ${queue}`).toEqual(figures(stored as unknown as Record<string, unknown> | undefined));
          if (stored) {
            const pick = (d: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(['formula', 'threshold_s', 'strict', 'short_abandon_s', 'tz', 'settings_version', 'site_defaults_version', 'calendar_version', 'calendar_tz', 'target_pct'].map((k) => [k, d[k]]));
            expect(pick(snap.definition as unknown as Record<string, unknown>)).toEqual(pick(stored.definition as unknown as Record<string, unknown>));
            checked += stored.offered;
          }
        }
      }
      // pbx2 is open 24 hours: today's calls count whatever the hour the test runs.
      expect(checked).toBeGreaterThan(0);
    } finally {
      ws.close();
    }
  });
});
