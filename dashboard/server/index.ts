// Public API of the dashboard server, used by the composition root (the `tablero` CLI).
export { buildApp, CSRF_HEADER } from './app.ts';
export { startDashboard, type RunningDashboard } from './start.ts';
export type { CallsPort, DashboardDeps, DashboardOptions, PushRequest, ReportsPort, SaveResult, SettingsDeps, SettingsVersionInfo } from './types.ts';
export type { DashboardBus } from './bus/dashboard-bus.ts';
export { ROLES, LANGS, isRole, type Role, type Lang } from './core/roles.ts';
export { SESSION_COOKIE } from './auth/sessions.ts';
export { SessionSecretError, MIN_SECRET_BYTES } from './core/session.ts';
export { createUser, countUsers, createKioskToken, findUser, removeUser, revokeKioskToken, sha256Hex, updateUser } from './store/auth-store.ts';
export { FIRST_START_KIOSK_LABEL } from '../shared/kiosk.ts';
export { InvalidUserError, DuplicateUserError, KioskTokenNotFoundError, PasswordPolicyError } from './errors.ts';
export { checkPassword } from './auth/common-passwords.ts';
export { PASSWORD_PROBLEM_TEXT, MIN_PASSWORD_LENGTH } from '../shared/password-policy.ts';
export { cliActor, listAudit, recordAudit } from './store/audit-store.ts';
export { auditFile } from './store/audit-files.ts';
export type { HelloMessage } from './live/hub.ts';
export type { ExportsPort, MonthlyExportQuery } from './routes/exports.ts';
export type { EscalationsPort, TicketDetailView } from './routes/escalations.ts';
export type { QualityReportsPort, QaReportFormat } from './routes/qa.ts';
