// The live KPI snapshot contract that the processor publishes and the dashboard consumes.
// Types and constants only: consumers import this file and nothing else of @tablero/processor.
// Field names are snake_case and equal the ClickHouse column names where a column exists.

/** Core NATS subject (not persisted) carrying live snapshots: `kpi.queue.<site>`. */
export const KPI_SUBJECT_PREFIX = 'kpi.queue';
export const KPI_SUBJECT_WILDCARD = 'kpi.>';
export function kpiSubject(site: string): string {
  return `${KPI_SUBJECT_PREFIX}.${site}`;
}

export const SL_FORMULAS = [
  'offered',
  'answered',
  'answered_abandoned',
  'abandon_after_threshold',
  'in_threshold_outcomes',
] as const;
export type SlFormula = (typeof SL_FORMULAS)[number];

export const OUTCOMES = [
  'answered', 'abandoned', 'timeout', 'exit_key', 'exit_empty', 'withdrawn', 'failed', 'refused',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The settings that produced a figure; every tile and export prints them. */
export interface Definition {
  formula: SlFormula;
  threshold_s: number;
  strict: boolean;
  short_abandon_s: number;
  tz: string;
  /** Where the definition came from (KPI rows always state these; live snapshots too). */
  count_refused?: boolean;
  include_out_of_hours?: boolean;
  target_pct?: number;
  site?: string;
  /** Version of the queue's own stored settings (0 = none: the site defaults apply). */
  settings_version?: number;
  /** Version of the stored site defaults (0 = the built-in / configured defaults). */
  site_defaults_version?: number;
  /** Version of the site calendar (0 = configured or default calendar: open 24 h). */
  calendar_version?: number;
  /** Time zone the calendar's opening hours and holidays are read in. */
  calendar_tz?: string;
  /** Holidays of the site calendar inside the row's period. */
  holidays?: string[];
  /** Fields a request parameter set instead of the stored definition. */
  overrides?: Array<'formula' | 'threshold_s' | 'strict' | 'short_abandon_s'>;
  /** Stints of the period were judged by more than one definition (a change inside it). */
  spans_change?: boolean;
}

/** A definition with every statement filled (KPI rows, exports, live snapshots). */
export type StatedDefinition = Required<Definition>;

/** Counts and ratios of one queue over one window (kpi-definitions §3, §4). */
export interface KpiFigures {
  offered: number;
  answered: number;
  answered_within: number;
  unanswered: number;
  abandoned: number;
  timeout: number;
  exit_key: number;
  exit_empty: number;
  withdrawn: number;
  failed: number;
  refused: number;
  short_abandoned: number;
  out_of_hours: number;
  sl_pct: number | null;
  abandon_rate_pct: number | null;
  unanswered_rate_pct: number | null;
  asa_s: number | null;
  avg_abandon_wait_s: number | null;
  aht_s: number | null;
  longest_wait_s: number | null;
}

/** One row of `tablero kpis --json` and `GET /api/kpis` (docs/interfaces.md). */
export interface KpiRow extends KpiFigures {
  queue: string;
  period: string;
  definition: StatedDefinition;
}

/** Periods a KPI query groups by (local to the query's time zone). */
export const KPI_GROUPINGS = ['month', 'day', 'hour', 'interval'] as const;
export type KpiGrouping = (typeof KPI_GROUPINGS)[number];

/**
 * The one KPI query (`tablero kpis`, GET /api/kpis, the Reports page, the exports): the stored
 * definition of each queue applies unless a field below overrides it for the whole range.
 */
export interface KpiQuery {
  /** `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS]` (local time in `tz`), or ISO with `Z`/offset. */
  from: string;
  /** Exclusive, same formats as `from`. */
  to: string;
  queues?: string[];
  by?: KpiGrouping;
  formula?: SlFormula;
  threshold_s?: number;
  strict?: boolean;
  short_abandon_s?: number;
  /** Time zone of the periods and of local `from`/`to`; default the site calendar's. */
  tz?: string;
  /** Default the deployment's site (TABLERO_SITE). */
  site?: string;
}

/** Counted answered and abandoned stints per wait bucket (the Reports page's wait distribution). */
export interface WaitBucket {
  from_s: number;
  /** Exclusive upper edge; null for the last, open-ended bucket. */
  to_s: number | null;
  answered: number;
  abandoned: number;
}

export interface WaitDistribution {
  tz: string;
  buckets: WaitBucket[];
}

/** One agent's counted answered stints, handle time and pauses over a range. */
export interface AgentPerformance {
  agent: string;
  answered: number;
  /** sum(talk) / answered with known talk, 2 decimals; null without known talk. */
  aht_s: number | null;
  talk_s: number;
  pause_s: number;
  /** Seconds paused per reason ('' = no reason given). */
  pause_by_reason: Record<string, number>;
}

export interface AgentReport {
  tz: string;
  agents: AgentPerformance[];
  reasons: string[];
}

export const LIVE_WINDOWS = ['today', 'interval', 'last_60m'] as const;
export type LiveWindow = (typeof LIVE_WINDOWS)[number];

export interface AgentCounts {
  logged_in: number;
  available: number;
  on_call: number;
  paused: number;
}

/**
 * Live pacing per site (issue 18): at most one `snapshots` message every SNAPSHOT_MIN_INTERVAL_MS
 * per site, carrying only the queues that changed since the site's previous message (the first
 * change after a quiet spell goes out at once); every SNAPSHOT_HEARTBEAT_MS (at the latest one
 * processor tick later) the site's message carries every queue of the site, so an idle site sends
 * only these heartbeats. A consumer keeps the newest snapshot of each (site, queue) and merges each
 * message into it; a queue absent from a message is unchanged, not gone.
 */
export const SNAPSHOT_MIN_INTERVAL_MS = 100;
export const SNAPSHOT_HEARTBEAT_MS = 5_000;
/**
 * Core NATS subject (issue 19) a dashboard publishes once when it starts: every processor then
 * sends every site it knows whole (snapshots and supervisor view) at its next tick instead of at
 * the site's next heartbeat, so a freshly started dashboard holds the whole picture at once.
 * Outside `kpi.>` on purpose: dashboards do not receive it. The body is empty.
 */
export const LIVE_RESYNC_SUBJECT = 'tablero.live.resync';

/** A live snapshot of one queue (see the pacing above). */
export interface QueueSnapshot {
  type: 'kpi';
  site: string;
  queue: string;
  /** Epoch milliseconds when the snapshot was computed. */
  at_ms: number;
  /** Epoch seconds of the newest event applied (the data's own clock). */
  data_ts: number;
  definition: Definition;
  target_pct: number;
  windows: Record<LiveWindow, KpiFigures>;
  waiting_now: number;
  longest_current_wait_s: number | null;
  talking_now: number;
  agents: AgentCounts;
  /** Service level today, one point per closed 15-minute interval plus the current one. */
  sl_series: Array<{ start_s: number; sl_pct: number | null; offered: number }>;
  /**
   * Service level of the day so far at the end of each interval of `sl_series` (same starts):
   * the sums of every interval from the day's start up to and including that one. The last point
   * is `windows.today` (same sums). Absent from older producers.
   */
  sl_cumulative?: Array<{ start_s: number; sl_pct: number | null; offered: number }>;
  /**
   * Answers needed within T to reach the target by the end of the day (kpi-definitions §5):
   * the fewest further calls, all answered within T, that lift today's SL to the target.
   * 0 when met; null when today has no SL yet or the target cannot be reached (100 %).
   */
  answers_needed?: number | null;
  /** Calls at risk: callers waiting now who will cross T within the next RISK_HORIZON_S seconds. */
  calls_at_risk?: number;
  /** Metrics of this queue with a raised alert (AlertMessage), sorted; absent from older producers. */
  alerts?: AlertMetric[];
}

/** How far ahead "calls at risk" looks (seconds). */
export const RISK_HORIZON_S = 10;

/** Every live message carries a `type`; the dashboard fans them out to WebSocket clients as-is. */
export interface SnapshotMessage {
  type: 'snapshots';
  site: string;
  /** The queues of the site changed since its previous message (every queue at the heartbeat), sorted. */
  queues: QueueSnapshot[];
}

// ---- Supervisor view (issue #13, additive): agents, waiting callers, abandoned callers ----

/** Core NATS subject (not persisted) carrying the supervisor view: `kpi.supervisor.<site>`. */
export const SUPERVISOR_SUBJECT_PREFIX = 'kpi.supervisor';
export function supervisorSubject(site: string): string {
  return `${SUPERVISOR_SUBJECT_PREFIX}.${site}`;
}

/** Most abandoned callers (newest first) and stale open calls (oldest first) one message lists. */
export const SUPERVISOR_LIST_LIMIT = 500;

export type AgentLiveState = 'available' | 'on_call' | 'paused' | 'logged_out';

/** One agent (not per queue; kpi-definitions §5): on call > paused > available > logged out. */
export interface SupervisorAgent {
  site: string;
  agent: string;
  /** Queues the agent is logged in to, sorted. */
  queues: string[];
  state: AgentLiveState;
  /** Epoch seconds of the event that put the agent in its current state (paused: its newest pause). */
  since_s: number;
  /** Reason of the newest pause when paused ('' otherwise, or given none). */
  pause_reason: string;
  /** The oldest call in progress that is not stale; since = its CONNECT. */
  call: { queue: string; callid: string; since_s: number } | null;
  /** Answered stints of this agent that entered today (the site's day). */
  answered_today: number;
}

export interface WaitingCaller {
  site: string;
  queue: string;
  callid: string;
  /** Caller id number ('' when unknown). Personal data: masked per role by the dashboard. */
  caller: string;
  /** Epoch seconds of the entry (the opening event's when its ENTERQUEUE was not seen). */
  enter_s: number;
}

export interface AbandonedCaller {
  site: string;
  queue: string;
  callid: string;
  /** Personal data: masked per role by the dashboard. */
  caller: string;
  enter_s: number;
  end_s: number;
  wait_s: number | null;
  /** The same number had an answered stint that entered after this abandon ended, today. */
  answered_after: boolean;
}

/** Why an open call no longer counts as waiting or talking now (kpi-definitions §5). */
export type StaleReason = 'before_restart' | 'no_event_for_horizon';

export interface StaleCall {
  site: string;
  queue: string;
  callid: string;
  enter_s: number;
  /** Epoch seconds of the newest event of the call. */
  last_event_s: number;
  reason: StaleReason;
}

/**
 * The supervisor view of one site from the processor's state machines, published on
 * `kpi.supervisor.<site>` at most every 250 ms when something changed and at least every 5 s.
 */
export interface SupervisorMessage {
  type: 'supervisor';
  site: string;
  /** Epoch milliseconds when the view was computed. */
  at_ms: number;
  /** Epoch seconds of the newest event applied. */
  data_ts: number;
  /** Sorted by agent name. */
  agents: SupervisorAgent[];
  /** Not connected and not stale, longest wait first. */
  waiting: WaitingCaller[];
  /** Today's abandoned callers, newest first, at most SUPERVISOR_LIST_LIMIT. */
  abandoned: AbandonedCaller[];
  /** Open calls left out of the live figures, oldest first, at most SUPERVISOR_LIST_LIMIT. */
  stale_calls: StaleCall[];
}

// ---- Alerts (additive) ----

/** The live figures an alert watches: today's SL, callers waiting now, longest current wait. */
export const ALERT_METRICS = ['sl_pct', 'waiting_now', 'longest_current_wait_s'] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];

