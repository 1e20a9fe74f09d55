// The audit trail (table `audit_log`, migration 070): who did what, when and from where. Failed
// logins and logins are also what the login throttle counts, so its state lives in the store and
// holds across restarts and several dashboard processes. Never holds a password.
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { TABLES, type ClickHouse } from '@tablero/sql';
import type { LoginAttempt } from '../core/login-throttle.ts';
import { chTime, insert, select } from './rows.ts';

export { AUDIT_ACTIONS, USER_ACTIONS, isAuditAction, type AuditAction } from '../../shared/audit.ts';
import type { AuditAction } from '../../shared/audit.ts';

export type AuditValue = string | number | boolean | null | AuditValue[] | { [k: string]: AuditValue };

export interface AuditEntry {
  atMs: number;
  /**
   * Who acted: a username (for a login attempt, the name given); `cli` for the local API token;
   * `cli:<os user>` for a CLI command working on the store directly; `config` for a change of the
   * server's configuration seen at start (source tokens).
   */
  actor: string;
  action: AuditAction;
  /** What was acted upon (an account, a token hash, `site/queue`, a form id...); '' when none. */
  target: string;
  /** The client address, '' when there is none (the CLI on the store). */
  address: string;
  /** What changed: `before` and `after` (secrets redacted) and any facts of the change. */
  detail?: Readonly<Record<string, unknown>>;
}

/** Keys whose values never reach the audit trail: passwords, tokens, secrets and their hashes (not a test's `pass_mark`). */
const SECRET_KEY = /^pass$|passw(or)?d|passphrase|secret|token|hash|csrf|cookie|authorization/i;
export const REDACTED = '[redacted]';

/** A copy of `v` with the value of every secret-looking key replaced by `[redacted]` (any depth). */
export function redact(v: unknown, depth = 0): AuditValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (depth > 8) return '[deep]';
  if (Array.isArray(v)) return v.map((x) => redact(x, depth + 1));
  if (typeof v === 'object') {
    const out: Record<string, AuditValue> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = SECRET_KEY.test(k) ? REDACTED : redact(x, depth + 1);
    return out;
  }
  return String(v);
}

/**
 * Appends one entry. The table is append-only: no code path updates or deletes its rows (the
 * dashboard has no route that writes to it other than by acting, see audit-immutable test).
 */
export async function recordAudit(ch: ClickHouse, e: AuditEntry): Promise<void> {
  await insert(ch, TABLES.auditLog, {
    at: chTime(e.atMs),
    id: randomUUID(),
    actor: e.actor,
    action: e.action,
    target: e.target,
    address: e.address,
    detail: JSON.stringify(redact(e.detail ?? {})),
  });
}

/** The actor of a CLI command working on the store directly: `cli:<os user>`. */
export function cliActor(): string {
  let name = '';
  try {
    name = userInfo().username;
  } catch {
    name = process.env['USER'] ?? '';
  }
  return `cli:${name || 'unknown'}`;
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
  id: string;
  at_ms: number;
  actor: string;
  action: string;
  target: string;
  address: string;
  detail: unknown;
}

export interface AuditFilter {
  /** [from_ms, to_ms) */
  from_ms?: number;
  to_ms?: number;
  actor?: string;
  /** One or more actions. */
  actions?: readonly string[];
  /** A substring of the target (case-insensitive). */
  target?: string;
}

export const MAX_AUDIT_PAGE = 500;

