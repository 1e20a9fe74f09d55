// Wires the services onto one bus and one ClickHouse. Used by `tablero start` (all three in one
// process) and by the one-service production commands.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ClickHouse } from '@tablero/sql';
import { createPushHandler, createTicketPushHandler, type PushRequest, type PushResult, startDbTableSource, startIngest, type FileSourceConfig } from '@tablero/ingest';
import { startSimulator } from '@tablero/ingest/simulator';
import {
  CalendarError,
  DEFAULT_QUEUE_SETTINGS,
  callsCsv,
  callsXlsx,
  queryCallStory,
  queryCalls,
  SettingsError,
  listSettingsVersions,
  listCalendarVersions,
  loadCalendars,
  queryAgentPerformance,
  queryKpis,
  queryFunnel, queryFunnelCalls,
  queryFcr,
  queryContactKpis,
  contactAcceptedLines,
  contactSettingsView,
  saveContactSettings,
  startContactConsumer,
  queryWaitDistribution,
  saveCalendarVersion,
  saveSettingsVersion,
  startProcessor,
  startEscalations,
  createEscalationsApi,
  createStore,
  type SiteCalendarSpec,
} from '@tablero/processor';
import type { ProcessorHealth } from '@tablero/processor/contract';
import { FIRST_START_KIOSK_LABEL, cliActor, countUsers, recordAudit, createKioskToken, createUser, startDashboard, type ContactsPort, type EscalationsPort, type SaveResult, type SettingsDeps } from '@tablero/dashboard';
import { startExportScheduler } from '@tablero/processor/reports';
import { createSmtpMailer, smtpSettings } from '../mail.ts';
import { createQualityService, startSurveyConsumer } from '@tablero/processor/quality';
import { createCampaignsService } from '@tablero/processor/campaigns';
import { createSurveyPushHandler } from '@tablero/ingest/surveys';
import { createContactPushHandler } from '@tablero/ingest/contacts';
import { qualityReportsPort, reportsPort } from './export.ts';
import { quarterlyPort } from './export-quarterly.ts';
import { PartitionedBus, type Bus, type NatsBus } from '../bus/index.ts';
import { countLines, enableProcessMetrics, registerConsumers, registerLineSources, type ConsumerFacts } from '@tablero/processor/metrics';
import { startPartitionedProcessor } from '../cluster/partitioned-processor.ts';
import type { Config } from '../config.ts';
import { sha256Hex, parseSourceTokens } from './tokens.ts';

/** A file to tail, or a database whose `cdr` and `queue_log` tables are read (`--source mysql://...`). */
export type SourceSpec = FileSourceConfig | DbSourceSpec;
export interface DbSourceSpec {
  db: string;
  site: string;
  /** The CDR table (default `cdr`), null = not read. */
  cdr?: string | null;
  /** The realtime queue_log table (default `queue_log`, then `queuelog`), null = not read. */
  queueLog?: string | null;
}
const isDbSource = (s: SourceSpec): s is DbSourceSpec => 'db' in s;

export interface ComposeOptions {
  cfg: Config;
  log: Logger;
  bus: Bus;
  /** Needed by the processor and the dashboard; ingest alone runs without it. */
  ch: ClickHouse | null;
  site: string;
  sources: SourceSpec[];
  simulate: boolean;
  /** Size of the simulated contact center (`tablero start --queues/--agents/--calls-per-hour`); the simulator's defaults when absent. */
  simulator?: { queues?: number; agents?: number; callsPerHour?: number };
  port: number;
  sessionSecret: string;
  /** Admin bearer token for the local CLI (kept in the data directory's running.json). */
  cliToken?: string;
  runIngest: boolean;
  runProcessor: boolean;
  runDashboard: boolean;
}

export interface Services {
  url: string | null;
  simulatorDir: string | null;
  firstAdmin: { password: string; kioskPath: string } | null;
  /**
   * Resolves with the reason when a consumption of this process died (processor, surveys,
   * escalations): it handles nothing more, so the process should stop and exit non-zero for its
   * supervisor (systemd, Docker) to start it again. Pending while all is well.
   */
  failed: Promise<Error>;
  stop(): Promise<void>;
}

/** Input errors of the processor's settings store become a reason for the admin; the rest stays an error. */
async function saveOrReason(save: () => Promise<number>): Promise<SaveResult> {
  try {
    return { ok: true, version: await save() };
  } catch (err) {
    if (err instanceof SettingsError || err instanceof CalendarError || err instanceof RangeError) return { ok: false, reason: err.message };
    throw err;
  }
}

