// Drill-down in a real browser (issue 20): on a generated month (two queues, every outcome, a
// per-queue definition that is not the default, a calendar with closed hours and weekends, short
// abandons) every count and ratio of the export centre's month preview and of the Reports table
// (per queue for the month, per period cell by day, and under a second definition of T) opens a
// list whose total, read from the page, is the figure shown where the link was (a ratio: its
// numerator / denominator is the ratio shown); the list downloads as CSV in the user's convention
// and XLSX with every row; a supervisor of one queue sees that queue's calls and is refused the
// others in Spanish; and the stories of hand-written calls (a transfer between queues, a call with a
// survey and a ticket) show their queue_log lines, stints, survey and ticket in order; T1's CDR
// legs (its IVR leg, then its queue leg under the same linkedid; an unrelated call beside them)
// show in order, the numbers in full for the admin and masked for a QA analyst.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, saveCalendarVersion, saveSettingsVersion, type StintRow } from '@tablero/processor';
import { TABLES, migrate, openClickHouse } from '@tablero/sql';
import { apiLogin, launchChromium, logIn } from '../support/browser.ts';
import { runTablero, startTablero, type TableroProcess } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const TZ = 'America/Bogota'; // UTC-5 all year
const NOV_FROM = Date.UTC(2026, 10, 1, 5) / 1000;
const NOV_TO = Date.UTC(2026, 11, 1, 5) / 1000;
const OPEN = [{ from: '08:00', to: '17:00' }];
const T0 = Date.UTC(2026, 10, 3, 15) / 1000; // Tuesday 2026-11-03 10:00 in Bogota

/** Hand-written calls: T1 answered in 101 and blind-transferred to 102; S1 answered in 101, then surveyed and ticketed. */
const LINES = [
  `${T0}|T1|101|NONE|ENTERQUEUE||3001234567|1`,
  `${T0 + 15}|T1|101|SIP/201|RINGNOANSWER|15000`,
  `${T0 + 20}|T1|101|SIP/202|CONNECT|20|T1.2|3`,
  `${T0 + 80}|T1|101|SIP/202|BLINDTRANSFER|300|ctx|20|60|1`,
  `${T0 + 81}|T1|102|NONE|ENTERQUEUE||3001234567|1`,
  `${T0 + 90}|T1|102|SIP/301|CONNECT|9|T1.3|2`,
  `${T0 + 200}|T1|102|SIP/301|COMPLETEAGENT|9|110|1`,
  `${T0 + 400}|S1|101|NONE|ENTERQUEUE||3005550000|1`,
  `${T0 + 410}|S1|101|SIP/201|CONNECT|10|S1.1|2`,
  `${T0 + 500}|S1|101|SIP/201|COMPLETECALLER|10|90|1`,
];

function generate(n: number): StintRow[] {
  let seed = 7;
  const rnd = (k: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    // The high bits: an LCG's low bits repeat with a short period (queue and outcome would be tied).
    return Math.floor((seed / 2147483648) * k);
  };
  const outcomes = ['answered', 'answered', 'answered', 'answered', 'answered', 'abandoned', 'abandoned', 'abandoned', 'timeout', 'exit_key', 'exit_empty', 'withdrawn', 'failed', 'refused'] as const;
  return Array.from({ length: n }, (_, i) => {
    const enter = NOV_FROM + rnd(NOV_TO - NOV_FROM - 3600);
    const outcome = outcomes[rnd(outcomes.length)] as StintRow['outcome'];
    const wait = outcome === 'refused' ? 0 : outcome === 'abandoned' && rnd(3) === 0 ? rnd(6) : rnd(91);
    const talk = outcome === 'answered' ? 20 + rnd(400) : null;
    return {
      stint_id: `g${i}`, site: 'default', queue: rnd(2) === 0 ? '101' : '102', callid: `g${i}`, enter_ts: enter, end_ts: enter + wait + (talk ?? 0),
      outcome, wait_s: wait, talk_s: talk, agent: outcome === 'answered' ? `agent${rnd(4)}` : '', caller: `300${rnd(1000)}`,
      transferred: false, enter_seen: true, end_event_id: `e${i}`,
    };
  });
}

