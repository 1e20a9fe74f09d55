// The audit trail (table `audit_log`, migration 070): who did what, when and from where. Failed
// logins and logins are also what the login throttle counts, so its state lives in the store and
// holds across restarts and several dashboard processes. Never holds a password.
import { TABLES, type ClickHouse } from '@tablero/sql';
import type { LoginAttempt } from '../core/login-throttle.ts';
import { chTime, insert, select } from './rows.ts';

export const AUDIT_ACTIONS = [
  'login',
  'login_failed',
  'login_locked',
  'logout',
  'password_changed',
  'password_reset',
  'role_changed',
  'user_disabled',
  'user_enabled',
  'user_created',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  atMs: number;
  /** Who acted: a username (for a login attempt, the name given), or `cli` for the local API token. */
  actor: string;
  action: AuditAction;
  /** The account acted upon; '' when none (a lockout of an address). */
  target: string;
  /** The client address, '' when there is none (the CLI on the store). */
  address: string;
  detail?: Readonly<Record<string, string | number | boolean>>;
}

export async function recordAudit(ch: ClickHouse, e: AuditEntry): Promise<void> {
  await insert(ch, TABLES.auditLog, {
    at: chTime(e.atMs),
    actor: e.actor,
    action: e.action,
    target: e.target,
    address: e.address,
    detail: JSON.stringify(e.detail ?? {}),
  });
}

/** Bound on the attempts read per login: the throttle itself keeps the real number far lower. */
const MAX_ATTEMPTS_READ = 5_000;

/** Logins and failed logins since `sinceMs` naming `username` or coming from `address`, oldest first. */
export async function loginAttempts(ch: ClickHouse, username: string, address: string, sinceMs: number): Promise<LoginAttempt[]> {
  const rows = await select<{ action: string; target: string; address: string; at_ms: string | number }>(
    ch,
    `SELECT action, target, address, toUnixTimestamp64Milli(at) AS at_ms FROM ${TABLES.auditLog}
     WHERE at >= {since:DateTime64(3, 'UTC')} AND action IN ('login', 'login_failed')
       AND (target = {username:String} OR address = {address:String})
     ORDER BY at DESC LIMIT ${MAX_ATTEMPTS_READ}`,
    { since: chTime(sinceMs), username, address },
  );
  return rows
    .map((r) => ({ ok: r.action === 'login', username: r.target, address: r.address, atMs: Number(r.at_ms) }))
    .reverse();
}

export interface AuditRow {
  at_ms: number;
  actor: string;
  action: string;
  target: string;
  address: string;
  detail: unknown;
}

/** The newest entries first (tests, and issue 17's audit page). */
export async function listAudit(ch: ClickHouse, limit = 1000): Promise<AuditRow[]> {
  const rows = await select<{ at_ms: string | number; actor: string; action: string; target: string; address: string; detail: string }>(
    ch,
    `SELECT toUnixTimestamp64Milli(at) AS at_ms, actor, action, target, address, detail FROM ${TABLES.auditLog}
     ORDER BY at DESC, action LIMIT {limit:UInt32}`,
    { limit },
  );
  return rows.map((r) => ({ ...r, at_ms: Number(r.at_ms), detail: JSON.parse(r.detail) as unknown }));
}