/** The processor's versioned settings for the dashboard's settings page. */
export function settingsDeps(ch: ClickHouse): SettingsDeps {
  return {
    defaults: DEFAULT_QUEUE_SETTINGS,
    list: () => listSettingsVersions(ch),
    save: (v) => saveOrReason(() => saveSettingsVersion(ch, v)),
    calendars: (atMs) => loadCalendars(ch, atMs),
    // The spec is checked by saveCalendarVersion (createCalendar throws on a bad one).
    saveCalendar: (v) => saveOrReason(() => saveCalendarVersion(ch, { ...v, spec: v.spec as SiteCalendarSpec })),
    calendarVersions: async () => (await listCalendarVersions(ch)).map((c) => ({ ...c, created_by: c.created_by ?? '' })),
  };
}

export const STATIC_DIR = fileURLToPath(new URL('../../dashboard/dist/app/', import.meta.url));

export async function composeServices(o: ComposeOptions): Promise<Services> {
  const store = (): ClickHouse => {
    if (!o.ch) throw new Error('this service needs ClickHouse');
    return o.ch;
  };
  // Stopped in this order: dashboard (closes WebSockets first), ingest (its in-flight batches
  // still need the processor to be acknowledged), simulator, processor.
  // Metric providers of this run (removed at stop, so a stopped service is no longer read).
  const unregister: Array<() => void> = [];
  const stopMetrics = (): void => {
    for (const u of unregister.splice(0)) u();
  };
  const stops: Record<'dashboard' | 'ingest' | 'simulator' | 'processor', (() => Promise<void>) | null> = {
    dashboard: null,
    ingest: null,
    simulator: null,
    processor: null,
  };
  const stopAll = async (): Promise<void> => {
    stopMetrics();
    for (const stop of Object.values(stops)) {
      if (!stop) continue;
      try {
        await stop();
      } catch (err) {
        o.log.warn({ err }, 'service stop failed');
      }
    }
  };
  let fail: (err: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => (fail = resolve));
  const watch = (service: { done: Promise<void> }): void => {
    service.done.catch((err: unknown) => fail(err instanceof Error ? err : new Error(String(err))));
  };
  try {
    let simulatorDir: string | null = null;
    const sources = [...o.sources];
    // The simulator's members log an interface in ADDMEMBER and a name in call events, as
    // Asterisk does by default; the processor needs that mapping to fold them into one agent.
    const aliases: Record<string, Record<string, string>> = { ...o.cfg.TABLERO_MEMBER_ALIASES };
    if (o.simulate) {
      simulatorDir = join(o.cfg.dataDir, 'simulator');
      // A flat daily curve: the demo wallboard is busy whatever the hour the user tries it.
      const sim = await startSimulator({ outDir: simulatorDir, tz: o.cfg.siteTz, curve: 'flat', ...o.simulator, log: o.log.child({ svc: 'simulator' }) });
      stops.simulator = () => sim.stop();
      sources.push({ path: sim.queueLogPath, site: o.site, kind: 'queue_log' });
      sources.push({ path: sim.cdrPath, site: o.site, kind: 'cdr' });
      aliases[o.site] = { ...sim.memberAliases, ...(aliases[o.site] ?? {}) };
    }
    let processorHealth: (() => ProcessorHealth) | null = null;
    enableProcessMetrics();
    if (o.runProcessor) {
      // /metrics: lag and pending of every JetStream consumer, as the server reports them. Checked
      // by shape: a bus that wraps NatsBus (partitions) passes consumerFacts through.
      const facts = consumerFactsOf(o.bus);
      if (facts) unregister.push(registerConsumers(facts));
      // Stopped newest first. Each is listed as soon as it runs, so that one failing to start
      // (its consumer refused, say) stops those already running instead of leaving them behind.
      const running: Array<{ stop(): Promise<void> }> = [];
      stops.processor = async () => {
        for (const service of [...running].reverse()) await service.stop();
      };
      const processorOptions = { tz: o.cfg.siteTz, settings: { aliases }, snapshotMinIntervalMs: o.cfg.TABLERO_SNAPSHOT_MIN_MS, staleCallS: o.cfg.TABLERO_STALE_CALL_S, rejectedRowsPerMinute: o.cfg.TABLERO_REJECTED_ROWS_PER_MINUTE, stallAfterMs: o.cfg.TABLERO_STALL_AFTER_S * 1000, rollupIntervalMs: o.cfg.TABLERO_ROLLUP_INTERVAL_MS, funnel: o.cfg.TABLERO_FUNNEL, maxGroupMessages: o.cfg.TABLERO_COMMIT_MESSAGES };
      // One per deployment beside the processor: scheduled report exports, post-call survey answers
      // (quality stream), escalation aging (CRM stream), contacts of other channels (contacts stream).
      const startSingletons = async (log: Logger): Promise<{ stop(): Promise<void>; done: Promise<void> }> => {
        const started: Array<{ stop(): Promise<void> }> = [];
        const stopStarted = async (): Promise<void> => {
          for (const service of [...started].reverse()) await service.stop();
        };
        try {
          const smtp = smtpSettings(o.cfg);
          started.push(startExportScheduler({ ch: store(), log: log.child({ svc: 'exports' }), defaultTz: o.cfg.siteTz, funnel: o.cfg.TABLERO_FUNNEL, exportsDir: o.cfg.exportsDir, ...(smtp ? { mailer: createSmtpMailer(smtp) } : {}) }));
          const surveys = await startSurveyConsumer({ bus: o.bus, ch: store(), log: log.child({ svc: 'surveys' }) });
          started.push(surveys);
          const escalations = await startEscalations({ bus: o.bus, ch: store(), log: log.child({ svc: 'escalations' }) }, { tz: o.cfg.siteTz });
          started.push(escalations);
          const contacts = await startContactConsumer({ bus: o.bus, ch: store(), log: log.child({ svc: 'contacts' }) });
          started.push(contacts);
          return { stop: stopStarted, done: Promise.all([surveys.done, escalations.done, contacts.done]).then(() => undefined) };
        } catch (err) {
          await stopStarted();
          throw err;
        }
      };
      if (o.bus instanceof PartitionedBus) {
        // Partitioned (issue 19): the partitions and the singletons are leased among the processors.
        const manager = await startPartitionedProcessor({
          bus: o.bus, ch: store(), log: o.log.child({ svc: 'processor' }), processor: processorOptions,
          leaseTtlMs: o.cfg.TABLERO_LEASE_TTL_MS, insertTimeoutMs: o.cfg.TABLERO_FENCE_INSERT_TIMEOUT_MS,
          clusterStore: Boolean(o.cfg.TABLERO_CLICKHOUSE_CLUSTER), singletons: startSingletons,
          ...(o.cfg.TABLERO_LEASE_LOG ? { leaseLog: o.cfg.TABLERO_LEASE_LOG } : {}),
        });
        running.push(manager);
        void manager.failed.then(fail);
      } else {
        const processor = await startProcessor({ bus: o.bus, ch: store(), log: o.log.child({ svc: 'processor' }) }, processorOptions);
        running.push(processor);
        processorHealth = () => processor.health();
        const singletons = await startSingletons(o.log);
        running.push(singletons);
        for (const service of [processor, singletons]) watch(service);
      }
    }
    let ingestStatus: (() => unknown) | null = null;
    const files = sources.filter((s): s is FileSourceConfig => !isDbSource(s));
    const dbs = sources.filter(isDbSource);
    if (o.runIngest && sources.length > 0) {
      const ingest = files.length > 0 ? await startIngest({ bus: o.bus, log: o.log.child({ svc: 'ingest' }) }, { sources: files, stateDir: join(o.cfg.dataDir, 'ingest'), clockSkewS: o.cfg.TABLERO_CLOCK_SKEW_S }) : null;
      // asteriskcdrdb: calldate is read in the site's zone (the PBX's database keeps local times),
      // queue_log's time too unless TABLERO_DB_QUEUE_LOG_TZ says otherwise (queue_log_realtime_use_gmt).
      const dbSources = dbs.flatMap((d) => {
        const common = { url: d.db, site: d.site, stateDir: join(o.cfg.dataDir, 'ingest'), clockSkewS: o.cfg.TABLERO_CLOCK_SKEW_S };
        const deps = { bus: o.bus, log: o.log.child({ svc: 'ingest-db' }) };
        return [
          ...(d.cdr === null ? [] : [startDbTableSource(deps, { ...common, kind: 'cdr', ...(d.cdr ? { table: d.cdr } : {}), timeZone: o.cfg.siteTz, overlapS: o.cfg.TABLERO_DB_CDR_OVERLAP_S })]),
          ...(d.queueLog === null
            ? []
            : [startDbTableSource(deps, { ...common, kind: 'queue_log', ...(d.queueLog ? { table: d.queueLog } : {}), timeZone: o.cfg.TABLERO_DB_QUEUE_LOG_TZ ?? o.cfg.siteTz, overlapS: o.cfg.TABLERO_DB_OVERLAP_S })]),
        ];
      });
      for (const s of dbSources) watch(s);
      stops.ingest = async () => {
        await ingest?.stop();
        for (const s of dbSources) await s.stop();
      };
      ingestStatus = () => [...(ingest ? (ingest.status() as unknown[]) : []), ...dbSources.map((s) => s.status())];
      // /metrics: lines accepted and rejected per tailed file and per database source.
      unregister.push(
        registerLineSources(() => [
          ...(ingest ? ingest.status() : []).map((st) => ({ site: st.site, source: st.source, kind: st.kind, accepted: st.accepted, rejected: st.rejected })),
          ...dbSources.map((d) => d.status()).map((st) => ({ site: st.site, source: st.source, kind: st.kind, accepted: st.accepted, rejected: st.rejected })),
        ]),
      );
    }
    let url: string | null = null;
    let firstAdmin: Services['firstAdmin'] = null;
    if (o.runDashboard) {
      const ch = store();
      // The one KPI read module: stored definitions and calendars, the deployment's site and zone.
      const read = { defaultTz: o.cfg.siteTz, defaultSite: o.site };
      const apiTokens = o.cliToken ? { [sha256Hex(o.cliToken)]: { username: 'cli', role: 'admin' as const } } : {};
      const dashboard = await startDashboard(
        {
          bus: o.bus,
          ch,
          log: o.log.child({ svc: 'dashboard' }),
          queryKpis: (q) => queryKpis(ch, q, read),
          funnel: (q) => queryFunnel(ch, q, { ...read, funnel: o.cfg.TABLERO_FUNNEL }),
          funnelCalls: (q) => queryFunnelCalls(ch, q, { ...read, funnel: o.cfg.TABLERO_FUNNEL }),
          fcr: (q) => queryFcr(ch, q, { ...read, typification: o.cfg.TABLERO_TYPIFICATION }),
          reports: { waitDistribution: (q) => queryWaitDistribution(ch, q, read), agents: (q) => queryAgentPerformance(ch, q, read) },
          calls: {
            list: (q) => queryCalls(ch, q, read),
            csv: (q, c) => callsCsv(ch, q, read, c),
            xlsx: (q, c) => callsXlsx(ch, q, read, c),
            story: (site, callid) => queryCallStory(ch, site, callid, { ...read, nowMs: Date.now() }),
          },
          exports: reportsPort(ch, o.log.child({ svc: 'exports' }), o.site, o.cfg.siteTz, o.cfg.exportsDir, smtpSettings(o.cfg), o.cfg.TABLERO_FUNNEL),
          quarterly: quarterlyPort(ch, o.log.child({ svc: 'exports' }), o.site, o.cfg.siteTz),
          push: countedPush(createPushHandler({ bus: o.bus, log: o.log.child({ svc: 'push' }) }, { clockSkewS: o.cfg.TABLERO_CLOCK_SKEW_S })),
          // Calibration updates go out on the live bus (kpi.qa.<site>) like KPI snapshots.
          quality: createQualityService({ ch, log: o.log.child({ svc: 'quality' }), tz: o.cfg.siteTz, emit: (subject, data) => o.bus.emit(subject, data) }),
          pushSurveys: createSurveyPushHandler({ bus: o.bus, log: o.log.child({ svc: 'push' }) }),
          qualityReports: qualityReportsPort(),
          campaigns: createCampaignsService({ ch, log: o.log.child({ svc: 'campaigns' }), tz: o.cfg.siteTz }),
          escalations: escalationsPort(ch, o),
          contacts: contactsPort(ch, o),
          health: async () => ({ sources: ingestStatus ? ingestStatus() : [], ...(processorHealth ? { processor: processorHealth() } : {}) }),
          settings: settingsDeps(ch),
          // PBX lines and CDR rows, then contacts of other channels (named `contacts:<source>` like their rejected rows).
          acceptedLines: async (sinceS) => [...(await createStore(ch).acceptedLines(sinceS)), ...(await contactAcceptedLines(ch, sinceS))],
        },
        {
          port: o.port,
          host: o.cfg.HOST,
          sessionSecret: o.sessionSecret,
          staticDir: STATIC_DIR,
          siteTz: o.cfg.siteTz,
          allowedOrigins: o.cfg.TABLERO_ALLOWED_ORIGINS,
          secureCookies: o.cfg.TABLERO_SECURE_COOKIES,
          trustProxy: o.cfg.TABLERO_TRUST_PROXY,
          ...(o.cfg.TABLERO_HSTS_MAX_AGE_S === undefined ? {} : { hstsMaxAgeS: o.cfg.TABLERO_HSTS_MAX_AGE_S }),
          sourceTokens: parseSourceTokens(o.cfg.TABLERO_SOURCE_TOKENS),
          apiTokens,
          ...(o.cfg.TABLERO_METRICS_TOKEN ? { metricsTokenHash: sha256Hex(o.cfg.TABLERO_METRICS_TOKEN) } : {}),
        },
      );
      stops.dashboard = () => dashboard.close();
      url = dashboard.url;
      // Only once the server listens: a first admin created by a start that then failed (port in
      // use) would have a password nobody ever saw.
      if ((await countUsers(ch)) === 0) {
        const password = randomBytes(12).toString('base64url');
        await createUser(ch, { username: 'admin', password, role: 'admin', lang: 'es' });
        const token = await createKioskToken(ch, FIRST_START_KIOSK_LABEL, 'admin');
        // The first start's account and kiosk link are administrative changes like any other.
        const actor = cliActor();
        const atMs = Date.now();
        await recordAudit(ch, { atMs, actor, action: 'user_created', target: 'admin', address: '', detail: { role: 'admin', before: null, after: { username: 'admin', role: 'admin', lang: 'es', queues: [], disabled: false }, first_start: true } });
        await recordAudit(ch, { atMs, actor, action: 'kiosk_token_created', target: sha256Hex(token), address: '', detail: { before: null, after: { label: FIRST_START_KIOSK_LABEL, revoked: false }, first_start: true } });
        firstAdmin = { password, kioskPath: `/?kiosk=${token}#/wallboard` };
      }
    }
    return { url, simulatorDir, firstAdmin, failed, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The bus's reader of JetStream consumer facts (NatsBus and wrappers of it), or null (in-process bus). */
function consumerFactsOf(bus: Bus): (() => Promise<ConsumerFacts[]>) | null {
  const read = (bus as Partial<Pick<NatsBus, 'consumerFacts'>>).consumerFacts;
  return typeof read === 'function' ? () => read.call(bus) : null;
}

/** An HTTP push handler whose lines also count in /metrics (tablero_lines_total, source `push:<name>`). */
function countedPush(push: (req: PushRequest) => Promise<PushResult>): (req: PushRequest) => Promise<PushResult> {
  return async (req) => {
    const r = await push(req);
    countLines({ site: req.site, source: `push:${req.sourceName}`, kind: req.kind, accepted: r.accepted, rejected: r.rejected });
    return r;
  };
}

/** The dashboard's escalation port: the processor's aging over ClickHouse and ingest's ticket push. */
function escalationsPort(ch: ClickHouse, o: ComposeOptions): EscalationsPort {
  const push = createTicketPushHandler({ bus: o.bus, log: o.log.child({ svc: 'push' }) });
  return {
    ...createEscalationsApi(ch, { tz: o.cfg.siteTz, defaultSite: o.site }),
    // Pushed local times without an offset are read in the site's zone.
    push: (req) => push({ ...req, tz: o.cfg.siteTz }),
  };
}

/** The dashboard's contacts port: the processor's one channel read and settings, ingest's contact push. */
export function contactsPort(ch: ClickHouse, o: { cfg: Config; log: Logger; bus: Bus; site: string }): ContactsPort {
  const push = createContactPushHandler({ bus: o.bus, log: o.log.child({ svc: 'push' }) });
  const read = { defaultTz: o.cfg.siteTz, defaultSite: o.site };
  return {
    defaultSite: o.site,
    kpis: (q) => queryContactKpis(ch, q, read),
    settings: (site) => contactSettingsView(ch, site, Date.now()),
    saveSettings: (v) => saveContactSettings(ch, v),
    // Pushed local times without an offset are read in the site's zone.
    push: (req) => push({ ...req, tz: o.cfg.siteTz }),
  };
}