function where(f: AuditFilter): { sql: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (f.from_ms !== undefined) {
    parts.push(`at >= {from:DateTime64(3, 'UTC')}`);
    params['from'] = chTime(f.from_ms);
  }
  if (f.to_ms !== undefined) {
    parts.push(`at < {to:DateTime64(3, 'UTC')}`);
    params['to'] = chTime(f.to_ms);
  }
  if (f.actor !== undefined && f.actor !== '') {
    parts.push('actor = {actor:String}');
    params['actor'] = f.actor;
  }
  if (f.actions !== undefined && f.actions.length > 0) {
    parts.push('action IN {actions:Array(String)}');
    params['actions'] = [...f.actions];
  }
  if (f.target !== undefined && f.target !== '') {
    parts.push('positionCaseInsensitiveUTF8(target, {target:String}) > 0');
    params['target'] = f.target;
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

type RawAuditRow = { id: string; at_ms: string | number; actor: string; action: string; target: string; address: string; detail: string };
const toRow = (r: RawAuditRow): AuditRow => ({ ...r, at_ms: Number(r.at_ms), detail: JSON.parse(r.detail) as unknown });
const COLUMNS = 'id, toUnixTimestamp64Milli(at) AS at_ms, actor, action, target, address, detail';

/** One page of entries matching `f`, newest first, and how many match in all. */
export async function queryAudit(ch: ClickHouse, f: AuditFilter, page: { offset: number; limit: number }): Promise<{ total: number; rows: AuditRow[] }> {
  const w = where(f);
  const [count, rows] = await Promise.all([
    select<{ n: string | number }>(ch, `SELECT count() AS n FROM ${TABLES.auditLog} ${w.sql}`, w.params),
    select<RawAuditRow>(
      ch,
      `SELECT ${COLUMNS} FROM ${TABLES.auditLog} ${w.sql} ORDER BY at DESC, id DESC LIMIT {limit:UInt32} OFFSET {offset:UInt64}`,
      { ...w.params, limit: Math.min(page.limit, MAX_AUDIT_PAGE), offset: page.offset },
    ),
  ]);
  return { total: Number(count[0]?.n ?? 0), rows: rows.map(toRow) };
}

/** Every entry matching `f`, oldest first (the CSV/XLSX export), at most `max`. */
export async function allAudit(ch: ClickHouse, f: AuditFilter, max: number): Promise<AuditRow[]> {
  const w = where(f);
  const rows = await select<RawAuditRow>(ch, `SELECT ${COLUMNS} FROM ${TABLES.auditLog} ${w.sql} ORDER BY at, id LIMIT {max:UInt32}`, { ...w.params, max });
  return rows.map(toRow);
}

/** The newest entries first (tests). */
export async function listAudit(ch: ClickHouse, limit = 1000): Promise<AuditRow[]> {
  const rows = await select<RawAuditRow>(ch, `SELECT ${COLUMNS} FROM ${TABLES.auditLog} ORDER BY at DESC, id DESC LIMIT {limit:UInt32}`, { limit });
  return rows.map(toRow);
}

/**
 * Source tokens live in the server's configuration (TABLERO_SOURCE_TOKENS), not behind a route: at
 * each start the configured set (site:name and the first 12 hex digits of each token's SHA-256,
 * never the token) is compared with the one last recorded, and a difference is recorded with actor
 * `config`. Returns whether an entry was written.
 */
export async function auditSourceTokens(ch: ClickHouse, tokens: Readonly<Record<string, { site: string; name: string }>>, atMs: number): Promise<boolean> {
  const now = Object.entries(tokens).map(([hash, s]) => `${s.site}:${s.name}#${hash.toLowerCase().slice(0, 12)}`).sort();
  const last = await select<{ detail: string }>(
    ch,
    `SELECT detail FROM ${TABLES.auditLog} WHERE action = 'source_tokens_changed' ORDER BY at DESC, id DESC LIMIT 1`,
  );
  const before = last[0] ? ((JSON.parse(last[0].detail) as { after?: { sources?: string[] } }).after?.sources ?? []) : [];
  if (before.join(',') === now.join(',')) return false;
  const added = now.filter((x) => !before.includes(x));
  const removed = before.filter((x) => !now.includes(x));
  await recordAudit(ch, { atMs, actor: 'config', action: 'source_tokens_changed', target: 'TABLERO_SOURCE_TOKENS', address: '', detail: { before: { sources: before }, after: { sources: now }, added, removed } });
  return true;
}
