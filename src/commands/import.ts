// `tablero import`: backfill history with a progress bar. Idempotent: event ids are the source
// fingerprint + byte offset, so importing the same file again stores nothing new; a copy of
// lines that came another way (tailed, pushed) is dropped line by line by the processor.
import { existsSync, statSync } from 'node:fs';
import type { Command } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { findRunning, openBus, openStore } from '../runtime.ts';
import { importFiles } from '@tablero/ingest';
import { startProcessor } from '@tablero/processor';
import { UsageError, stringList } from './usage.ts';
import { importInThread } from './import-thread.ts';
import { ProgressBar } from './progress.ts';
import { importSurveys } from './import-surveys.ts';
import { importTickets } from './import-tickets.ts';
import { importContacts } from './import-contacts.ts';

const KINDS = ['auto', 'queue_log', 'cdr', 'tickets', 'surveys', 'contacts'] as const;

/**
 * The import's bulk path when it stores the events itself (no NATS): the in-process processor
 * commits up to 32 JetStream messages (~24,000 queue_log events, ~13,000 CDR rows) at a time,
 * with the bulk inserts (processor/src/store/bulk-store.ts: JSONCompactEachRow); the reader keeps
 * two commits' worth of messages in flight (in process a message is acknowledged once stored, so
 * with the live 8 a commit held ~2,000 events, and a part costs 12-18 ms of CPU on this disk
 * whatever its size). Commits of 64 messages cost no less CPU here and ~150 MB more peak RSS
 * (the insert bodies and the lazily collected heap grow with them). Exactly-once does not depend
 * on the grouping (processor/src/service.ts's header).
 */
export const BULK_IMPORT = { maxGroupMessages: 32, maxInFlight: 64, bulkInserts: true } as const;
type Kind = (typeof KINDS)[number];

