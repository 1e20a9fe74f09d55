// What the composition root hands the dashboard server, and its options.
import type { ClickHouse } from '@tablero/sql';
import type { Logger } from 'pino';
import type { DashboardBus } from './bus/dashboard-bus.ts';
import type { AgentReport, CampaignsApi, CallStory, CallsPage, CallsQuery, FcrQuery, FcrRow, FunnelCallsPage, FunnelCallsQuery, FunnelQuery, FunnelRow, KpiQuery, KpiRow, QualityApi, WaitDistribution } from '@tablero/processor/contract';
import type { QualityReportsPort, SurveyPush } from './routes/qa.ts';
import type { Lang, Role } from './core/roles.ts';
import type { EscalationsPort } from './routes/escalations.ts';
import type { ExportsPort } from './routes/exports.ts';
import type { ContactsPort } from './routes/contacts.ts';
import type { QuarterlyPort } from './routes/quarterly.ts';

/** The processor's stored KPI reads beyond the rows (the Reports page's charts). */
export interface ReportsPort {
  waitDistribution(q: KpiQuery): Promise<WaitDistribution>;
  agents(q: KpiQuery): Promise<AgentReport>;
}

/**
 * The processor's lists of calls behind a figure and a call's story (issue 20). Rejects a bad
 * list parameter with an error named 'KpiQueryError' carrying `param` (answered 400).
 */
export interface CallsPort {
  list(q: CallsQuery): Promise<CallsPage>;
  /** The whole list as CSV chunks (BOM and header first); callers masked by the processor when asked. */
  csv(q: CallsQuery, o: { sep: ';' | ','; maskCallers: boolean }): Promise<{ total: number; chunks: AsyncIterable<string> }>;
  /** The whole list as an XLSX workbook, streamed. */
  xlsx(q: CallsQuery, o: { maskCallers: boolean }): Promise<{ total: number; stream: NodeJS.ReadableStream }>;
  /** null when nothing is stored for the call. */
  story(site: string, callid: string): Promise<CallStory | null>;
}

export interface PushRequest {
  site: string;
  sourceName: string;
  kind: 'queue_log' | 'cdr';
  /** The body's bytes as received (gzip already decoded). */
  body: Buffer;
  firstOffset?: number;
}

export interface DashboardDeps {
  bus: DashboardBus;
  ch: ClickHouse;
  log: Logger;
  /** The processor's KPI read module (stored definitions and calendars), injected by the composition root. */
  /** Rejects with an error named 'KpiQueryError' for a range it cannot read (answered 400). */
  queryKpis: (q: KpiQuery) => Promise<KpiRow[]>;
  /** The same read module's chart queries; absent -> /api/reports/* answer 503. */
  reports?: ReportsPort;
  /** The processor's call funnel read (kpi-definitions §13); absent -> /api/funnel answers 503. Rejects like queryKpis. */
  funnel?: (q: FunnelQuery) => Promise<FunnelRow[]>;
  /** The same read's list of the calls behind one figure (GET /api/funnel/calls); absent -> it answers 503. Rejects like queryKpis. */
  funnelCalls?: (q: FunnelCallsQuery) => Promise<FunnelCallsPage>;
  /** Typification and first-contact resolution (kpi-definitions §14); absent -> /api/fcr answers 503. Rejects like queryKpis. */
  fcr?: (q: FcrQuery) => Promise<FcrRow[]>;
  /** Lists of calls and calls' stories; absent -> /api/calls* answer 503. */
  calls?: CallsPort;
  /** Ingest's push handler; absent -> /ingest/* answers 503. Resolves once the bus acknowledged the lines. */
  push?: (req: PushRequest) => Promise<{ accepted: number; rejected: number }>;
  /** The processor's monthly reports (exports, closed months, schedules); absent -> /api/exports/* and /api/months* answer 503. */
  exports?: ExportsPort;
  /** The processor's quarterly complaints report (issue 17); absent -> /api/exports/quarterly and /api/quarters* answer 503. */
  quarterly?: QuarterlyPort;
  /** The processor's escalation aging and ingest's ticket push (issue #7); absent -> /api/escalations* and /ingest/tickets answer 503. */
  escalations?: EscalationsPort;
  /** Contacts of other channels (issue 17): the processor's read and settings, ingest's push; absent -> /api/contacts/* and /ingest/contacts answer 503. */
  contacts?: ContactsPort;
  /** Extra readiness facts (e.g. each source's last line), merged into /api/health. */
  health?: () => Promise<Record<string, unknown>>;
  /**
   * Accepted lines per site and source since a time (the processor's stored events; the dashboard
   * reads no queue events itself); absent -> the data quality page shows no stored counts.
   */
  acceptedLines?: (sinceS: number) => Promise<Array<{ site: string; source: string; kind: 'queue_log' | 'cdr' | 'contacts'; lines: number; last_event_s: number }>>;
  /** The processor's versioned settings and calendars; absent -> /api/settings answers 503. */
  settings?: SettingsDeps;
  /** The processor's quality service (/api/qa/*); absent -> those routes answer 503. */
  quality?: QualityApi;
  /** Ingest's survey push (POST /ingest/surveys); absent -> 503. Resolves once the bus acknowledged the answers. */
  pushSurveys?: SurveyPush;
  /** The processor's monthly quality report writers (GET /api/qa/report/file); absent -> 503. */
  qualityReports?: QualityReportsPort;
  /** The processor's outbound campaigns service (/api/campaigns*, /ingest/campaign-results); absent -> 503. */
  campaigns?: CampaignsApi;
  now?: () => number;
}