let dir: string;
let tablero: TableroProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-drill-'));
  const dataDir = join(dir, 'data');
  const file = join(dir, 'queue_log');
  writeFileSync(file, `${LINES.join('\n')}\n`);
  const imported = await runTablero(['import', file], { dataDir, env: { TZ } });
  if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
  const ch = await openClickHouse({ database: 'tablero', dataDir });
  await migrate(ch.client);
  const t = { createdBy: 'ana', nowMs: Date.now(), validFromMs: 0 };
  await saveSettingsVersion(ch, { ...t, site: 'default', queue: '101', patch: { formula: 'answered', threshold_s: 30, short_abandon_s: 5 } });
  await saveCalendarVersion(ch, { ...t, site: 'default', spec: { tz: TZ, weekly: [OPEN, OPEN, OPEN, OPEN, OPEN, [], []], holidays: [] } });
  await createStore(ch).insertStints(generate(1500), 0, 'drill-month');
  const insert = (table: string, values: unknown[]): Promise<unknown> => ch.client.insert({ table, values, format: 'JSONEachRow' });
  await insert(TABLES.surveyAnswers, [
    { survey_id: 'sv1', site: 'default', source: 'ivr', ts: T0 + 520, callid: 'S1', queue: '101', agent: 'SIP/201', dimension: 'csat', score: 4 },
    { survey_id: 'sv1', site: 'default', source: 'ivr', ts: T0 + 520, callid: 'S1', queue: '101', agent: 'SIP/201', dimension: 'fcr', score: 1 },
  ]);
  await insert(TABLES.ticketEvents, [
    { event_id: 't1', site: 'default', source: 'crm', ticket_id: 'RAD-7', action: 'opened', ts: T0 + 600, ticket_type: 'queja', channel: 'phone', area: '', call_site: 'default', call_id: 'S1', note: '' },
  ]);
  // T1's CDR legs, inserted out of order: the IVR leg, then the queue leg (another uniqueid, the same linkedid); U9 is another call.
  const leg = (uniqueid: string, linkedid: string, sequence: number, src: string, dst: string, app: [string, string], dstchannel: string, start: number, answer: number, end: number) => ({
    event_id: `cdrfp:${sequence}:${uniqueid}`, site: 'default', source: '/var/log/asterisk/cdr-csv/Master.csv', offset: start, layout: 'csv21', accountcode: '', src, dst,
    dcontext: app[0] === 'Queue' ? 'q-101' : 'ivr-main', clid: `"Cliente" <${src}>`, channel: 'PJSIP/trunk-0001', dstchannel, lastapp: app[0], lastdata: app[1], start, answer, end,
    duration: end - start, billsec: end - answer, disposition: 'ANSWERED', amaflags: 'DOCUMENTATION', uniqueid, userfield: '', peeraccount: '', linkedid, sequence, did: '',
  });
  await insert(TABLES.cdr, [
    leg('T1.5', 'T1', 2, '3001234567', '101', ['Queue', '101,t'], 'PJSIP/202-0003', T0, T0 + 20, T0 + 200),
    leg('U9', 'U9', 1, '3009990000', '101', ['Queue', '101,t'], 'PJSIP/203-0004', T0 + 10, T0 + 30, T0 + 90),
    leg('T1', 'T1', 1, '3001234567', 's', ['BackGround', 'custom/menu'], '', T0 - 45, T0 - 45, T0),
  ]);
  await ch.close();
  tablero = await startTablero({ args: ['--no-simulate'], dataDir, env: { TZ } });
  browser = await launchChromium();
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  page = await logIn(await ctx.newPage(), tablero.url, 'admin', tablero.admin.password);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await tablero?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens a drill link (the hash as the page wrote it) and reads the list's total and figure from the page. */
async function listTotal(hash: string): Promise<{ total: number; figure: string | null }> {
  await page.goto(`${tablero.url}/${hash}`);
  const total = page.getByTestId('calls-total');
  // The list of this hash (not the previous one still on screen).
  const view = page.getByTestId('calls-view');
  await waitFor(async () => (await view.getAttribute('data-query')) === hash.replace(/^#\/calls\?/, '') && (await view.getAttribute('data-status')) === 'ready', { timeoutMs: 20_000, what: `the list ${hash}` });
  return { total: Number(await total.getAttribute('data-value')), figure: await page.getByTestId('calls-figure').getAttribute('data-figure') };
}

interface Cell {
  col: string;
  value: string;
  links: Array<{ testid: string; href: string }>;
}

/** The cells of a table's rows: each with its figure and the drill links in it. */
function cells(rowSelector: string): Promise<Array<{ id: string; cells: Cell[] }>> {
  return page.locator(rowSelector).evaluateAll((trs) =>
    trs.map((tr) => ({
      id: tr.getAttribute('data-testid') === 'exp-preview-row' ? (tr.getAttribute('data-queue') ?? '') : (tr.getAttribute('data-testid') ?? ''),
      cells: [...tr.querySelectorAll('td[data-col]')].map((td) => ({
        col: td.getAttribute('data-col') ?? '',
        value: td.getAttribute('data-value') ?? '',
        links: [...td.querySelectorAll('a.drill')].map((a) => ({ testid: a.getAttribute('data-testid') ?? '', href: a.getAttribute('href') ?? '' })),
      })),
    })),
  );
}

const RATIOS = new Set(['sl_pct', 'abandon_rate_pct']);

/** Every drill link of the rows: a count's list total is the cell's figure; a ratio's numerator / denominator is the cell's ratio. */
async function checkEveryFigure(rows: Array<{ id: string; cells: Cell[] }>): Promise<number> {
  let checked = 0;
  for (const r of rows) {
    for (const c of r.cells) {
      if (RATIOS.has(c.col)) {
        expect([r.id, c.col, c.links.length]).toEqual([r.id, c.col, 2]);
        const num = await listTotal(c.links[0]?.href ?? '');
        const den = await listTotal(c.links[1]?.href ?? '');
        // Half-up hundredths from the integers, as the KPI rows round (kpi-definitions §11).
        const ratio = den.total === 0 ? '' : String(Math.floor((num.total * 20_000 + den.total) / (2 * den.total)) / 100);
        expect([r.id, c.col, ratio]).toEqual([r.id, c.col, c.value === '' ? '' : String(Number(c.value))]);
        checked += 2;
      } else if (c.links.length === 1) {
        const list = await listTotal(c.links[0]?.href ?? '');
        expect([r.id, c.col, list.total]).toEqual([r.id, c.col, Number(c.value)]);
        checked++;
      }
    }
  }
  return checked;
}

describe('every figure opens its calls, and the list is as long as the figure (Chromium)', () => {
  it('the export centre month preview: each queue, each outcome, short abandons, out of hours, SL and abandonment terms', async () => {
    await page.goto(`${tablero.url}/#/exports`);
    await page.getByTestId('exp-month').fill('2026-11');
    await waitFor(async () => (await page.getByTestId('exp-preview').getAttribute('data-status')) === 'ready' && (await page.getByTestId('exp-preview-row').count()) === 2, { timeoutMs: 30_000, what: 'the preview' });
    const rows = await cells('[data-testid="exp-preview-row"]');
    expect(rows.map((r) => r.id)).toEqual(['101', '102']);
    const v = (q: string, col: string): number => Number(rows.find((r) => r.id === q)?.cells.find((c) => c.col === col)?.value);
    // The data set has every outcome on both queues, so no list is trivially empty (refused
    // stints count only where the definition counts them; their lists are checked all the same).
    for (const q of ['101', '102']) {
      for (const col of ['offered', 'answered', 'answered_within', 'abandoned', 'timeout', 'exit_key', 'exit_empty', 'withdrawn', 'failed', 'out_of_hours']) {
        expect([q, col, v(q, col) > 0]).toEqual([q, col, true]);
      }
    }
    // Short abandons count only where a short-abandon time is set (101: 5 s).
    expect([v('101', 'short_abandoned') > 0, v('102', 'short_abandoned')]).toEqual([true, 0]);
    expect(await checkEveryFigure(rows)).toBe(2 * (12 + 4));
  }, 240_000);

  it('the Reports page: per queue for the month, per day cell, and under a second definition of T', async () => {
    const report = async (by: string, threshold: string): Promise<Array<{ id: string; cells: Cell[] }>> => {
      await page.goto(`${tablero.url}/#/reports?from=2026-11-01&to=2026-12-01`);
      await page.getByTestId('report-by').selectOption(by);
      await page.getByTestId('report-threshold').fill(threshold);
      await page.getByTestId('report-run').click();
      await waitFor(async () => (await page.getByTestId('report-status').getAttribute('data-status')) === 'ready' && (await page.getByTestId('report-results').getAttribute('data-stale')) === 'false', { timeoutMs: 30_000, what: 'the report' });
      return cells('[data-testid^="report-row-"]');
    };
    const month = await report('month', '');
    expect(month.map((r) => r.id)).toEqual(['report-row-101-2026-11', 'report-row-102-2026-11']);
    expect(await checkEveryFigure(month)).toBe(2 * (5 + 4));

    // T = 45 s for every queue by request: answered within T and the SL terms change, the lists with them.
    const t45 = await report('month', '45');
    const within = (rows: typeof month, q: string): number => Number(rows.find((r) => r.id === `report-row-${q}-2026-11`)?.cells.find((c) => c.col === 'answered_within')?.value);
    expect(within(t45, '101')).toBeGreaterThan(within(month, '101'));
    const hash = t45[0]?.cells.find((c) => c.col === 'answered_within')?.links[0]?.href ?? '';
    expect(hash).toContain('threshold=45');
    expect(await checkEveryFigure(t45.map((r) => ({ ...r, cells: r.cells.filter((c) => ['answered_within', 'sl_pct'].includes(c.col)) })))).toBe(2 * 3);

    // Per period cell: the first three days of queue 101.
    const days = (await report('day', '')).filter((r) => /^report-row-101-2026-11-0[1-3]$/.test(r.id));
    expect(days.map((r) => r.id)).toEqual(['report-row-101-2026-11-01', 'report-row-101-2026-11-02', 'report-row-101-2026-11-03']);
    expect(days[0]?.cells.find((c) => c.col === 'offered')?.links[0]?.href).toContain('period=2026-11-01');
    expect(await checkEveryFigure(days)).toBe(3 * (5 + 4));
  }, 240_000);

  it('the list states its definition and total, pages on the server, and downloads every row as CSV in Spanish convention', async () => {
    const { total } = await listTotal('#/calls?from=2026-11-01&to=2026-12-01&queue=101&by=month&period=2026-11&figure=offered');
    expect(total).toBeGreaterThan(50);
    expect(await page.getByTestId('calls-definition').getAttribute('data-threshold')).toBe('30');
    expect(await page.getByTestId('calls-row').count()).toBe(50);
    await page.getByTestId('calls-next').click();
    await waitFor(async () => /^Estadías 51 a /.test((await page.getByTestId('calls-page').textContent()) ?? ''), { timeoutMs: 20_000, what: 'the second page' });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('calls-csv').click()]);
    const csv = readFileSync((await download.path()) as string, 'utf8').split('\r\n').filter((l) => l !== '');
    expect(csv[0]?.startsWith('\uFEFFenter_local;enter_ts;')).toBe(true);
    expect(csv.length - 1).toBe(total);
    await waitFor(async () => ((await page.getByTestId('calls-download-note').textContent()) ?? '').includes(`(${total.toLocaleString('es-BO')} filas)`), { timeoutMs: 20_000, what: 'the download note' });
    const [book] = await Promise.all([page.waitForEvent('download'), page.getByTestId('calls-xlsx').click()]);
    expect(book.suggestedFilename()).toBe('llamadas-offered-2026-11-2026-12-01.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile((await book.path()) as string);
    expect([wb.getWorksheet('calls')?.rowCount, wb.getWorksheet('definition')?.getRow(2).values]).toEqual([total + 1, [undefined, 'total', total]]);
  }, 120_000);

  it("a supervisor of queue 102 alone: the list is 102's, another queue's list and story are refused in the user's words", async () => {
    const admin = await apiLogin(tablero.url, 'admin', tablero.admin.password);
    expect((await admin.send('POST', '/api/users', { username: 'sara', password: 'una clave muy larga', role: 'supervisor', queues: ['102'] })).status).toBe(201);
    const ctx = await browser.newContext();
    try {
      const sup = await logIn(await ctx.newPage(), tablero.url, 'sara', 'una clave muy larga');
      const all = (await admin.send('GET', '/api/kpis?from=2026-11-01&to=2026-12-01&by=month&queue=102')).body as Array<{ offered: number }>;
      await sup.goto(`${tablero.url}/#/calls?from=2026-11-01&to=2026-12-01&by=month&figure=offered`);
      await sup.getByTestId('calls-total').waitFor({ timeout: 20_000 });
      expect(Number(await sup.getByTestId('calls-total').getAttribute('data-value'))).toBe(all[0]?.offered);
      expect(new Set(await sup.locator('[data-testid="calls-row"] td:nth-child(2)').allTextContents())).toEqual(new Set(['102']));
      await sup.goto(`${tablero.url}/#/calls?from=2026-11-01&to=2026-12-01&queue=101&figure=offered`);
      await expect.poll(() => sup.getByTestId('calls-error').textContent(), { timeout: 20_000 }).toBe('Su rol no puede ver estas llamadas (colas que no supervisa, o llamadas que no puede evaluar).');
      await sup.goto(`${tablero.url}/#/call/default/S1`);
      await expect.poll(() => sup.getByTestId('story-error').textContent(), { timeout: 20_000 }).toBe('Su rol no puede abrir esta llamada (de una cola que no supervisa, o que no puede evaluar).');
      // T1 passed through 102: its whole story opens, the transfer from 101 included.
      await sup.goto(`${tablero.url}/#/call/default/T1`);
      await sup.getByTestId('story-events').waitFor({ timeout: 20_000 });
      expect(await sup.getByTestId('story-event').count()).toBe(7);
      // The admin gives her queue 101 too, from the settings page's users table: S1 opens now.
      await page.goto(`${tablero.url}/#/settings`);
      const queues = page.getByTestId('user-queues-sara');
      expect(await queues.inputValue()).toBe('102');
      await queues.fill('102, 101');
      await queues.press('Enter');
      await queues.blur();
      await waitFor(async () => JSON.stringify(((await admin.send('GET', '/api/users')).body as Array<{ username: string; queues: string[] }>).find((u) => u.username === 'sara')?.queues) === '["101","102"]', { timeoutMs: 20_000, what: "sara's queues saved" });
      await sup.goto(`${tablero.url}/#/call/default/S1`);
      await sup.getByTestId('story-events').waitFor({ timeout: 20_000 });
    } finally {
      await ctx.close();
    }
  }, 120_000);
});

describe("a call's story in Chromium", () => {
  const story = async (callid: string): Promise<void> => {
    await page.goto(`${tablero.url}/#/call/default/${callid}`);
    await page.getByTestId('story-events').waitFor({ timeout: 20_000 });
  };
  const rowsOf = (testid: string, attrs: string[]): Promise<string[][]> =>
    page.getByTestId(testid).evaluateAll((trs, names) => trs.map((tr) => names.map((n) => tr.getAttribute(n) ?? '')), attrs);

  it('a transfer between queues: every line in order, one stint per queue', async () => {
    await story('T1');
    expect(await rowsOf('story-event', ['data-queue', 'data-agent', 'data-verb'])).toEqual([
      ['101', 'NONE', 'ENTERQUEUE'], ['101', 'SIP/201', 'RINGNOANSWER'], ['101', 'SIP/202', 'CONNECT'], ['101', 'SIP/202', 'BLINDTRANSFER'],
      ['102', 'NONE', 'ENTERQUEUE'], ['102', 'SIP/301', 'CONNECT'], ['102', 'SIP/301', 'COMPLETEAGENT'],
    ]);
    expect(await rowsOf('story-stint', ['data-queue', 'data-outcome'])).toEqual([['101', 'answered'], ['102', 'answered']]);
    expect(await page.getByTestId('story-stint').first().locator('td').nth(6).textContent()).toBe('sí');
    expect(await page.getByTestId('story-agents').locator('li').allTextContents()).toEqual(['SIP/201', 'SIP/202', 'SIP/301']);
    expect(await page.getByTestId('story-event').first().locator('td').first().textContent()).toBe('03/11/2026, 10:00:00');
  });

  it("the CDR legs of T1's linkedid in order, in full for the admin and masked for a QA analyst", async () => {
    const legCells = (p: Page): Promise<string[][]> =>
      p.getByTestId('story-cdr-leg').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-linkedid') ?? '', ...[...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')]));
    await story('T1');
    expect(await legCells(page)).toEqual([
      ['T1', '03/11/2026, 09:59:15', '3001234567', 's', 'ivr-main', 'PJSIP/trunk-0001', '', 'BackGround(custom/menu)', 'contestada', '45 s', '45 s', 'T1', '1'],
      ['T1', '03/11/2026, 10:00:00', '3001234567', '101', 'q-101', 'PJSIP/trunk-0001', 'PJSIP/202-0003', 'Queue(101,t)', 'contestada', '3:20', '3:00', 'T1.5', '2'],
    ]);
    // S1 has no CDR stored: the section says so.
    await story('S1');
    expect([await page.getByTestId('story-cdr-leg').count(), await page.getByTestId('story-cdr-none').textContent()]).toEqual([0, 'No hay registros CDR guardados de esta llamada.']);

    const admin = await apiLogin(tablero.url, 'admin', tablero.admin.password);
    expect((await admin.send('POST', '/api/users', { username: 'quino', password: 'otra clave muy larga', role: 'qa_analyst' })).status).toBe(201);
    const ctx = await browser.newContext();
    try {
      const qa = await logIn(await ctx.newPage(), tablero.url, 'quino', 'otra clave muy larga');
      await qa.goto(`${tablero.url}/#/call/default/T1`);
      await qa.getByTestId('story-cdr').waitFor({ timeout: 20_000 });
      expect((await legCells(qa)).map((r) => r.slice(2, 4))).toEqual([['*******567', '*'], ['*******567', '***']]);
    } finally {
      await ctx.close();
    }
  });

  it('a call with a survey and a ticket, opened from its list row', async () => {
    await listTotal('#/calls?from=2026-11-03&to=2026-11-04&queue=101&figure=answered&order=oldest');
    const row = page.locator('[data-testid="calls-row"][data-callid="S1"]');
    expect(await row.getByTestId('calls-ticket').allTextContents()).toEqual(['RAD-7']);
    await row.getByTestId('calls-story').click();
    await page.getByTestId('story-events').waitFor({ timeout: 20_000 });
    expect(await rowsOf('story-event', ['data-queue', 'data-agent', 'data-verb'])).toEqual([
      ['101', 'NONE', 'ENTERQUEUE'], ['101', 'SIP/201', 'CONNECT'], ['101', 'SIP/201', 'COMPLETECALLER'],
    ]);
    expect(await page.getByTestId('story-survey').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(3).map((td) => td.textContent)))).toEqual([['csat', '4'], ['fcr', '1']]);
    expect(await rowsOf('story-ticket', ['data-ticket', 'data-status'])).toEqual([['RAD-7', 'open']]);
    expect(await page.getByTestId('story-recording').count()).toBe(0);
  });
});
