// Users and kiosk tokens in ClickHouse (tables from sql/migrations/004_users.sql). Both tables
// are ReplacingMergeTree(updated_at): a change is a new row with a newer updated_at, and reads
// use FINAL so only the newest row per key is seen. Passwords and kiosk tokens are stored only
// as hashes.
import { createHash, randomBytes } from 'node:crypto';
import { TABLES, type ClickHouse } from '@tablero/sql';
import { hashPassword } from '../auth/password.ts';
import { chTime, insert, select } from './rows.ts';
import { checkPassword } from '../auth/common-passwords.ts';
import { DuplicateUserError, InvalidUserError, KioskTokenNotFoundError, PasswordPolicyError } from '../errors.ts';
import { isLang, isRole, ROLES, type Lang, type Role } from '../core/roles.ts';
import { MAX_QUEUE_LENGTH, MAX_QUEUES } from '../../shared/kpi-query-limits.ts';
import { SITE_ID } from '../core/live-scope.ts';

/** "role must be admin, manager, supervisor or qa_analyst", from the one role list. */
const BAD_ROLE = `role must be ${ROLES.slice(0, -1).join(', ')} or ${ROLES[ROLES.length - 1]}`;

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export interface StoredUser {
  username: string;
  password_hash: string;
  role: Role;
  lang: Lang;
  disabled: boolean;
  /** The queues a supervisor supervises (the calls they may list); empty = every queue. */
  queues: string[];
}

export interface UserInfo {
  username: string;
  /** As stored; a role this version does not know is listed as is (and grants nothing). */
  role: string;
  lang: Lang;
  disabled: boolean;
  queues: string[];
  updated_at_ms: number;
}

export interface KioskTokenInfo {
  hash: string;
  label: string;
  created_by: string;
  created_at_ms: number;
  revoked: boolean;
  /** The sites its wallboard shows (migration 132); empty = every site. */
  sites: string[];
  /** The queues its wallboard shows; empty = every queue. */
  queues: string[];
}

/** What a kiosk link shows: some sites and/or some queues (empty lists = all). */
export interface KioskScope {
  sites?: string[];
  queues?: string[];
}

let lastVersionMs = 0;
/**
 * Row versions must grow even when two changes land in the same millisecond, or FINAL could
 * keep the older row.
 */
function nextVersion(): number {
  lastVersionMs = Math.max(Date.now(), lastVersionMs + 1);
  return lastVersionMs;
}


export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

const HASH_HEX = /^[0-9a-f]{64}$/;


interface UserRow {
  username: string;
  password_hash: string;
  role: string;
  lang: string;
  disabled: boolean | number;
  queues: string[];
  updated_at_ms: string | number;
}

function toStored(r: UserRow): StoredUser | null {
  // A row with a role this version does not know gets no access rather than a guessed one.
  if (!isRole(r.role)) return null;
  return {
    username: r.username,
    password_hash: r.password_hash,
    role: r.role,
    lang: isLang(r.lang) ? r.lang : 'es',
    disabled: Boolean(r.disabled),
    queues: r.queues ?? [],
  };
}

/**
 * The newest row of every user that is not removed (migration 103). The `removed` filter runs on
 * the FINAL rows in an outer query, so an older row of a removed user can never show through.
 */
const CURRENT_USERS = `SELECT * FROM (
  SELECT username, password_hash, role, lang, disabled, queues, removed, toUnixTimestamp64Milli(updated_at) AS updated_at_ms
  FROM ${TABLES.users} FINAL) WHERE NOT removed`;

export async function findUser(ch: ClickHouse, username: string): Promise<StoredUser | null> {
  const rows = await select<UserRow>(
    ch,
    `${CURRENT_USERS} AND username = {username:String} LIMIT 1`,
    { username },
  );
  const row = rows[0];
  return row ? toStored(row) : null;
}

/**
 * The queues a session's user supervises when the list narrows what they see (a supervisor
 * with a non-empty users.queues, signed in: API tokens are not narrowed), else null. Re-read on
 * each call: a changed list applies at once, like a changed role. GET /api/calls and the live
 * feed both narrow by it.
 */
export async function supervisedQueues(ch: ClickHouse, s: { username: string; role: string; viaToken: boolean }): Promise<string[] | null> {
  if (s.role !== 'supervisor' || s.viaToken) return null;
  const user = await findUser(ch, s.username);
  return user && user.queues.length > 0 ? user.queues : null;
}

export async function listUsers(ch: ClickHouse): Promise<UserInfo[]> {
  const rows = await select<UserRow>(
    ch,
    `${CURRENT_USERS} ORDER BY username`,
  );
  return rows.map((r) => ({
    username: r.username,
    role: r.role,
    lang: isLang(r.lang) ? r.lang : 'es',
    disabled: Boolean(r.disabled),
    queues: r.queues ?? [],
    updated_at_ms: Number(r.updated_at_ms),
  }));
}

export async function countUsers(ch: ClickHouse): Promise<number> {
  const rows = await select<{ n: string | number }>(ch, `SELECT count() AS n FROM (${CURRENT_USERS})`);
  return Number(rows[0]?.n ?? 0);
}

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  lang?: Lang;
  queues?: string[];
}

