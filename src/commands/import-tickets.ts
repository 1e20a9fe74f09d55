// `tablero import --kind tickets`: PQRSD ticket events from a CRM's CSV export (header and
// columns: ingest/src/tickets/parse.ts, README). Idempotent: an event is identified by
// (source, ticket id, event, time), so importing the same file again stores nothing new.
import type { Config } from '../config.ts';
import { createLogger } from '../log.ts';
import { findRunning, openBus, openStore } from '../runtime.ts';
import { importTicketFiles, TicketInputError } from '@tablero/ingest';
import { startEscalations } from '@tablero/processor';
import { UsageError } from './usage.ts';

export async function importTickets(cfg: Config, o: { files: string[]; site: string; source: string; tz: string }): Promise<number> {
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(o.source)) throw new UsageError(`--source must be 1-100 letters, digits, '.', ':', '_' or '-': '${o.source}'`);
  if (!cfg.NATS_URL && !cfg.CLICKHOUSE_URL && findRunning(cfg.dataDir)) {
    throw new UsageError(`a running 'tablero start' holds ${cfg.dataDir}; stop it first, or push the tickets through it with a source token (POST /ingest/tickets)`);
  }
  const log = createLogger(cfg.LOG_LEVEL === 'info' ? 'warn' : cfg.LOG_LEVEL, 'tablero-import');
  const bus = await openBus(cfg, log, 'tablero-import');
  // Without NATS the events are stored by an in-process escalation service right here; with
  // NATS they are done once JetStream acknowledged them (the processor's service stores them).
  const ch = cfg.NATS_URL ? null : await openStore(cfg, log);
  const svc = ch ? await startEscalations({ bus, ch, log }, { tz: cfg.siteTz, tickMs: 3_600_000 }) : null;
  try {
    const summary = await importTicketFiles({ bus, log }, { files: o.files, site: o.site, source: o.source, tz: o.tz });
    const rejected = Object.entries(summary.rejected);
    const rejectedTotal = rejected.reduce((n, [, c]) => n + c, 0);
    process.stdout.write(`imported ${summary.files} file(s): ${summary.lines} rows, ${summary.accepted} accepted, ${rejectedTotal} rejected\n`);
    for (const [reason, count] of rejected) process.stdout.write(`  rejected ${count} x ${reason}\n`);
    for (const e of summary.examples) process.stdout.write(`  ${e.file}:${e.line}: ${e.reason}\n`);
    return 0;
  } catch (err) {
    if (err instanceof TicketInputError) throw new UsageError(err.message);
    throw err;
  } finally {
    await svc?.stop();
    await bus.close();
    await ch?.close();
  }
}