/**
 * An alert changed state, published on `kpi.queue.<site>` next to the snapshots (not paced:
 * at once). `raised`: the figure crossed its threshold; `cleared`: it came back past the
 * hysteresis band and stayed there for the hold time. Stored in the `alerts` table.
 */
export interface AlertMessage {
  type: 'alert';
  state: 'raised' | 'cleared';
  /** `<site>|<queue>|<metric>|<raised_at_ms>`: the same id on the raised and the cleared message. */
  alert_id: string;
  site: string;
  queue: string;
  metric: AlertMetric;
  /** The queue's alert threshold for this metric (sl_below_pct, waiting_above, longest_wait_above_s). */
  threshold: number;
  /** The figure when raised. */
  raised_value: number | null;
  /** The figure when cleared (null while raised, or no data, e.g. SL of a new day). */
  cleared_value: number | null;
  /** Worst figure seen while raised. */
  peak_value: number | null;
  /** Epoch milliseconds (processor wall clock). */
  raised_at_ms: number;
  cleared_at_ms: number | null;
}

// ---- Monthly reports (additive) ----

/** A closed month as the export centre lists it (GET /api/months). */
export interface ClosedMonthStatus {
  month: string;
  version: number;
  closed_at_ms: number;
  closed_by: string;
  /** At closing. */
  fingerprint: string;
  stints: number;
  /** The stints of the month now, hashed as the closing was. */
  live_fingerprint: string;
  /** Stints arrived, changed or vanished since closing (the figures stay the closing's). */
  data_changed: boolean;
}

