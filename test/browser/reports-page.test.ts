// The Reports page in a real browser (Debian's Chromium through playwright-core) against the real
// all-in-one run, on a queue_log imported before start with exactly known calls on two past days:
// every chart draws the table's figures (read from the published options and from the painted
// canvas), numbers are written in the user's locale in tables, chart tooltips and axes, the
// report is computed only on "Calcular", the form refuses what the server would and keeps what
// was typed, the inclusive range asks the API for the day after, the CSV follows the user's
// convention, and a phone never scrolls sideways.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, launchChromium, logIn } from '../support/browser.ts';
import { abandonedCall, answeredCall } from '../support/queue-log-writer.ts';
import { REPO_ROOT, runTablero, startTablero, type TableroProcess } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const DAY_S = 86_400;
const todayS = Math.floor(Date.now() / 1000 / DAY_S) * DAY_S;
const D1_S = todayS - 3 * DAY_S;
const D2_S = todayS - 2 * DAY_S;
const date = (s: number): string => new Date(s * 1000).toISOString().slice(0, 10);
const D1 = date(D1_S);
const D2 = date(D2_S);
const D3 = date(D2_S + DAY_S);
const AGENTS = Array.from({ length: 8 }, (_, i) => `Agente ${i + 1}`);

/**
 * Day 1, queue 101: 1,200 answered calls (wait 5 s, talk 60 s), 150 per agent, from 08:00 to
 * 15:59, and 301 abandoned after 50 s: offered 1,501, SL 1,200 / 1,501 = 79.95 %.
 * Day 2, queue 102: 7 answered by Beto (wait 25 s, talk 90 s) and 3 abandoned after 70 s.
 * Agente 1 pauses 30 min for Almuerzo and 90 s without a reason on day 1.
 */
function history(): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 1200; i++) {
    lines.push(...answeredCall({ queue: '101', callid: `d1a.${i}`, endS: D1_S + (8 + (i % 8)) * 3600 + 120 + i, wait: 5, talk: 60, agent: AGENTS[i % 8] as string }));
  }
  for (let i = 0; i < 301; i++) lines.push(...abandonedCall({ queue: '101', callid: `d1b.${i}`, endS: D1_S + (8 + (i % 3)) * 3600 + 600 + i, wait: 50 }));
  for (let i = 0; i < 7; i++) lines.push(...answeredCall({ queue: '102', callid: `d2a.${i}`, endS: D2_S + (9 + i) * 3600 + 300, wait: 25, talk: 90, agent: 'Beto' }));
  for (let i = 0; i < 3; i++) lines.push(...abandonedCall({ queue: '102', callid: `d2b.${i}`, endS: D2_S + 10 * 3600 + 900 + i, wait: 70 }));
  lines.push(
    `${D1_S + 17 * 3600}|NONE|101|Agente 1|PAUSE|Almuerzo`,
    `${D1_S + 17 * 3600 + 1800}|NONE|101|Agente 1|UNPAUSE|`,
    `${D1_S + 18 * 3600}|NONE|101|Agente 1|PAUSE|`,
    `${D1_S + 18 * 3600 + 90}|NONE|101|Agente 1|UNPAUSE|`,
  );
  return lines.sort((a, b) => Number(a.split('|')[0]) - Number(b.split('|')[0]));
}

let dir: string;
let tablero: TableroProcess;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-reports-'));
  const file = join(dir, 'queue_log');
  writeFileSync(file, `${history().join('\n')}\n`);
  const dataDir = join(dir, 'data');
  const imported = await runTablero(['import', file], { dataDir });
  if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
  tablero = await startTablero({ args: ['--no-simulate'], dataDir });
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await tablero?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Series {
  name: string;
  data: Array<number | null | [number, number, number]>;
}
interface Published {
  xAxis: { data: string[]; axisLabel?: { interval?: number } };
  yAxis: { data?: string[] };
  series: Series[];
}