export const importCommand: Command = {
  summary: 'backfill queue_log / Master.csv history, tickets, surveys or contacts of other channels (.gz and rotated directories accepted)',
  usage: `Usage: tablero import FILE|DIR... [--kind auto|queue_log|cdr|tickets|surveys|contacts] [--site ID]
  Idempotent: importing the same file again adds nothing. Rejected lines are counted and reported.
  --kind auto (default): each file is a queue_log or a CDR Master.csv (cdr_csv or cdr_custom) by its first line;
    [--tz ZONE] zone of CDR date cells (default UTC: the sample cdr.conf's usegmtime=yes).
  --kind tickets: PQRSD ticket events, CSV with a header (ticket_id,event,time,type,channel,area,call_site,call_id,note);
    [--source NAME] the CRM's name (default crm), [--tz ZONE] zone of times without an offset (default the site's).
  --kind surveys: post-call survey answers, CSV (see README "Escalations and surveys").
  --kind contacts: contacts of chat, video, email, web form and social channels, CSV with a header
    (contact_id,channel,queue,arrived,first_response,ended,agent,outcome,call_id,ticket_id,rating_<dimension>...);
    [--source NAME] the channel system's name (default crm), [--tz ZONE] zone of times without an offset (default the site's).`,
  options: { kind: { type: 'string' }, site: { type: 'string' }, source: { type: 'string' }, tz: { type: 'string' } },
  allowPositionals: true,
  async run(values, positionals) {
    const files = stringList(positionals);
    if (files.length === 0) throw new UsageError('give at least one FILE or DIR to import');
    for (const f of files) {
      if (!existsSync(f)) throw new UsageError(`${f}: no such file or directory`);
      statSync(f);
    }
    const kind = (values.kind ?? 'auto') as Kind;
    if (!KINDS.includes(kind)) {
      throw new UsageError(`--kind must be one of ${KINDS.join(', ')}, got '${String(values.kind)}'`);
    }
    if (kind === 'surveys') return importSurveys(files, values.site);
    const cfg = loadConfig();
    const site = typeof values.site === 'string' ? values.site : cfg.TABLERO_SITE;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(site)) throw new UsageError(`--site must be letters, digits, _ or -: '${site}'`);
    if (kind === 'tickets') {
      const source = typeof values.source === 'string' ? values.source : 'crm';
      const tz = typeof values.tz === 'string' ? values.tz : cfg.siteTz;
      return importTickets(cfg, { files, site, source, tz });
    }
    if (kind === 'contacts') {
      for (const f of files) if (statSync(f).isDirectory()) throw new UsageError(`${f}: give contact CSV files, not a directory`);
      const source = typeof values.source === 'string' ? values.source : 'crm';
      const tz = typeof values.tz === 'string' ? values.tz : cfg.siteTz;
      return importContacts(cfg, { files, site, source, tz });
    }
    if (values.source !== undefined) throw new UsageError('--source applies to --kind tickets and contacts only');
    if (values.tz !== undefined && kind === 'queue_log') throw new UsageError('--tz applies to CDR files and --kind tickets (queue_log lines carry epochs)');
    const timeZone = typeof values.tz === 'string' ? values.tz : undefined;
    if (!cfg.NATS_URL && !cfg.CLICKHOUSE_URL && findRunning(cfg.dataDir)) {
      throw new UsageError(
        `a running 'tablero start' holds ${cfg.dataDir}; stop it first, or import through it with a source token (POST /ingest/queue-log)`,
      );
    }
    const log = createLogger(cfg.LOG_LEVEL === 'info' ? 'warn' : cfg.LOG_LEVEL, 'tablero-import');
    const bus = await openBus(cfg, log, 'tablero-import');
    const bar = new ProgressBar(process.stderr);
    const importOpts = { files, kind, site, clockSkewS: cfg.TABLERO_CLOCK_SKEW_S, ...(timeZone !== undefined ? { timeZone } : {}) };
    // Without NATS the events go through an in-process processor into ClickHouse right here (the
    // bulk path: files read and parsed in a worker thread, src/commands/import-thread.ts, while
    // this thread reduces and stores); with NATS they are done once JetStream acknowledged them
    // (the processor service stores them). No rollup job here (it would take CPU from the import):
    // the stints it stores are marked dirty and read from the stints until `tablero start` rolls
    // them up (same figures). The worker starts first: its start (loading the
    // parser) overlaps opening the store; what it publishes meanwhile waits on the bus.
    const threaded = cfg.NATS_URL
      ? null
      : importInThread(bus, { ...importOpts, maxInFlight: BULK_IMPORT.maxInFlight }, cfg.LOG_LEVEL === 'info' ? 'warn' : cfg.LOG_LEVEL, (p) => bar.update(p));
    let ch: Awaited<ReturnType<typeof openStore>> | null = null;
    let processor: Awaited<ReturnType<typeof startProcessor>> | null = null;
    try {
      ch = cfg.NATS_URL ? null : await openStore(cfg, log);
      processor = ch ? await startProcessor({ bus, ch, log }, { tz: cfg.siteTz, rejectedRowsPerMinute: cfg.TABLERO_REJECTED_ROWS_PER_MINUTE, maxGroupMessages: BULK_IMPORT.maxGroupMessages, bulkInserts: BULK_IMPORT.bulkInserts, rollupIntervalMs: 0 }) : null;
      const summary = await (threaded?.summary ?? importFiles({ bus, log }, { ...importOpts, onProgress: (p) => bar.update(p) }));
      bar.done();
      const rejected = Object.entries(summary.rejected);
      const rejectedTotal = rejected.reduce((n, [, c]) => n + c, 0);
      process.stdout.write(
        `imported ${summary.files} file(s): ${summary.lines} lines, ${summary.accepted} accepted, ${rejectedTotal} rejected` +
          (summary.duplicates > 0 ? `, ${summary.duplicates} already stored (skipped)` : '') +
          '\n',
      );
      for (const [reason, count] of rejected) process.stdout.write(`  rejected ${count} x ${reason}\n`);
      // Said only when a file was read as CDR, so a queue_log import prints what it always did.
      if (summary.kinds.includes('cdr')) process.stdout.write(`  read as ${summary.kinds.join(' and ')}\n`);
      return 0;
    } finally {
      await threaded?.stop();
      await processor?.stop();
      await bus.close();
      await ch?.close();
    }
  },
};