// ---- Escalations (PQRSD tickets, issue #7; additive) ----

/** Live escalation snapshots and overdue alerts: `kpi.escalations.<site>` (forwarded to browsers like every `kpi.>`). */
export const ESCALATIONS_SUBJECT_PREFIX = 'kpi.escalations';
export function escalationsSubject(site: string): string {
  return `${ESCALATIONS_SUBJECT_PREFIX}.${site}`;
}

/** Age buckets in business days (kpi-definitions §8). */
export const AGE_BUCKETS = ['0-2', '3-5', '6-10', '11-15', '>15'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

/** One ticket's aging at an instant (times in epoch seconds, dates local `YYYY-MM-DD`). */
export interface EscalationTicket {
  site: string;
  ticket_id: string;
  /** peticion | queja | reclamo | sugerencia | denuncia | consulta | informacion ('' = not stated). */
  ticket_type: string;
  channel: string;
  /** Responsible area ('' = not escalated yet). */
  area: string;
  status: 'open' | 'closed';
  opened_at: number;
  /** The business day the term counts from (filed after hours or on a holiday: the next one). */
  receipt_date: string;
  term_days: number;
  due_date: string;
  /** The due day's close. */
  due_at: number;
  age_days: number;
  bucket: AgeBucket;
  /** Business days left (0 on the due day); null when overdue or closed. */
  days_left: number | null;
  /** Open: business days past due; closed: business days late at closing; 0 when on time. */
  days_late: number;
  overdue: boolean;
  due_soon: boolean;
  answered_at: number | null;
  closed_at: number | null;
  /** Closed by the due day's close (null while open). */
  on_time: boolean | null;
  /** Business days from receipt to the first answer (or the closing when never answered). */
  days_to_answer: number | null;
  reopened: number;
  /** The call the ticket came from ('' = none). */
  call_site: string;
  call_id: string;
}

export interface EscalationCounts {
  open: number;
  overdue: number;
  due_soon: number;
  buckets: Record<AgeBucket, number>;
}

/** Open tickets of one site now: totals, area x bucket, type, and the two work lists. */
export interface EscalationsSnapshot {
  type: 'escalations';
  site: string;
  /** Epoch milliseconds of the instant the aging was computed for. */
  at_ms: number;
  tz: string;
  due_soon_days: number;
  totals: EscalationCounts;
  by_area: Array<EscalationCounts & { area: string }>;
  by_type: Array<EscalationCounts & { ticket_type: string }>;
  /** Overdue open tickets, most days late first (at most 200). */
  overdue_list: EscalationTicket[];
  /** Due-soon open tickets, fewest days left first (at most 200). */
  due_soon_list: EscalationTicket[];
}

/** A ticket became overdue (published once per ticket and due date; stored in `escalation_alerts`). */
export interface EscalationOverdueAlert {
  type: 'escalation_overdue';
  site: string;
  ticket_id: string;
  ticket_type: string;
  area: string;
  due_at: number;
  /** Epoch milliseconds when the processor noticed. */
  at_ms: number;
}

/** Monthly escalation indicators of one (area, type), over tickets closed in the month. */
export interface EscalationMonthlyRow {
  /** '' = all areas / types in the totals row. */
  area: string;
  ticket_type: string;
  closed: number;
  closed_on_time: number;
  /** Oportunidad: closed by due / closed x 100 (null when none closed). */
  on_time_pct: number | null;
  /** Mean business days from receipt to the first answer (or closing). */
  avg_days_to_answer: number | null;
  closed_late: number;
  /** ATL: mean business days late of the tickets closed after their due date. */
  atl_days: number | null;
}

export interface EscalationMonthly {
  site: string;
  /** `YYYY-MM`, in `tz`. */
  month: string;
  tz: string;
  /** The terms (business days per type) the figures were computed with. */
  terms: Record<string, number>;
  rows: EscalationMonthlyRow[];
  total: EscalationMonthlyRow;
  /** Tickets still open and past due at the end of the month. */
  open_overdue_at_month_end: number;
  /** The legal calendar the business days were counted in (kpi-definitions §6). */
  calendar: EscalationLegalCalendar;
}

/** Weekday names as settings and exports give them, Monday first (index + 1 = ISO weekday). */
export const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAY_NAMES)[number];

