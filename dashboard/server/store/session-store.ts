// Server-side sessions in ClickHouse (table `sessions`, migration 070): a start row per login, an
// end row per logout or forced end. Append-only, so every dashboard process (issue 19) and every
// restart sees the same answer: a session is valid while it has a start and no end row.
import { TABLES, type ClickHouse } from '@tablero/sql';
import { chTime, insert, select } from './rows.ts';
import { sha256Hex } from './auth-store.ts';

/** Why a session ended (stored in `reason`). */
export type SessionEnd = 'logout' | 'password_changed' | 'role_changed' | 'disabled';

/** The stored id of a session: SHA-256 of its cookie nonce (a store reader learns no cookie part). */
export function sessionId(nonce: string): string {
  return sha256Hex(nonce);
}

export async function startSession(ch: ClickHouse, s: { nonce: string; username: string; atMs: number; expiresAtMs: number }): Promise<void> {
  await insert(ch, TABLES.sessions, {
    session_id: sessionId(s.nonce),
    username: s.username,
    event: 'start',
    reason: '',
    at: chTime(s.atMs),
    expires_at: chTime(s.expiresAtMs),
  });
}

const OPEN = "countIf(event = 'start') > 0 AND countIf(event = 'end') = 0";

/** Of the given nonces, those whose sessions were started and not ended. */
export async function openSessions(ch: ClickHouse, nonces: readonly string[]): Promise<Set<string>> {
  if (nonces.length === 0) return new Set();
  const byId = new Map(nonces.map((n) => [sessionId(n), n]));
  const rows = await select<{ session_id: string }>(
    ch,
    `SELECT session_id FROM ${TABLES.sessions} WHERE session_id IN {ids:Array(String)} GROUP BY session_id HAVING ${OPEN}`,
    { ids: [...byId.keys()] },
  );
  return new Set(rows.map((r) => byId.get(r.session_id) as string));
}

export async function endSession(ch: ClickHouse, s: { nonce: string; username: string; expiresAtMs: number }, reason: SessionEnd, atMs: number): Promise<void> {
  await insert(ch, TABLES.sessions, {
    session_id: sessionId(s.nonce),
    username: s.username,
    event: 'end',
    reason,
    at: chTime(atMs),
    expires_at: chTime(s.expiresAtMs),
  });
}

/**
 * Ends every open, unexpired session of `username` except the one named by `keepNonce` (the
 * session that changed its own password). Returns how many ended.
 */
export async function endUserSessions(
  ch: ClickHouse,
  username: string,
  reason: SessionEnd,
  atMs: number,
  keepNonce: string | null = null,
): Promise<number> {
  const rows = await select<{ session_id: string; last_expiry: string }>(
    ch,
    `SELECT session_id, max(expires_at) AS last_expiry FROM ${TABLES.sessions}
     WHERE username = {username:String} GROUP BY session_id
     HAVING ${OPEN} AND max(expires_at) > {now:DateTime64(3, 'UTC')}`,
    { username, now: chTime(atMs) },
  );
  const keep = keepNonce === null ? null : sessionId(keepNonce);
  const ending = rows.filter((r) => r.session_id !== keep);
  if (ending.length === 0) return 0;
  await insert(
    ch,
    TABLES.sessions,
    ending.map((r) => ({ session_id: r.session_id, username, event: 'end', reason, at: chTime(atMs), expires_at: r.last_expiry })),
  );
  return ending.length;
}