/** A user's queue list: each queue 1 to MAX_QUEUE_LENGTH characters, at most MAX_QUEUES, no repeats. */
export function checkUserQueues(queues: unknown): string[] {
  if (!Array.isArray(queues) || queues.length > MAX_QUEUES || queues.some((q) => typeof q !== 'string' || q.length === 0 || q.length > MAX_QUEUE_LENGTH || q.trim() !== q)) {
    throw new InvalidUserError('queues', `queues must be a list of at most ${MAX_QUEUES} queue names of 1 to ${MAX_QUEUE_LENGTH} characters`);
  }
  return [...new Set(queues as string[])].sort();
}

/** Throws PasswordPolicyError (an InvalidUserError naming the password) when the policy refuses it. */
export function assertPasswordPolicy(password: string): void {
  const problem = checkPassword(password);
  if (problem !== null) throw new PasswordPolicyError(problem);
}

/** Checks a new user's fields; throws InvalidUserError naming the first bad one. */
export function validateNewUser(u: { username: unknown; password: unknown; role: unknown; lang?: unknown; queues?: unknown }): void {
  if (typeof u.username !== 'string' || !USERNAME_PATTERN.test(u.username)) {
    throw new InvalidUserError('username', 'username must be 1 to 64 letters, digits or . _ @ - (starting with a letter or digit)');
  }
  if (typeof u.password !== 'string') throw new PasswordPolicyError('blank');
  assertPasswordPolicy(u.password);
  if (!isRole(u.role)) throw new InvalidUserError('role', BAD_ROLE);
  if (u.lang !== undefined && !isLang(u.lang)) throw new InvalidUserError('lang', 'lang must be es or en');
  if (u.queues !== undefined) checkUserQueues(u.queues);
}

/** Creates a user; throws InvalidUserError for bad fields and DuplicateUserError if the name is taken. */
export async function createUser(ch: ClickHouse, u: NewUser): Promise<void> {
  validateNewUser(u);
  if (await findUser(ch, u.username)) throw new DuplicateUserError(u.username);
  await insert(ch, TABLES.users, {
    username: u.username,
    password_hash: await hashPassword(u.password),
    role: u.role,
    lang: u.lang ?? 'es',
    disabled: false,
    queues: u.queues === undefined ? [] : checkUserQueues(u.queues),
    updated_at: chTime(nextVersion()),
  });
}

export async function setUserLang(ch: ClickHouse, username: string, lang: Lang): Promise<StoredUser | null> {
  const user = await findUser(ch, username);
  if (!user) return null;
  const updated: StoredUser = { ...user, lang };
  await insert(ch, TABLES.users, { ...updated, updated_at: chTime(nextVersion()) });
  return updated;
}

export interface UserChanges {
  role?: Role;
  disabled?: boolean;
  password?: string;
  lang?: Lang;
  queues?: string[];
}

/**
 * Changes a user's role, disabled flag, password or language (a new row version). Returns the
 * user as now stored, or null when there is no such user; throws InvalidUserError for bad fields.
 * Sessions re-read the user on every request, so a disabled user or a new role applies at once.
 */
export async function updateUser(ch: ClickHouse, username: string, changes: UserChanges): Promise<UserInfo | null> {
  if (changes.role !== undefined && !isRole(changes.role)) throw new InvalidUserError('role', BAD_ROLE);
  if (changes.lang !== undefined && !isLang(changes.lang)) throw new InvalidUserError('lang', 'lang must be es or en');
  if (changes.password !== undefined) assertPasswordPolicy(changes.password);
  const queues = changes.queues === undefined ? undefined : checkUserQueues(changes.queues);
  const rows = await select<UserRow>(
    ch,
    `${CURRENT_USERS} AND username = {username:String} LIMIT 1`,
    { username },
  );
  const current = rows[0];
  if (!current) return null;
  const version = nextVersion();
  const next = {
    username: current.username,
    password_hash: changes.password === undefined ? current.password_hash : await hashPassword(changes.password),
    role: changes.role ?? current.role,
    lang: changes.lang ?? (isLang(current.lang) ? current.lang : 'es'),
    disabled: changes.disabled ?? Boolean(current.disabled),
    queues: queues ?? current.queues ?? [],
  };
  await insert(ch, TABLES.users, { ...next, updated_at: chTime(version) });
  return { username: next.username, role: next.role, lang: next.lang, disabled: next.disabled, queues: next.queues, updated_at_ms: version };
}

/**
 * Removes a user (a new row version marked removed; the name may be created again later). Returns
 * the user as it was, or null when there is no such user.
 */
export async function removeUser(ch: ClickHouse, username: string): Promise<UserInfo | null> {
  const rows = await select<UserRow>(ch, `${CURRENT_USERS} AND username = {username:String} LIMIT 1`, { username });
  const current = rows[0];
  if (!current) return null;
  await insert(ch, TABLES.users, {
    username: current.username,
    password_hash: '',
    role: current.role,
    lang: current.lang,
    disabled: true,
    queues: current.queues ?? [],
    removed: true,
    updated_at: chTime(nextVersion()),
  });
  return {
    username: current.username,
    role: current.role,
    lang: isLang(current.lang) ? current.lang : 'es',
    disabled: Boolean(current.disabled),
    queues: current.queues ?? [],
    updated_at_ms: Number(current.updated_at_ms),
  };
}