/** Legal business days of a site: working weekdays minus national and site holidays. */
export interface EscalationLegalCalendar {
  /** Country whose national holidays applied (`CO`, `BO`); null = none. */
  holidays_country: string | null;
  /** Weekdays that count, in week order (default Monday to Friday). */
  working_weekdays: Weekday[];
  /** Local dates `YYYY-MM-DD`: from the earliest receipt day to the latest day the figures counted (a due day, or the day the month's end belongs to). */
  from: string;
  to: string;
  /** The holidays in [from, to] by date: national (with their names) and the site calendar's own (name ''). */
  holidays: Array<{ date: string; name: string; source: 'national' | 'site' }>;
}

export { maskCaller } from './caller-mask.ts';

// ---- The calls behind a figure (issue 20): GET /api/calls, `tablero calls`, a call's story ----

/** Every figure of a KPI row whose stints can be listed; `sl_numerator`/`sl_denominator` are the SL's terms, `all` every stint of the range. */
export const CALL_FIGURES = [
  'offered', 'answered', 'answered_within', 'unanswered', 'abandoned', 'timeout', 'exit_key', 'exit_empty',
  'withdrawn', 'failed', 'refused', 'short_abandoned', 'out_of_hours', 'cut_by_restart', 'sl_numerator', 'sl_denominator', 'all',
] as const;
export type CallFigure = (typeof CALL_FIGURES)[number];

