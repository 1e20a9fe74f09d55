// The data quality page shows the processor's storage health (issue 14), in Spanish and English,
// in a real browser against `tablero start`: after the push of 150 calls in 150 months, the
// processor is shown storing on time, with the split insert counted and no refused row.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn } from '../support/browser.ts';
import { startTablero, type TableroProcess } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';

const TOKEN = 'push-token-quality-0123456789';
let tablero: TableroProcess;
let browser: Browser;
beforeAll(async () => {
  tablero = await startTablero({ args: ['--no-simulate'], env: { TZ: 'UTC', TABLERO_SOURCE_TOKENS: `${TOKEN}=default:pbx-push` } });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await tablero?.stop();
});

describe('data quality page: processor', () => {
  it('shows the storage health and the split insert, in es and en', async () => {
    let body = '';
    for (let i = 0; i < 150; i++) {
      const t = Date.UTC(2010, i, 10, 9) / 1000;
      body += `${t}|m${i}|q1|NONE|ENTERQUEUE||555|1\n${t + 5}|m${i}|q1|Agent/1|CONNECT|5|m${i}.1|1\n${t + 65}|m${i}|q1|Agent/1|COMPLETECALLER|5|60|1\n`;
    }
    const r = await fetch(`${tablero.url}/ingest/queue-log`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' }, body });
    expect(r.status).toBe(200);
    await waitFor(async () => {
      const h = (await (await fetch(`${tablero.url}/api/health`)).json()) as { processor?: { split_inserts: number } };
      return h.processor?.split_inserts === 1;
    }, { timeoutMs: 20_000, what: 'the poison commit to be stored' });

    const page = await logIn(await (await browser.newContext()).newPage(), tablero.url, 'admin', tablero.admin.password);
    await page.getByTestId('nav-quality').click();
    const panel = page.getByTestId('quality-processor');
    await panel.waitFor({ timeout: 20_000 });
    expect(await panel.getAttribute('data-status')).toBe('ok');
    expect(await panel.locator('h2').textContent()).toBe('Procesador');
    expect((await page.getByTestId('quality-processor-refused').textContent())?.trim()).toBe(
      'Filas que ClickHouse rechazó y pasaron a líneas rechazadas: 0 (inserciones divididas: 1).',
    );
    await page.selectOption('[data-testid=lang-switch]', 'en');
    await expect.poll(() => panel.locator('h2').textContent(), { timeout: 5_000 }).toBe('Processor');
    expect((await page.getByTestId('quality-processor-refused').textContent())?.trim()).toBe('Rows ClickHouse refused, moved to rejected lines: 0 (split inserts: 1).');
    expect((await panel.locator('.tone-ok-text').textContent())?.trim()).toMatch(/^Storing on time \(\d+ commits stored since start\)\.$/);
  }, 120_000);
});
