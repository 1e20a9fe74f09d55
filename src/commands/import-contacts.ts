// `tablero import --kind contacts`: contacts of other channels from a CSV (header and columns:
// ingest/src/contacts/parse.ts, README). Idempotent: a contact is one row per (site, contact id)
// holding its latest state, so importing the same file again changes nothing.
import type { Config } from '../config.ts';
import { createLogger } from '../log.ts';
import { findRunning, openBus, openStore } from '../runtime.ts';
import { ContactInputError, importContactFiles } from '@tablero/ingest/contacts';
import { startContactConsumer } from '@tablero/processor';
import { ProgressBar } from './progress.ts';
import { UsageError } from './usage.ts';

export async function importContacts(cfg: Config, o: { files: string[]; site: string; source: string; tz: string }): Promise<number> {
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(o.source)) throw new UsageError(`--source must be 1-100 letters, digits, '.', ':', '_' or '-': '${o.source}'`);
  if (!cfg.NATS_URL && !cfg.CLICKHOUSE_URL && findRunning(cfg.dataDir)) {
    throw new UsageError(`a running 'tablero start' holds ${cfg.dataDir}; stop it first, or push the contacts through it with a source token (POST /ingest/contacts)`);
  }
  const log = createLogger(cfg.LOG_LEVEL === 'info' ? 'warn' : cfg.LOG_LEVEL, 'tablero-import');
  const bus = await openBus(cfg, log, 'tablero-import');
  // Without NATS the contacts are stored by an in-process consumer right here; with NATS they are
  // done once JetStream acknowledged them (the processor's consumer stores them).
  const ch = cfg.NATS_URL ? null : await openStore(cfg, log);
  const consumer = ch ? await startContactConsumer({ bus, ch, log }) : null;
  try {
    const bar = new ProgressBar(process.stderr);
    const s = await importContactFiles({ bus, log }, { files: o.files, site: o.site, source: o.source, tz: o.tz, onProgress: (p) => bar.update(p) });
    bar.done();
    const rejected = Object.entries(s.rejected);
    const rejectedTotal = rejected.reduce((n, [, c]) => n + c, 0);
    process.stdout.write(`imported ${s.files} file(s): ${s.lines} rows, ${s.accepted} accepted, ${rejectedTotal} rejected\n`);
    for (const [reason, count] of rejected) process.stdout.write(`  rejected ${count} x ${reason}\n`);
    for (const e of s.examples) process.stdout.write(`  ${e.file}:${e.line}: ${e.reason}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ContactInputError) throw new UsageError(err.message);
    throw err;
  } finally {
    await consumer?.stop();
    await bus.close();
    await ch?.close();
  }
}