/** Outcomes a stored stint can have (the KPI outcomes and a PBX restart). */
export const STINT_OUTCOMES = [...OUTCOMES, 'cut_by_restart'] as const;
export type StintOutcome = (typeof STINT_OUTCOMES)[number];

/** newest / oldest: by enter time; longest_wait / longest_talk: by that time, longest first (none last), then newest. */
export const CALL_ORDERS = ['newest', 'oldest', 'longest_wait', 'longest_talk'] as const;
export type CallOrder = (typeof CALL_ORDERS)[number];

/** The largest page of calls one request reads. */
export const MAX_CALLS_PAGE = 1000;

/** The KPI query plus what picks the stints behind one figure (docs/interfaces.md, GET /api/calls). */
export interface CallsQuery extends KpiQuery {
  /** Default `all`. */
  figure?: CallFigure;
  outcomes?: StintOutcome[];
  /** Only stints whose known wait is (true) or is not (false) within T of their definition. */
  within_t?: boolean;
  agent?: string;
  /** A period key of a KPI row (`2026-11`, `2026-11-03`, `2026-11-03T14`, `2026-11-03T14:15`): that row's cell. Its form sets `by` when `by` is not given. */
  period?: string;
  /** 1..MAX_CALLS_PAGE, default 100. */
  limit?: number;
  /** `next_cursor` of the previous page (same query). */
  cursor?: string;
  /** Default `newest` (enter time descending). */
  order?: CallOrder;
}

/** One stint of a list of calls; `caller` is in full from the processor, masked per role by the dashboard. */
export interface CallListRow {
  stint_id: string;
  site: string;
  queue: string;
  callid: string;
  /** The period key of the KPI row the stint is counted in (the query's `by`). */
  period: string;
  /** ISO 8601 UTC. */
  enter_ts: string;
  end_ts: string;
  caller: string;
  wait_s: number | null;
  talk_s: number | null;
  outcome: StintOutcome;
  agent: string;
  transferred: boolean;
  in_hours: boolean;
  short_abandon: boolean;
  within_t: boolean;
  /** Every figure of its KPI row the stint is counted in, by its own definition (`all` left out). */
  figures: Exclude<CallFigure, 'all'>[];
}

/** What a page of a list adds to each row: the call's tickets and QA evaluations (links on the list page). */
export interface CallLinks {
  /** Ids of the tickets (escalations) that name the stint's call. */
  tickets: string[];
  /** QA evaluations stored on the call (newest version of each). */
  evaluations: number;
}

export interface CallsPage {
  /** Stints of the whole list (every page): equals the KPI row's figure. */
  total: number;
  /** The definition as the KPI row states it (the newest piece's with stints in the list). */
  definition: StatedDefinition;
  /** Time zone of the periods and of local `from`/`to`. */
  tz: string;
  rows: Array<CallListRow & CallLinks>;
  /** null on the last page. */
  next_cursor: string | null;
}

/** What a list states before its rows (the CSV's and the CLI's head). */
export type CallsPageStart = Omit<CallsPage, 'rows' | 'next_cursor'>;

