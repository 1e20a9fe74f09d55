// Test support: the real `tablero start` with two sites: `sa` tailed from a temp queue_log file,
// `sb` pushed over HTTP (POST /ingest/queue-log with a push token of that site).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendLines } from './queue-log-writer.ts';
import { runTablero, startTablero, type TableroProcess, type TableroRun } from './tablero-process.ts';

const PUSH_TOKEN = 'push-token-site-sb-0123456789abcdef';

export interface TwoSites {
  tablero: TableroProcess;
  /** Appends queue_log lines of site sa. */
  appendSa(lines: string[]): void;
  /** Pushes queue_log lines of site sb; resolves with the server's { accepted, rejected }. */
  pushSb(lines: string[]): Promise<unknown>;
  /** A CLI command against the running instance (through its local API token). */
  cli(args: string[], stdin?: string): Promise<TableroRun>;
  dispose(): Promise<void>;
}

export async function startTwoSites(): Promise<TwoSites> {
  const dir = mkdtempSync(join(tmpdir(), 'tablero-two-sites-'));
  const queueLog = join(dir, 'queue_log');
  writeFileSync(queueLog, '');
  const tablero = await startTablero({ args: ['--no-simulate', '--site', 'sa', '--source', queueLog], env: { TABLERO_SOURCE_TOKENS: `${PUSH_TOKEN}=sb:pbx-b` } });
  return {
    tablero,
    appendSa: (lines) => appendLines(queueLog, lines),
    async pushSb(lines) {
      const res = await fetch(`${tablero.url}/ingest/queue-log`, { method: 'POST', headers: { authorization: `Bearer ${PUSH_TOKEN}`, 'content-type': 'text/plain' }, body: lines.join('\n') });
      return res.json();
    },
    cli: (args, stdin) => runTablero(args, { dataDir: tablero.dataDir, env: { TABLERO_DATA_DIR: tablero.dataDir }, ...(stdin === undefined ? {} : { stdin }) }),
    async dispose() {
      await tablero.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
