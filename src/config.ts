// The only reader of process.env for the composition root. Every bad variable is reported at
// once, in one error, so an operator fixes them all in one go.
import { resolve } from 'node:path';
import { z } from 'zod';
// The two parsers by their own modules: the processor's index loads the whole processor, which a
// short command such as `tablero kpis` must not pay for at every start (issue 18 "Start").
import { parseFunnelConfig, type FunnelConfig } from '@tablero/processor/funnel-config';
import { DEFAULT_TYPIFICATION, parseTypificationSettings, type TypificationSettings } from '@tablero/processor/typification';
import { DEFAULT_COMMIT_MESSAGES } from '@tablero/processor/commit-size';

const optionalUrl = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const schema = z.object({
  TABLERO_DATA_DIR: z.string().default('./data'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /**
   * Address the dashboard listens on. Loopback by default, so a `tablero start` on a laptop or a
   * PBX host is not reachable from the network unless asked; the compose file sets 0.0.0.0
   * (inside a container the published port is the boundary).
   */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Strict-Transport-Security max-age in seconds; unset = no header (only behind HTTPS). */
  // Empty (an unset variable passed through by docker compose) is unset, not max-age=0.
  TABLERO_HSTS_MAX_AGE_S: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce.number().int().min(0, 'at least 0').max(63_072_000, 'at most 63072000 (2 years)').optional(),
  ),
  /** Folder scheduled exports write into (a schedule's folder must be inside it); default <data dir>/exports. */
  TABLERO_EXPORTS_DIR: z.string().optional(),
  /** One NATS URL, or several comma-separated (the servers of a cluster: the client fails over between them). */
  NATS_URL: optionalUrl,
  /**
   * Copies of every JetStream stream and of the lease bucket (num_replicas): 1 on one server
   * (default), 3 on a three-server cluster, so that streams survive the loss of one server.
   */
  TABLERO_STREAM_REPLICAS: z.coerce.number().int().min(1, 'at least 1').max(5, 'at most 5').default(1),
  /**
   * Partitions of the events stream (issue 19): 0 (default) = one events stream, one processor.
   * P > 0: each site belongs to one of P partitions (a stream each) and any number of
   * `tablero processor` processes share them through leases. Every ingest, dashboard and processor
   * of a deployment must have the same value; it cannot change once data flowed.
   */
  TABLERO_PARTITIONS: z.coerce.number().int().min(0, 'at least 0').max(256, 'at most 256').default(0),
  /** A partition lease not renewed for this long (ms) passes to another processor. */
  TABLERO_LEASE_TTL_MS: z.coerce.number().int().min(2_000, 'at least 2000').max(60_000, 'at most 60000').default(6_000),
  /**
   * Life of a processor's JetStream pull request (ms). Short, so a pull held by a NATS server that
   * died is replaced quickly (30 s, the client's default, stalled the processor ~41 s after a
   * server kill; 5 s: see docs/benchmarks.md). Each pull costs one request to the server.
   */
  TABLERO_NATS_PULL_EXPIRES_MS: z.coerce.number().int().min(1_000, 'at least 1000').max(60_000, 'at most 60000').default(5_000),
  /**
   * Store-side fencing (docs/partitions.md): longest run of a partitioned processor's insert (ms;
   * ClickHouse max_execution_time, whole seconds). A processor that takes a partition writes its
   * epoch, then waits until no earlier holder's insert runs, at most this plus 1 s (always that
   * long on a ClickHouse cluster), before it reads the partition's state.
   */
  TABLERO_FENCE_INSERT_TIMEOUT_MS: z.coerce.number().int().min(1_000, 'at least 1000').max(60_000, 'at most 60000').default(4_000),
  /** When set, every lease acquisition, renewal, release and loss is appended there as a JSON line. */
  TABLERO_LEASE_LOG: optionalUrl,
  CLICKHOUSE_URL: optionalUrl.refine((v) => v === undefined || /^https?:\/\//.test(v), 'must start with http:// or https://'),
  CLICKHOUSE_USER: z.string().optional(),
  CLICKHOUSE_PASSWORD: z.string().optional(),
  CLICKHOUSE_DATABASE: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _ only').default('tablero'),
  /**
   * ClickHouse cluster (docs/scaling.md): migrations run ON CLUSTER with Replicated engines
   * (sql/src/cluster.ts). Needs CLICKHOUSE_URL. With TABLERO_CLICKHOUSE_SHARDED=true the
   * site-keyed tables are also sharded by site behind Distributed tables.
   */
  TABLERO_CLICKHOUSE_CLUSTER: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _ only').optional()),
  TABLERO_CLICKHOUSE_SHARDED: z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TZ: z
    .string()
    .optional()
    .transform((v) => (v && v !== ':/etc/localtime' ? v : undefined))
    .refine((v) => v === undefined || isTimeZone(v), 'not an IANA time zone (e.g. America/Bogota)'),
  TABLERO_SITE: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only').default('default'),
  TABLERO_SESSION_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  TABLERO_ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [])),
  /**
   * Comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed; the
   * login throttle counts per client address, which behind a proxy is otherwise the proxy's.
   */
  TABLERO_TRUST_PROXY: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [])),
  TABLERO_SECURE_COOKIES: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
  /**
   * Shortest time between two live `snapshots` messages of one site (ms). 100 is issue 18's "at
   * most one message every 100 ms per site, with the queues changed since the previous one"; the
   * live contract promises no more, so it can only be raised (less traffic, more latency).
   */
  TABLERO_SNAPSHOT_MIN_MS: z.coerce.number().int().min(100, 'at least 100').max(5_000, 'at most 5000').default(100),
  /**
   * Pause between two cycles of the processor's rollup job (ms; issue 18, processor/src/rollup/).
   * 0 turns it off: every figure is then read from the stints (same figures, slower).
   */
  TABLERO_ROLLUP_INTERVAL_MS: z.coerce.number().int().min(0, 'at least 0').max(3_600_000, 'at most 3600000').default(10_000),
  /**
   * An open call with no event for this long (seconds) no longer counts as waiting or talking now,
   * nor its agent as on call, and is listed as stale on the data quality page (kpi-definitions §5).
   */
  TABLERO_STALE_CALL_S: z.coerce.number().int().min(60, 'at least 60').max(7 * 86_400, 'at most 604800').default(4 * 3600),
  /**
   * A queue_log line dated more than this many seconds ahead of the receiving clock is rejected
   * (`epoch_in_future`, kpi-definitions §11); lines before 2000-01-01 always are.
   */
  TABLERO_CLOCK_SKEW_S: z.coerce.number().int().min(0, 'at least 0').max(366 * 86_400, 'at most 31622400').default(86_400),
  /**
   * asteriskcdrdb tables without an auto-increment id (README "Source asteriskcdrdb"): seconds of
   * rows re-read behind the newest time read, so a row inserted late with an older time is still
   * read. queue_log rows are written when the event happens: the window covers commit and
   * replication delays. A row older than the window when it appears is missed.
   */
  TABLERO_DB_OVERLAP_S: z.coerce.number().int().min(1, 'at least 1').max(7 * 86_400, 'at most 604800').default(600),
  /**
   * The same for the cdr table: `calldate` is the call's start and the row is written at hangup,
   * so the window must cover the longest call plus the delay (default 4 hours).
   */
  TABLERO_DB_CDR_OVERLAP_S: z.coerce.number().int().min(1, 'at least 1').max(7 * 86_400, 'at most 604800').default(4 * 3600),
  /**
   * Zone of the queue_log table's `time` column: Asterisk writes local time (the site's zone, TZ)
   * unless logger.conf has queue_log_realtime_use_gmt = yes (then UTC). Epoch columns need none.
   */
  TABLERO_DB_QUEUE_LOG_TZ: z.string().optional().refine((v) => v === undefined || isTimeZone(v), 'not an IANA time zone (e.g. UTC, America/Bogota)'),
  /**
   * Rejected lines stored as rows per source and minute; beyond it only counted per reason
   * (kpi-definitions §11 "Bounded rejections"), so a flood of bad lines costs counters, not rows.
   */
  TABLERO_REJECTED_ROWS_PER_MINUTE: z.coerce.number().int().min(1, 'at least 1').max(100_000, 'at most 100000').default(100),
  /**
   * Most JetStream messages (ingest cuts up to 500 events each) the processor stores in one
   * commit. A commit holds what arrived while the previous one was stored, so this bounds only a
   * backlog (a restart, a burst, a catch-up): larger commits write fewer, larger parts (issue 18),
   * at the cost of memory while catching up. A quiet stream's commits stay one message.
   */
  TABLERO_COMMIT_MESSAGES: z.coerce.number().int().min(1, 'at least 1').max(256, 'at most 256').default(DEFAULT_COMMIT_MESSAGES),
  /**
   * A commit the processor has not stored for this long (seconds) makes /api/health `degraded`
   * (the store is down or answers errors; the processor retries meanwhile).
   */
  TABLERO_STALL_AFTER_S: z.coerce.number().int().min(1, 'at least 1').max(3_600, 'at most 3600').default(15),
  /**
   * Bearer token of the Prometheus scraper (docs/scaling.md "Metrics"): GET /metrics answers a
   * request bearing it (or, on a dashboard, an admin session). `tablero ingest` and
   * `tablero processor` open their metrics listener on TABLERO_METRICS_PORT only when it is set.
   */
  TABLERO_METRICS_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(24, 'at least 24 characters').optional()),
  /** Port of the metrics listener of `tablero ingest` and `tablero processor` (on HOST). */
  TABLERO_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** Comma-separated `token=site:name` entries for HTTP push sources. */
  TABLERO_SOURCE_TOKENS: z.string().optional(),
  /**
   * Per site, member interface -> member name: `{"default": {"Local/201@from-queue/n": "Ana"}}`.
   * Asterisk logs ADDMEMBER/REMOVEMEMBER/PAUSEALL with the interface but calls with the name
   * (unless log_membername_as_agent=yes); without the mapping one agent counts as two.
   */
  TABLERO_MEMBER_ALIASES: z
    .string()
    .optional()
    .transform((v, zctx) => {
      if (!v) return {};
      try {
        const parsed: unknown = JSON.parse(v);
        const ok =
          typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) &&
          Object.values(parsed).every(
            (m) => typeof m === 'object' && m !== null && !Array.isArray(m) && Object.values(m).every((n) => typeof n === 'string'),
          );
        if (ok) return parsed as Record<string, Record<string, string>>;
      } catch {
        // reported below
      }
      zctx.addIssue({ code: 'custom', message: 'JSON object {"site": {"interface": "member name"}}' });
      return {};
    }),
  /**
   * The call funnel's services and IVR option source per site (docs/kpi-definitions.md §13), JSON:
   * {"default": {"services": [{"service": "101", "dids": ["6014400101"], "agent_options": ["0"]}],
   * "ivr": {"source": "queue_log"}}}. Unset: no services, no funnel rows.
   */
  TABLERO_FUNNEL: z
    .string()
    .optional()
    .transform((v, zctx): FunnelConfig => {
      if (!v) return {};
      let parsed: unknown;
      try {
        parsed = JSON.parse(v);
      } catch {
        zctx.addIssue({ code: 'custom', message: 'not JSON (docs/kpi-definitions.md §13)' });
        return {};
      }
      const r = parseFunnelConfig(parsed);
      if (r.ok) return r.value;
      for (const message of r.errors) zctx.addIssue({ code: 'custom', message });
      return {};
    }),
  /**
   * Typification events and the repeat window of measured first-contact resolution
   * (docs/kpi-definitions.md §14), JSON: {"verb": "tipificacion", "category_field": 1,
   * "result_field": 2, "resolved": ["resuelto"], "escalated": ["escalado"], "repeat_window_days": 7}.
   */
  TABLERO_TYPIFICATION: z
    .string()
    .optional()
    .transform((v, zctx): TypificationSettings => {
      if (!v) return DEFAULT_TYPIFICATION;
      let parsed: unknown;
      try {
        parsed = JSON.parse(v);
      } catch {
        zctx.addIssue({ code: 'custom', message: 'not JSON (docs/kpi-definitions.md §14)' });
        return DEFAULT_TYPIFICATION;
      }
      const r = parseTypificationSettings(parsed);
      if (r.ok) return r.value;
      for (const message of r.errors) zctx.addIssue({ code: 'custom', message });
      return DEFAULT_TYPIFICATION;
    }),
  /**
   * SMTP for e-mailing scheduled exports (unset = no e-mail). TLS: `starttls` (required, port 587),
   * `implicit` (port 465) or `none` (a relay on a trusted network only). The password is read here
   * and handed to the transport; it is never logged nor sent to a browser.
   */
  TABLERO_SMTP_HOST: optionalUrl,
  TABLERO_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  TABLERO_SMTP_TLS: z.enum(['starttls', 'implicit', 'none']).default('starttls'),
  TABLERO_SMTP_USER: optionalUrl,
  TABLERO_SMTP_PASSWORD: z.string().optional(),
  TABLERO_SMTP_FROM: optionalUrl,
}).superRefine((c, zctx) => {
  if (c.TABLERO_CLICKHOUSE_CLUSTER !== undefined && c.CLICKHOUSE_URL === undefined)
    zctx.addIssue({ code: 'custom', path: ['TABLERO_CLICKHOUSE_CLUSTER'], message: 'needs CLICKHOUSE_URL (embedded ClickHouse is one process, not a cluster)' });
  if (c.TABLERO_CLICKHOUSE_SHARDED && c.TABLERO_CLICKHOUSE_CLUSTER === undefined)
    zctx.addIssue({ code: 'custom', path: ['TABLERO_CLICKHOUSE_SHARDED'], message: 'needs TABLERO_CLICKHOUSE_CLUSTER' });
  if (c.TABLERO_SMTP_HOST !== undefined && c.TABLERO_SMTP_FROM === undefined)
    zctx.addIssue({ code: 'custom', path: ['TABLERO_SMTP_FROM'], message: 'required with TABLERO_SMTP_HOST (the sender address)' });
  if ((c.TABLERO_SMTP_USER === undefined) !== (c.TABLERO_SMTP_PASSWORD === undefined))
    zctx.addIssue({ code: 'custom', path: ['TABLERO_SMTP_PASSWORD'], message: 'TABLERO_SMTP_USER and TABLERO_SMTP_PASSWORD go together' });
});

export type Config = z.infer<typeof schema> & { dataDir: string; siteTz: string; exportsDir: string };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`bad environment: ${problems.join('; ')}`);
  }
  const cfg = parsed.data;
  const systemTz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const dataDir = resolve(cfg.TABLERO_DATA_DIR);
  const exportsDir = cfg.TABLERO_EXPORTS_DIR ? resolve(cfg.TABLERO_EXPORTS_DIR) : resolve(dataDir, 'exports');
  return { ...cfg, dataDir, siteTz: cfg.TZ ?? systemTz ?? 'UTC', exportsDir };
}