/** A stored queue_log line of a call. */
export interface CallStoryEvent {
  ts: string;
  source: string;
  offset: number;
  queue: string;
  agent: string;
  verb: string;
  wait_s: number | null;
  talk_s: number | null;
  caller: string;
  info: string;
  data: string[];
}

/** A rejected line that names the call (data quality). */
export interface CallStoryRejection {
  source: string;
  offset: number;
  line_no: number;
  raw: string;
  reason: string;
  rejected_at: string;
}

/**
 * A stored CDR row of a call (a leg): the rows grouped into the call by the funnel's one rule
 * (kpi-definitions §13: same linkedid, else same uniqueid). Times ISO UTC; `src`, `dst`, `clid`
 * and the texts that may carry a number come in full, masked by the dashboard per role.
 */
export interface CallStoryCdrLeg {
  start: string;
  answer: string | null;
  end: string;
  src: string;
  dst: string;
  /** The dialled number where the PBX fills it ('' otherwise). */
  did: string;
  clid: string;
  dcontext: string;
  channel: string;
  dstchannel: string;
  lastapp: string;
  lastdata: string;
  duration: number;
  billsec: number;
  disposition: string;
  uniqueid: string;
  linkedid: string;
  /** null where the CDR has no sequence column (before Asterisk 12's newcdrcolumns). */
  sequence: number | null;
  userfield: string;
  accountcode: string;
}

/** A call's whole story (GET /api/calls/:site/:callid); `caller` fields in full, masked by the dashboard. */
export interface CallStory {
  site: string;
  callid: string;
  /** The zone the stints' periods are in (the site calendar's); the story page writes times in it. */
  tz: string;
  events: CallStoryEvent[];
  /** Each stint with the figures it is counted in, by the definition in force when it entered. */
  stints: CallListRow[];
  surveys: Array<{ survey_id: string; ts: string; queue: string; agent: string; dimension: string; score: number }>;
  /** Tickets that name the call (escalations), as the escalations page shows them. */
  tickets: EscalationTicket[];
  evaluations: Array<{ evaluation_id: string; version: number; kind: string; session_id: string; form_id: string; analyst: string; score: number | null; band: string; created_at: string }>;
  calibration_sessions: Array<{ session_id: string; title: string; form_id: string; deadline: string; created_by: string }>;
  /** From the QA settings' recording URL template; null when none is configured. */
  recording_url: string | null;
  rejected_lines: CallStoryRejection[];
  /** The call's stored CDR legs, by start then sequence; [] when no CDR is stored for it. */
  cdr_legs: CallStoryCdrLeg[];
}

// ---- Quality (issue #8; additive): forms, evaluations, calibration, surveys, monthly report ----
export * from './quality/contract.ts';
export * from './campaigns/contract.ts';

/**
 * The processor's storage health (Processor.health(); /api/health's `processor`, the data quality
 * page). Degraded while a commit has waited longer than the stall limit to be stored; the
 * counters say what the store refused (split inserts; rows dead-lettered with their reason).
 */
export interface ProcessorHealth {
  status: 'ok' | 'degraded';
  /** Why degraded (English, for operators and logs; the SPA words it from the other fields). */
  reason: string | null;
  /** Seconds the oldest unstored commit has waited, when degraded. */
  stalled_s: number | null;
  stored_commits: number;
  split_inserts: number;
  refused_rows: number;
  last_refusal: { reason: string; table: string; at_ms: number } | null;
}

/**
 * The processor's storage health on the live bus, every PROCESSOR_HEALTH_EVERY_MS, so a dashboard
 * in another process (the NATS topology) can report it: `kpi.processor`. Not forwarded to browsers.
 */
export const PROCESSOR_HEALTH_SUBJECT = 'kpi.processor';
export const PROCESSOR_HEALTH_EVERY_MS = 2_000;
export interface ProcessorHealthMessage extends ProcessorHealth {
  type: 'processor_health';
  /** When it was published (epoch ms): a dashboard that stops hearing it reports the processor silent. */
  at_ms: number;
}

// ---- Call funnel from CDR (issue 16; docs/kpi-definitions.md §13) ----

/** The funnel query (`tablero funnel`, GET /api/funnel, the funnel page). */
export interface FunnelQuery {
  /** Same formats as KpiQuery.from (local in `tz`). */
  from: string;
  /** Exclusive. */
  to: string;
  /** Only these services (default all configured). */
  services?: string[];
  by?: KpiGrouping;
  tz?: string;
  site?: string;
}