/** One stored settings version of a queue ('' = the site defaults). */
export interface SettingsVersionInfo {
  site: string;
  queue: string;
  version: number;
  valid_from_ms: number;
  patch: unknown;
  created_by: string;
}

/** A save either stores a new version or names what is wrong with the input. */
export type SaveResult = { ok: true; version: number } | { ok: false; reason: string };

export interface SettingsDeps {
  /** The built-in queue settings every stored version is laid over. */
  defaults: unknown;
  list(): Promise<SettingsVersionInfo[]>;
  save(v: { site: string; queue: string; patch: unknown; validFromMs: number; createdBy: string; nowMs: number }): Promise<SaveResult>;
  /** Site calendars in force at `atMs`, by site. */
  calendars(atMs: number): Promise<Record<string, unknown>>;
  saveCalendar(v: { site: string; spec: unknown; validFromMs: number; createdBy: string; nowMs: number }): Promise<SaveResult>;
  /** Every stored calendar version, oldest first (the settings page's history). */
  calendarVersions(): Promise<CalendarVersionInfo[]>;
}

/** One stored calendar version of a site. */
export interface CalendarVersionInfo {
  site: string;
  version: number;
  valid_from_ms: number;
  spec: unknown;
  created_by: string;
}

export interface DashboardOptions {
  /** Key material for session cookies and CSRF tokens; at least 32 bytes. */
  sessionSecret: string;
  /** The built SPA (dashboard/dist/app); without it only the API is served. */
  staticDir?: string;
  /** Origins allowed to open /ws/live besides the server's own host. */
  allowedOrigins?: string[];
  /**
   * Addresses or CIDRs of reverse proxies whose X-Forwarded-For names the client (the address the
   * login throttle counts); empty or absent: the socket's peer is the client.
   */
  trustProxy?: string[];
  /** Mark the session cookie Secure (serve over HTTPS). */
  secureCookies?: boolean;
  /**
   * Send `Strict-Transport-Security: max-age=<this>` on every answer (TABLERO_HSTS_MAX_AGE_S).
   * Only for a server reached over HTTPS (directly or behind a TLS proxy): browsers then refuse
   * plain HTTP to this host for that long. Unset: no header.
   */
  hstsMaxAgeS?: number;
  /** sha256(token) hex -> the source that token pushes for. */
  sourceTokens?: Record<string, { site: string; name: string }>;
  /**
   * sha256(token) hex -> who an API bearer token (`Authorization: Bearer`) acts as, for scripts
   * and the CLI reaching a running server. Such requests need no CSRF header.
   */
  apiTokens?: Record<string, { username: string; role: Role; lang?: Lang }>;
  /**
   * sha256(token) hex of the Prometheus scraper's token (TABLERO_METRICS_TOKEN): GET /metrics
   * answers a request bearing it, or an admin session; anyone else gets 401/403. Unset: admins only.
   */
  metricsTokenHash?: string;
  /** A WebSocket client with more than this many unsent bytes is cut off (default 1 MiB). */
  wsMaxBufferedBytes?: number;
  /** Default site time zone for reports and "today" (default UTC). */
  siteTz?: string;
  /** A source with no line for this long is flagged silent on the data quality page (default 300 s). */
  silentAfterS?: number;
  /**
   * WebSocket heartbeat period (default 30 s): pings clients and drops those that did not
   * answer the previous ping, closes sockets whose session expired, and re-checks kiosk tokens.
   */
  wsHeartbeatMs?: number;
}
