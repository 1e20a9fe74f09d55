// Who may do what: the one list of roles and of the capabilities they carry, read by the
// server (every route's `access`, the visibility it hands the processor's services) and by the
// SPA (menus, tabs, buttons). Types and constants only, so the browser bundle pulls no server
// code. The server decides; the SPA only hides what the server would refuse anyway.

export const ROLES = ['admin', 'manager', 'supervisor', 'qa_analyst'] as const;
export type Role = (typeof ROLES)[number];

export const LANGS = ['es', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export type RoleList = readonly Role[];

export const ALL_ROLES: RoleList = ROLES;
export const ADMIN_ONLY: RoleList = ['admin'];

// ---- Pages and settings ----
/** Site settings (queues, calendars): read; admins alone change them (ADMIN_ONLY). */
export const SETTINGS_READERS: RoleList = ['admin', 'manager'];
/** The data-quality page (accepted and rejected lines, silent sources). */
export const DATA_QUALITY_READERS: RoleList = ['admin', 'manager', 'supervisor'];
/**
 * Monthly exports, closing a month, export runs and schedules. Managers and admins both edit
 * schedules: a schedule writes only inside the server's exports folder (TABLERO_EXPORTS_DIR),
 * and its e-mail goes to whom the person who may download the same files chooses.
 */
export const EXPORTERS: RoleList = ['manager', 'admin'];
/** The escalations page: tickets, their timelines and the monthly indicators. */
export const ESCALATION_READERS: RoleList = ['supervisor', 'manager', 'admin'];
/** Escalation terms and holidays: read; admins alone change them (ADMIN_ONLY). */
export const ESCALATION_SETTINGS_READERS: RoleList = ['manager', 'admin'];
/** Agents' reports (per-agent performance and pauses). */
export const AGENT_REPORT_READERS: RoleList = ['admin', 'manager', 'supervisor'];
/** Who sees waiting and abandoned callers' numbers in full on the live view (to call them back) and in the lists of calls. */
export const LIVE_CALLER_NUMBER_READERS: RoleList = ['admin', 'manager', 'supervisor'];
/** Who lists the calls behind a figure and opens a call's story (supervisors: every queue for now). */
export const CALL_LIST_READERS: RoleList = ALL_ROLES;
/** Who opens the calls behind a wallboard figure (logged in; a kiosk TV never does). */
export const WALLBOARD_DRILLERS: RoleList = ['admin', 'manager', 'supervisor'];
/** Who downloads a whole list of calls as CSV or XLSX. */
export const CALL_LIST_DOWNLOADERS: RoleList = ['manager', 'admin', 'supervisor'];

// ---- Quality monitoring (QA) ----
/** Everyone who reads quality results (supervisors: only the agents of teams they supervise). */
export const QA_READERS: RoleList = ALL_ROLES;
/** Who scores calls. */
export const QA_SCORERS: RoleList = ['admin', 'qa_analyst'];
/** Who runs forms, samples and calibration sessions (and, invited, scores in them); reads the QA settings. */
export const QA_COORDINATORS: RoleList = ['admin', 'manager', 'qa_analyst'];
/** Who edits the teams that decide whose results a supervisor sees. */
export const QA_TEAM_EDITORS: RoleList = ['admin', 'manager'];
/** Who changes the QA settings (recording link, default target). */
export const QA_SETTINGS_EDITORS: RoleList = ADMIN_ONLY;
/** Who downloads the monthly quality report files (every agent and team; supervisors read the screen). */
export const QA_REPORT_DOWNLOADERS: RoleList = ['admin', 'manager', 'qa_analyst'];
/** Who sees every agent's results and the calibration results; the others see their teams'. */
export const QA_ALL_AGENTS_READERS: RoleList = ['admin', 'manager', 'qa_analyst'];
/** Who sees callers' numbers in full on monitored calls (the others see the last 3 digits). */
export const QA_CALLER_NUMBER_READERS: RoleList = ['admin', 'qa_analyst'];
/** Who sees every calibration session (and its statistics) without being invited to it. */
export const QA_CALIBRATION_OVERSEERS: RoleList = ['admin', 'manager'];

// ---- Outbound campaigns (issue 17) ----
/**
 * Campaign coordinators: create campaigns, import contact lists and results, read the figures
 * and download the consolidated results file for the client. Tablero has no separate
 * "coordinator" role: whoever coordinates an outbound team signs in as a supervisor (or a
 * manager, or an admin), so this capability names those three roles.
 */
export const CAMPAIGN_COORDINATORS: RoleList = ['admin', 'manager', 'supervisor'];
/** Who changes the campaign settings (result codes, phone prefixes, outbound contexts, match window). */
export const CAMPAIGN_SETTINGS_EDITORS: RoleList = ['admin', 'manager'];

// ---- Training / knowledge evaluations (issue 17, QA area) ----
/** Who enters or imports training test results (reading them follows QA_READERS and the teams). */
export const TRAINING_EDITORS: RoleList = QA_COORDINATORS;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/** Whether `role` is in `list`; no role (logged out, a kiosk) is in none. */
export function roleAllowed(list: RoleList, role: string | null | undefined): boolean {
  return isRole(role) && list.includes(role);
}

/** The header a kiosk TV's wallboard sends its token in for the `board` reads (its REST tiles). */
export const KIOSK_HEADER = 'x-tablero-kiosk';