/** What a funnel row states about how it was counted (kpi-definitions §13). */
export interface FunnelDefinition {
  site: string;
  tz: string;
  /** How the service's inbound calls are recognised: any leg in one of these contexts and/or to one of these DIDs. */
  contexts: string[];
  dids: string[];
  /** Where the IVR option is read: `none`, `queue_log:<verb>` (and INFO|IVRAPPEND), `userfield`, `lastdata:<app>`. */
  ivr_source: string;
  /** IVR options that ask for an agent. */
  agent_options: string[];
  /** CDR legs grouped by linkedid, else by uniqueid; stints joined by callid = a leg's uniqueid. */
  grouping: 'linkedid_else_uniqueid';
  /** T of each queue (the resolver, at the end of the range) that answered calls of the row. */
  thresholds: Array<{ queue: string; threshold_s: number; strict: boolean; settings_version: number }>;
  /** A queue's T changed inside the range: each call was judged by the T in force when its answering stint entered. */
  spans_change: boolean;
}

/**
 * One row of `tablero funnel --json` and GET /api/funnel: calls (not stints) of one service in one
 * local period (the period of the call's first CDR leg). Identities:
 * ingresadas = ivr_only + asked_agent; asked_agent = offered + refused + lost_before_queue;
 * offered = answered + abandoned + other_exit.
 */
export interface FunnelRow {
  service: string;
  period: string;
  ingresadas: number;
  ivr_only: number;
  asked_agent: number;
  lost_before_queue: number;
  refused: number;
  offered: number;
  answered: number;
  answered_within: number;
  abandoned: number;
  other_exit: number;
  /** Ingresadas per IVR option ('' = none recorded), options sorted. */
  by_option: Array<{ option: string; calls: number }>;
  definition: FunnelDefinition;
}

/** Every count column of a funnel row: each is a per-call yes/no whose sum is the figure (queries/funnel-calls-judged.sql). */
export const FUNNEL_FIGURES = [
  'ingresadas', 'ivr_only', 'asked_agent', 'lost_before_queue', 'refused', 'offered', 'answered', 'answered_within', 'abandoned', 'other_exit',
] as const;
export type FunnelFigure = (typeof FUNNEL_FIGURES)[number];

/** Longest page of GET /api/funnel/calls (the default is 100). */
export const FUNNEL_CALLS_MAX_LIMIT = 1000;

/** The calls behind one figure of one funnel row (GET /api/funnel/calls, docs/interfaces.md). */
export interface FunnelCallsQuery extends Omit<FunnelQuery, 'services'> {
  service: string;
  /** The row's period as GET /api/funnel writes it (e.g. `2026-11-09`, `2026-11-09T14:15` by interval). */
  period: string;
  figure: FunnelFigure;
  /** Only calls of this IVR option ('' = none recorded): a `by_option` cell is `ingresadas` with its option. */
  option?: string;
  limit?: number;
  offset?: number;
}

/** One call of a funnel figure's list: start ISO UTC; uniqueids of its legs in leg order (the first opens its story). */
export interface FunnelCallRow {
  call_key: string;
  start: string;
  service: string;
  option: string;
  uniqueids: string[];
  /** The queue of its first answered stint ('' = not answered). */
  answer_queue: string;
  /** Outcome of its last stint that entered a queue ('' = none). */
  last_outcome: string;
  /** The first leg's CDR src (the caller), masked per role by the dashboard. */
  src: string;
}

export interface FunnelCallsPage {
  /** Every call of the figure (the funnel row's figure, always); `rows` is one page of them. */
  total: number;
  /** The funnel row's definition, and which figure, row and option the list is. */
  definition: FunnelDefinition & { figure: FunnelFigure; service: string; period: string; option: string | null };
  rows: FunnelCallRow[];
}

// ---- Typification and first-contact resolution (issue 16; docs/kpi-definitions.md §14) ----

export interface FcrQuery {
  from: string;
  to: string;
  queues?: string[];
  by?: KpiGrouping;
  tz?: string;
  site?: string;
}

/**
 * One row of `tablero fcr --json` and GET /api/fcr: answered calls of one queue in one local
 * period (the answered stint's enter time), their typification by the agent and whether the
 * caller called the same queue again. Declared and measured FCR side by side.
 */
