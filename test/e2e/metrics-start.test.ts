// GET /metrics of `tablero start` (issue 19): one process runs ingest, processor and dashboard,
// so its one /metrics carries the tailed file's lines, the processor's commits and the dashboard's
// clients; the scraper's token or an admin (here the CLI's admin token) may read it, nobody else.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abandonedCall, answeredCall, appendLines } from '../support/queue-log-writer.ts';
import { startTablero, type TableroProcess } from '../support/tablero-process.ts';
import { waitFor } from '../support/wait-for.ts';
import { promSample } from '../support/metrics.ts';

const TOKEN = 'scraper-token-for-tablero-start-01';
let dir: string;
let queueLog: string;
let tablero: TableroProcess;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tablero-metrics-start-'));
  queueLog = join(dir, 'queue_log');
  writeFileSync(queueLog, '');
  tablero = await startTablero({ args: ['--source', queueLog, '--no-simulate'], env: { TABLERO_METRICS_TOKEN: TOKEN } });
}, 90_000);
afterAll(async () => {
  await tablero?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const scrape = async (authorization?: string): Promise<{ status: number; text: string }> => {
  const res = await fetch(`${tablero.url}/metrics`, authorization ? { headers: { authorization } } : {});
  return { status: res.status, text: await res.text() };
};

describe('tablero start: /metrics of the combined process', () => {
  it('401 without the token; the scraper token and an admin token read it', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape('Bearer not-the-scraper-token-at-all')).status).toBe(401);
    expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(200);
    const cliToken = (JSON.parse(readFileSync(join(tablero.dataDir, 'running.json'), 'utf8')) as { cli_token: string }).cli_token;
    expect((await scrape(`Bearer ${cliToken}`)).status).toBe(200);
  });

  it('the tailed lines, the commits that stored them, no JetStream consumer (in-process bus)', async () => {
    const end = Math.floor(Date.now() / 1000) - 60;
    appendLines(queueLog, [
      ...answeredCall({ queue: '101', callid: 'm-1', endS: end, wait: 10, talk: 40 }),
      ...answeredCall({ queue: '101', callid: 'm-2', endS: end + 5, wait: 30, talk: 20 }),
      ...abandonedCall({ queue: '102', callid: 'm-3', endS: end + 8, wait: 25 }),
      'garbage that is not queue_log',
    ]);
    const labels = `site="default",source="${queueLog}",kind="queue_log"`;
    const text = await waitFor(async () => {
      const t = (await scrape(`Bearer ${TOKEN}`)).text;
      return promSample(t, `tablero_lines_total{${labels},result="accepted"}`) === 8 && (promSample(t, 'tablero_commit_seconds_count') ?? 0) >= 1 ? t : null;
    }, { timeoutMs: 30_000, what: 'lines counted and stored' });
    expect(promSample(text, `tablero_lines_total{${labels},result="rejected"}`)).toBe(1);
    expect(promSample(text, 'tablero_websocket_clients')).toBe(0);
    expect(text).not.toContain('tablero_consumer_lag{');
  });
});
