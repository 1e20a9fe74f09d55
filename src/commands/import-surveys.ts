// `tablero import --kind surveys FILE...`: post-call survey answers (CSV with a header; see
// ingest/src/surveys/core.ts) onto the quality stream. Without NATS they are stored here, through
// an in-process survey consumer; with NATS once JetStream acknowledged them. Idempotent.
import { statSync } from 'node:fs';
import { SITE_ID_PATTERN } from '@tablero/ingest/contract';
import { importSurveyFiles, SurveyRequestError } from '@tablero/ingest/surveys';
import { startSurveyConsumer } from '@tablero/processor/quality';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { findRunning, openBus, openStore } from '../runtime.ts';
import { UsageError } from './usage.ts';

export async function importSurveys(files: string[], siteOption: unknown): Promise<number> {
  for (const f of files) {
    if (statSync(f).isDirectory()) throw new UsageError(`${f}: give survey CSV files, not a directory`);
  }
  const cfg = loadConfig();
  const site = typeof siteOption === 'string' ? siteOption : cfg.TABLERO_SITE;
  if (!SITE_ID_PATTERN.test(site)) throw new UsageError(`--site must be letters, digits, _ or -: '${site}'`);
  if (!cfg.NATS_URL && !cfg.CLICKHOUSE_URL && findRunning(cfg.dataDir)) {
    throw new UsageError(`a running 'tablero start' holds ${cfg.dataDir}; stop it first, or push the surveys through it with a source token (POST /ingest/surveys)`);
  }
  const log = createLogger(cfg.LOG_LEVEL === 'info' ? 'warn' : cfg.LOG_LEVEL, 'tablero-import');
  const bus = await openBus(cfg, log, 'tablero-import');
  const ch = cfg.NATS_URL ? null : await openStore(cfg, log);
  const consumer = ch ? await startSurveyConsumer({ bus, ch, log }) : null;
  try {
    const s = await importSurveyFiles({ bus, log }, { files, site });
    process.stdout.write(`imported ${s.files} survey file(s): ${s.lines} lines, ${s.accepted} accepted, ${s.rejected} rejected\n`);
    for (const [reason, count] of Object.entries(s.reasons)) process.stdout.write(`  rejected ${count} x ${reason}\n`);
    return 0;
  } catch (err) {
    if (err instanceof SurveyRequestError) throw new UsageError(err.message);
    throw err;
  } finally {
    await consumer?.stop();
    await bus.close();
    await ch?.close();
  }
}