export interface FcrRow {
  queue: string;
  period: string;
  answered: number;
  /** Answered calls with a typification event. */
  typified: number;
  by_category: Array<{ category: string; calls: number }>;
  declared_resolved: number;
  declared_escalated: number;
  /** declared_resolved / typified x 100; null without typified calls. */
  declared_fcr_pct: number | null;
  /** Answered calls with a usable caller number (not blank, not anonymous). */
  eligible: number;
  /** Eligible calls whose caller entered the same queue again within the repeat window. */
  repeat_calls: number;
  /** Eligible calls that did not repeat but led to a ticket (ticket_events.call_id). */
  with_ticket: number;
  /** eligible - repeat_calls - with_ticket. */
  measured_resolved: number;
  measured_fcr_pct: number | null;
  repeat_rate_pct: number | null;
  definition: TypificationDefinition & {
    site: string;
    tz: string;
    /** Every call of the row is older than the repeat window: the measured figures will not change. */
    window_complete: boolean;
  };
}

/** The typification settings a FCR row states (kpi-definitions §14; `TABLERO_TYPIFICATION`). */
export interface TypificationDefinition {
  /** The custom queue_log verb the agent's desktop or the dialplan writes (matched without case). */
  verb: string;
  /** 1-based data field of the category and of the result: `<verb>|<category>|<result>` = 1 and 2. */
  category_field: number;
  result_field: number;
  /** Result values (without case) that mean resolved / escalated; any other counts as typified only. */
  resolved: string[];
  escalated: string[];
  /** A caller who enters the same queue again within this many days did not get first-contact resolution. */
  repeat_window_days: number;
}

// ---- Contacts of other channels (issue 17; kpi-definitions §15) ----

export const CONTACT_GROUPINGS = ['month', 'day', 'hour'] as const;
export type ContactGrouping = (typeof CONTACT_GROUPINGS)[number];

/** GET /api/contacts/kpis, `tablero contacts`, the Reports page, the wallboard tiles, the monthly export. */
export interface ContactKpiQuery {
  /** Same formats as KpiQuery.from (local in `tz`). */
  from: string;
  /** Exclusive. */
  to: string;
  /** Default every channel. Rows exist for (channel, period) pairs with at least one contact. */
  channels?: string[];
  /** Default `day`. */
  by?: ContactGrouping;
  tz?: string;
  site?: string;
}

export interface ContactRatingStats {
  answers: number;
  /** Mean score 1..5, 2 decimals; null without answers. */
  mean: number | null;
  /** Answers of 4 or 5 / answers x 100; null without answers. */
  csat_pct: number | null;
}

export interface ContactKpiRow {
  channel: string;
  period: string;
  received: number;
  answered: number;
  abandoned: number;
  /** Closed without an answer. */
  unanswered: number;
  /** Still open without a first response when read. */
  waiting: number;
  answered_within: number;
  /** answered_within / (answered + abandoned + unanswered) x 100; null when that is 0. */
  within_pct: number | null;
  abandon_pct: number | null;
  /** First-response time of answered contacts, in the channel's basis (wall or business seconds). */
  first_response_avg_s: number | null;
  first_response_max_s: number | null;
  /** ended - first response of answered contacts that ended (wall seconds). */
  handled: number;
  handle_avg_s: number | null;
  /** Contacts with at least one rating. */
  rated: number;
  /** rated / answered x 100. */
  rating_response_pct: number | null;
  /** Every answer of every dimension: answers of 4 or 5 / answers x 100. */
  csat_pct: number | null;
  ratings: Record<string, ContactRatingStats>;
  definition: ContactDefinition;
}

export interface ContactDefinition {
  site: string;
  tz: string;
  /** The channel's settings in force at the end of the range (each contact is judged by the version in force when it arrived). */
  threshold_s: number;
  basis: 'wall' | 'business';
  strict: boolean;
  settings_version: number;
  /** True when the channel's settings changed inside the range. */
  spans_change: boolean;
}

/** GET /api/contacts/settings: each channel's settings in force now, the defaults and every stored version. */
export interface ContactSettingsView {
  site: string;
  channels: readonly string[];
  current: Record<string, { threshold_s: number; basis: 'wall' | 'business'; strict: boolean }>;
  current_version: number;
  defaults: Record<string, { threshold_s: number; basis: 'wall' | 'business'; strict: boolean }>;
  max_threshold_s: number;
  versions: Array<{ version: number; valid_from_ms: number; created_by: string; created_at_ms: number; settings: Record<string, { threshold_s: number; basis: 'wall' | 'business'; strict: boolean }> }>;
}