function chartOption(page: Page, key: string): Promise<Published | undefined> {
  return page.evaluate((k) => {
    const o = (globalThis as unknown as { __tableroCharts?: Record<string, unknown> }).__tableroCharts?.[k];
    // Functions (the locale formatters) do not cross into Node: keep the data only.
    return o === undefined ? undefined : (JSON.parse(JSON.stringify(o)) as Published);
  }, key);
}

/** A chart's own formatters run in the page: what its axis and tooltip write for `n`. */
function chartWrites(page: Page, key: string, n: number): Promise<{ axis: string; tooltip: string }> {
  return page.evaluate(
    ({ k, n }) => {
      type Fmt = (v: number) => string;
      const o = (globalThis as unknown as { __tableroCharts: Record<string, { yAxis: { axisLabel: { formatter: Fmt } }; tooltip: { valueFormatter: Fmt } }> }).__tableroCharts[k];
      return { axis: o?.yAxis.axisLabel.formatter(n) ?? '', tooltip: o?.tooltip.valueFormatter(n) ?? '' };
    },
    { k: key, n },
  );
}

/**
 * What the chart painted under its legend (top 32 px): the count of saturated pixels and of
 * their distinct colours. Grid lines and labels are grey; bars, lines and heatmap cells are not.
 */
function painted(page: Page, key: string): Promise<{ pixels: number; colours: number }> {
  return page.evaluate((k) => {
    // Every layer: ECharts may paint a series on a canvas of its own.
    let pixels = 0;
    const colours = new Set<number>();
    for (const canvas of document.querySelectorAll(`[data-chart="${k}"] canvas`)) {
      if (!(canvas instanceof HTMLCanvasElement)) continue;
      const ctx = canvas.getContext('2d');
      if (!ctx || canvas.clientHeight === 0) continue;
      const top = Math.round(32 * (canvas.height / canvas.clientHeight));
      const img = ctx.getImageData(0, top, canvas.width, canvas.height - top).data;
      for (let i = 0; i < img.length; i += 4) {
        const [r, g, b] = [img[i] as number, img[i + 1] as number, img[i + 2] as number];
        if (Math.max(r, g, b) - Math.min(r, g, b) > 60) {
          pixels++;
          colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
        }
      }
    }
    return { pixels, colours: colours.size };
  }, key);
}

interface Shown {
  id: string | null;
  cells: Record<string, { value: string | null; text: string }>;
}
function tableRows(page: Page): Promise<Shown[]> {
  return page.locator('[data-testid^="report-row-"]').evaluateAll((trs) =>
    trs.map((tr) => ({
      id: tr.getAttribute('data-testid'),
      cells: Object.fromEntries([...tr.querySelectorAll('td[data-col]')].map((td) => [td.getAttribute('data-col'), { value: td.getAttribute('data-value'), text: td.textContent ?? '' }])),
    })),
  );
}

const status = (page: Page): Promise<string | null> => page.getByTestId('report-status').getAttribute('data-status');

const DESKTOP = { width: 1366, height: 900 };

/**
 * Runs `fn` on the Reports page of the two days (the admin's language: Spanish) in a fresh
 * browser context at `viewport`, once the report is shown.
 */
async function onReports(viewport: { width: number; height: number }, fn: (page: Page) => Promise<void>): Promise<void> {
  const ctx = await browser.newContext({ viewport, acceptDownloads: true });
  try {
    const page = await logIn(await ctx.newPage(), tablero.url, 'admin', tablero.admin.password);
    await page.goto(`${tablero.url}/#/reports?from=${D1}&to=${D3}`);
    await waitFor(async () => (await status(page)) === 'ready' && (await page.locator('[data-testid^="report-row-"]').count()) === 2, { timeoutMs: 30_000, what: 'the report' });
    await fn(page);
  } finally {
    await ctx.close();
  }
}

/** The report requests (`/api/kpis`, `/api/reports/*`) the page makes from now on. */
function recordReportRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === '/api/kpis' || u.pathname.startsWith('/api/reports/')) urls.push(`${u.pathname}${u.search}`);
  });
  return urls;
}