interface KioskRow {
  token_hash: string;
  label: string;
  created_by: string;
  created_at_ms: string | number;
  revoked: boolean | number;
  sites: string[];
  queues: string[];
}

function toKioskInfo(r: KioskRow): KioskTokenInfo {
  return {
    hash: r.token_hash,
    label: r.label,
    created_by: r.created_by,
    created_at_ms: Number(r.created_at_ms),
    revoked: Boolean(r.revoked),
    sites: r.sites ?? [],
    queues: r.queues ?? [],
  };
}

const KIOSK_COLUMNS = 'token_hash, label, created_by, toUnixTimestamp64Milli(created_at) AS created_at_ms, revoked, sites, queues';

/** A kiosk link's sites (site ids, as `--site` takes them) and queues, deduplicated and sorted. */
export function checkKioskScope(scope: KioskScope): { sites: string[]; queues: string[] } {
  const sites = scope.sites ?? [];
  if (!Array.isArray(sites) || sites.length > MAX_QUEUES || sites.some((x) => typeof x !== 'string' || !SITE_ID.test(x))) {
    throw new InvalidUserError('sites', `sites must be a list of at most ${MAX_QUEUES} site ids (letters, digits, _ or -)`);
  }
  return { sites: [...new Set(sites)].sort(), queues: checkUserQueues(scope.queues ?? []) };
}

export async function findKioskToken(ch: ClickHouse, hash: string): Promise<KioskTokenInfo | null> {
  if (!HASH_HEX.test(hash)) return null;
  const rows = await select<KioskRow>(
    ch,
    `SELECT ${KIOSK_COLUMNS} FROM ${TABLES.kioskTokens} FINAL WHERE token_hash = {hash:String} LIMIT 1`,
    { hash },
  );
  return rows[0] ? toKioskInfo(rows[0]) : null;
}

/** Of the given hashes, those of kiosk tokens that exist and are not revoked. */
export async function validKioskHashes(ch: ClickHouse, hashes: string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const rows = await select<{ token_hash: string }>(
    ch,
    `SELECT token_hash FROM ${TABLES.kioskTokens} FINAL WHERE token_hash IN {hashes:Array(String)} AND NOT revoked`,
    { hashes },
  );
  return new Set(rows.map((r) => r.token_hash));
}

export async function listKioskTokens(ch: ClickHouse): Promise<KioskTokenInfo[]> {
  const rows = await select<KioskRow>(
    ch,
    `SELECT ${KIOSK_COLUMNS} FROM ${TABLES.kioskTokens} FINAL ORDER BY created_at, token_hash`,
  );
  return rows.map(toKioskInfo);
}

export const MAX_LABEL_LENGTH = 200;

/** Creates a kiosk token and returns it in plain text, once; only its SHA-256 is stored. */
export async function createKioskToken(ch: ClickHouse, label: string, createdBy: string, scope: KioskScope = {}): Promise<string> {
  if (label.length === 0 || label.length > MAX_LABEL_LENGTH) {
    throw new InvalidUserError('label', `label must be 1 to ${MAX_LABEL_LENGTH} characters`);
  }
  const { sites, queues } = checkKioskScope(scope);
  // 256 random bits: unguessable, so a plain SHA-256 (no salt, no KDF) is enough to store it.
  // The `k` prefix keeps it from starting with '-' (base64url may), which a shell command such as
  // `tablero kiosk revoke TOKEN` would read as an option.
  const token = `k${randomBytes(32).toString('base64url')}`;
  const version = nextVersion();
  await insert(ch, TABLES.kioskTokens, {
    token_hash: sha256Hex(token),
    label,
    created_by: createdBy,
    created_at: chTime(version),
    revoked: false,
    sites,
    queues,
    updated_at: chTime(version),
  });
  return token;
}

/** The stored hash for either a plain token or a hash (64 hex digits, as listed by the API). */
export function kioskHashOf(tokenOrHash: string): string {
  return HASH_HEX.test(tokenOrHash) ? tokenOrHash : sha256Hex(tokenOrHash);
}

/** Marks a kiosk token revoked; throws KioskTokenNotFoundError when there is no such token. */
export async function revokeKioskToken(ch: ClickHouse, tokenOrHash: string): Promise<void> {
  const hash = kioskHashOf(tokenOrHash);
  const current = await findKioskToken(ch, hash);
  if (!current) throw new KioskTokenNotFoundError();
  if (current.revoked) return;
  await insert(ch, TABLES.kioskTokens, {
    token_hash: hash,
    label: current.label,
    created_by: current.created_by,
    created_at: chTime(current.created_at_ms),
    revoked: true,
    sites: current.sites,
    queues: current.queues,
    updated_at: chTime(nextVersion()),
  });
}