describe('the Reports page in Chromium', () => {
  it('draws every chart with the figures of the table, in Spanish numbers', async () => {
    await onReports(DESKTOP, async (page) => {
      const rows = await tableRows(page);
      const v = (id: string, col: string): number => Number(rows.find((r) => r.id === id)?.cells[col]?.value);
      // The table: the known calls, written with the Spanish separators.
      expect(rows.map((r) => [r.id, r.cells.offered?.value, r.cells.answered?.value, r.cells.abandoned?.value, r.cells.sl_pct?.value])).toEqual([
        [`report-row-101-${D1}`, '1501', '1200', '301', '79.95'],
        [`report-row-102-${D2}`, '10', '7', '3', '0'],
      ]);
      expect([rows[0]?.cells.offered?.text, rows[0]?.cells.sl_pct?.text, rows[0]?.cells.abandon_rate_pct?.text]).toEqual(['1.501', '79,95%', '20,05%']);

      const sl = await chartOption(page, 'report-sl');
      expect(sl?.xAxis.data).toEqual([D1, D2]);
      expect(sl?.series.map((s) => [s.name, s.data])).toEqual([['101', [v(`report-row-101-${D1}`, 'sl_pct'), null]], ['102', [null, v(`report-row-102-${D2}`, 'sl_pct')]]]);

      const volume = await chartOption(page, 'report-volume');
      const col = (c: string): number[] => [v(`report-row-101-${D1}`, c), v(`report-row-102-${D2}`, c)];
      expect(volume?.series.map((s) => s.data)).toEqual([col('offered'), col('answered'), col('abandoned')]);
      expect(volume?.series.map((s) => s.data)).toEqual([[1501, 10], [1200, 7], [301, 3]]);

      const wait = await chartOption(page, 'report-wait');
      expect(wait?.xAxis.data).toEqual(['0–10 s', '10–20 s', '20–30 s', '30–45 s', '45–60 s', '60–90 s', '90–120 s', '120–180 s', '180–300 s', '≥ 300 s']);
      expect(wait?.series.map((s) => s.data)).toEqual([[1200, 0, 7, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 301, 3, 0, 0, 0, 0]]);

      const heat = await chartOption(page, 'report-heatmap');
      expect(heat?.yAxis.data).toEqual([D1, D2]);
      const perDay = [0, 1].map((d) => (heat?.series[0]?.data as Array<[number, number, number]>).filter((c) => c[1] === d).reduce((a, c) => a + c[2], 0));
      expect(perDay).toEqual(col('offered'));
      // 150 answered calls an hour from 08 to 15, and the abandoned ones at 08, 09 and 10.
      expect((heat?.series[0]?.data as Array<[number, number, number]>).filter((c) => c[1] === 0)).toEqual([
        [8, 0, 251], [9, 0, 250], [10, 0, 250], [11, 0, 150], [12, 0, 150], [13, 0, 150], [14, 0, 150], [15, 0, 150],
      ]);

      const agents = await chartOption(page, 'report-agents');
      expect(agents?.xAxis.data).toEqual([...AGENTS, 'Beto']);
      expect(agents?.xAxis.axisLabel?.interval).toBe(0);
      expect(agents?.series.map((s) => s.data)).toEqual([[...AGENTS.map(() => 150), 7], [...AGENTS.map(() => 60), 90]]);
      const pauses = await chartOption(page, 'report-pauses');
      expect(pauses?.series.map((s) => [s.name, s.data])).toEqual([['sin motivo', [1.5, 0, 0, 0, 0, 0, 0, 0, 0]], ['Almuerzo', [30, 0, 0, 0, 0, 0, 0, 0, 0]]]);

      // Painted, not only configured: bars and cells cover the plot (an instance created
      // before the bar layout and visual map were registered drew none of them), and the
      // heatmap's cells take several colours of its scale.
      for (const key of ['report-volume', 'report-wait', 'report-agents', 'report-pauses', 'report-heatmap']) {
        await waitFor(async () => (await painted(page, key)).pixels > 2000, { timeoutMs: 15_000, what: `${key} painted` });
      }
      // Each queue has one day here, so the SL chart is two points (no segment): their symbols.
      await waitFor(async () => (await painted(page, 'report-sl')).pixels > 40, { timeoutMs: 15_000, what: 'report-sl painted' });
      expect((await painted(page, 'report-heatmap')).colours).toBeGreaterThanOrEqual(3);

      // The charts write numbers as the table does.
      expect(await chartWrites(page, 'report-volume', 1501)).toEqual({ axis: '1.501', tooltip: '1.501' });
      expect((await chartWrites(page, 'report-sl', 79.95)).tooltip).toBe('79,95%');
      // The tooltip shown when pointing at the first day's bars.
      const box = await page.locator('[data-chart="report-volume"]').boundingBox();
      if (!box) throw new Error('no volume chart');
      await page.mouse.move(box.x + 56 + (box.width - 72) / 4, box.y + box.height / 2);
      const tip = page.locator('[data-chart="report-volume"] div', { hasText: 'Llamadas recibidas' }).first();
      await expect.poll(async () => ((await tip.count()) > 0 ? tip.textContent() : ''), { timeout: 10_000 }).toMatch(/Llamadas recibidas\s*1\.501/);
      expect(await tip.textContent()).toMatch(/Atendidas\s*1\.200.*Abandonadas\s*301/);
      await page.screenshot({ path: join(ARTIFACTS, 'reports-es.png'), fullPage: true });
    });
  }, 120_000);

  it('writes English numbers in English', async () => {
    await onReports(DESKTOP, async (page) => {
      // The language switch (stored on the user, so switched back at the end).
      await page.selectOption('[data-testid=lang-switch]', 'en');
      await expect.poll(async () => (await tableRows(page))[0]?.cells.offered?.text, { timeout: 10_000 }).toBe('1,501');
      const rows = await tableRows(page);
      expect([rows[0]?.cells.offered?.text, rows[0]?.cells.sl_pct?.text, rows[0]?.cells.abandon_rate_pct?.text]).toEqual(['1,501', '79.95%', '20.05%']);
      expect(await chartWrites(page, 'report-volume', 1501)).toEqual({ axis: '1,501', tooltip: '1,501' });
      expect((await chartWrites(page, 'report-sl', 79.95)).tooltip).toBe('79.95%');
      expect(await page.getByTestId('report-to').inputValue()).toBe(D2);
      await page.selectOption('[data-testid=lang-switch]', 'es-BO');
      await expect.poll(async () => (await tableRows(page))[0]?.cells.offered?.text, { timeout: 10_000 }).toBe('1.501');
      await expect.poll(async () => ((await apiFromPage(page, 'GET', '/api/me')).body as { lang: string }).lang, { timeout: 10_000 }).toBe('es');
    });
  }, 60_000);

  it('computes only on "Calcular", with an inclusive range, and marks the shown results as stale meanwhile', async () => {
    await onReports(DESKTOP, async (page) => {
      // The URL's exclusive `to` is shown as the last day included.
      expect([await page.getByTestId('report-from').inputValue(), await page.getByTestId('report-to').inputValue()]).toEqual([D1, D2]);
      const asked = recordReportRequests(page);
      await page.getByTestId('report-queues').pressSequentially('101,102', { delay: 20 });
      await page.getByTestId('report-to').fill(D1);
      expect(await page.getByTestId('report-results').getAttribute('data-stale')).toBe('true');
      expect(await page.getByTestId('report-stale').textContent()).toBe('El formulario cambió: pulse «Calcular» para actualizar.');
      expect(asked).toEqual([]);

      await page.getByTestId('report-run').click();
      await waitFor(async () => (await status(page)) === 'ready' && (await page.locator('[data-testid^="report-row-"]').count()) === 1, { timeoutMs: 20_000, what: 'the one-day report' });
      // One day, both ends included: the API is asked for `to` = the day after.
      const range = `from=${D1}&to=${D2}&queue=101&queue=102`;
      expect([...asked].sort()).toEqual(
        [`/api/kpis?${range}&by=day`, `/api/kpis?${range}&by=hour`, `/api/reports/wait-distribution?${range}`, `/api/reports/agents?${range}`].sort(),
      );
      expect(await page.getByTestId('report-results').getAttribute('data-stale')).toBe('false');
      expect(await page.getByTestId(`report-row-101-${D1}`).count()).toBe(1);
    });
  }, 60_000);

  it('refuses a bad threshold in the form and sends nothing; a refused query says why and keeps what was typed', async () => {
    await onReports(DESKTOP, async (page) => {
      const asked = recordReportRequests(page);
      await page.getByTestId('report-threshold').fill('abc');
      expect(await page.getByTestId('report-error-threshold').textContent()).toBe('El umbral T es un número entero de segundos (0 o más); vacío = el de cada cola.');
      await page.getByTestId('report-run').click();
      expect(await page.getByTestId('report-refusal').textContent()).toBe('Corrija lo marcado: no se envió nada.');
      expect(asked).toEqual([]);
      expect(await page.getByTestId('report-threshold').inputValue()).toBe('abc');

      // A year the server does not take (after 2299): its refusal, in Spanish, over the previous
      // results marked as such; the form keeps the dates typed.
      await page.getByTestId('report-threshold').fill('');
      await page.getByTestId('report-from').fill('2300-01-01');
      await page.getByTestId('report-to').fill('2300-01-01');
      await page.getByTestId('report-run').click();
      await waitFor(async () => (await status(page)) === 'error', { timeoutMs: 20_000, what: 'the refusal' });
      expect(await page.getByTestId('report-refusal').textContent()).toBe('No se calculó el informe: Escriba una fecha válida.');
      expect(asked.length).toBeGreaterThan(0);
      expect(await page.getByTestId('report-results').getAttribute('data-stale')).toBe('true');
      // The shown range in the locale's words (`4 dic 2026`).
      const spoken = (d: string): string => `${Number(d.slice(8))} \\p{L}+\\.? ${d.slice(0, 4)}`;
      expect(await page.getByTestId('report-stale').textContent()).toMatch(new RegExp(`^Lo de abajo es el resultado anterior \\(${spoken(D1)} – ${spoken(D2)}\\)\\.$`, 'u'));
      expect([await page.getByTestId('report-from').inputValue(), await page.getByTestId('report-to').inputValue()]).toEqual(['2300-01-01', '2300-01-01']);
    });
  }, 60_000);

  it('downloads the CSV in the Spanish convention: semicolons, decimal comma, UTF-8 BOM', async () => {
    await onReports(DESKTOP, async (page) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-report-kpis').click()]);
      expect(download.suggestedFilename()).toBe(`indicadores-${D1}-${D2}.csv`);
      const text = readFileSync(await download.path(), 'utf8');
      const lines = text.split('\r\n');
      expect(text.startsWith('\uFEFFCola;Periodo;Llamadas recibidas;')).toBe(true);
      expect(lines[1]).toBe(`101;${D1};1501;1200;1200;301;301;79,95;20,05;5;60;50;offered;20;false;UTC`);
      expect(lines[2]).toBe(`102;${D2};10;7;0;3;3;0;30;25;90;70;offered;20;false;UTC`);
    });
  }, 60_000);

  it('never scrolls sideways on a phone (390x844): the tables scroll inside their box', async () => {
    await onReports({ width: 390, height: 844 }, async (page) => {
      await waitFor(async () => (await page.locator('[data-chart]').evaluateAll((els) => els.filter((e) => e.querySelector('canvas')).length)) === 6, { timeoutMs: 15_000, what: 'the six charts' });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
      const box = await page.locator('[data-testid="report-kpi-table"]').evaluate((t) => {
        const b = t.parentElement as HTMLElement;
        return { scrolls: b.scrollWidth > b.clientWidth, inside: b.getBoundingClientRect().right <= 390 };
      });
      expect(box).toEqual({ scrolls: true, inside: true });
      await page.screenshot({ path: join(ARTIFACTS, 'reports-390.png'), fullPage: true });
    });
  }, 60_000);
});
