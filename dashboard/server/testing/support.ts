// Test support for the dashboard server: a fresh embedded ClickHouse with the real migrations,
// a bus that delivers live messages synchronously, a logger that keeps its lines, and helpers to
// log in through the real routes. Not a test file itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { migrate, openClickHouse, type ClickHouse } from '@tablero/sql';
import type { DashboardBus } from '../bus/dashboard-bus.ts';
import { createUser } from '../store/auth-store.ts';
import type { Role } from '../core/roles.ts';

export interface TestDb {
  ch: ClickHouse;
  cleanup(): Promise<void>;
}

export async function openTestDb(): Promise<TestDb> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tablero-dash-'));
  const ch = await openClickHouse({ database: 'tablero', dataDir });
  await migrate(ch.client);
  return {
    ch,
    cleanup: async () => {
      await ch.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Satisfies DashboardBus; `emit` delivers to matching listeners at once, like core NATS would. */
export class TestBus implements DashboardBus {
  up = true;
  readonly listeners: Array<{ subject: string; handler: (subject: string, data: Uint8Array) => void }> = [];

  listen(subject: string, handler: (subject: string, data: Uint8Array) => void): () => void {
    const entry = { subject, handler };
    this.listeners.push(entry);
    return () => {
      const i = this.listeners.indexOf(entry);
      if (i !== -1) this.listeners.splice(i, 1);
    };
  }

  healthy(): boolean {
    return this.up;
  }

  /** Delivers to listeners of `kpi.>`-style wildcards and exact subjects. */
  emit(subject: string, data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    for (const l of [...this.listeners]) {
      const prefix = l.subject.endsWith('.>') ? l.subject.slice(0, -1) : null;
      if (l.subject === subject || (prefix !== null && subject.startsWith(prefix))) l.handler(subject, bytes);
    }
  }
}

export interface CapturedLog {
  log: Logger;
  lines: string[];
}

export function captureLog(): CapturedLog {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

export const PASSWORD = 'correct horse battery';

export const USERS: ReadonlyArray<{ username: string; role: Role }> = [
  { username: 'ana', role: 'admin' },
  { username: 'mario', role: 'manager' },
  { username: 'sofia', role: 'supervisor' },
  { username: 'quique', role: 'qa_analyst' },
];

export async function seedUsers(ch: ClickHouse): Promise<void> {
  for (const u of USERS) await createUser(ch, { ...u, password: PASSWORD, lang: 'es' });
}

export interface LoggedIn {
  cookie: string;
  csrf: string;
}

/** Logs in through POST /api/login and returns the cookie header value and the CSRF token. */
export async function login(app: FastifyInstance, username: string, password = PASSWORD): Promise<LoggedIn> {
  const res = await app.inject({ method: 'POST', url: '/api/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username} answered ${res.statusCode}: ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'tablero_session');
  if (!cookie) throw new Error('login set no session cookie');
  return { cookie: `tablero_session=${cookie.value}`, csrf: (res.json() as { csrf: string }).csrf };
}

export const SECRET = 'a-test-session-secret-of-at-least-32-bytes';

/** Who a route test acts as: a seeded user's role, or nobody. */
export type Who = Role | 'anon';

/** Logs in one seeded user per role (USERS); answers the request headers of each (none for 'anon'). */
export async function loginEachRole(app: FastifyInstance): Promise<(who: Who) => Record<string, string>> {
  const sessions = new Map<Role, LoggedIn>();
  for (const u of USERS) sessions.set(u.role, await login(app, u.username));
  return (who): Record<string, string> => {
    const s = who === 'anon' ? undefined : sessions.get(who);
    return s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {};
  };
}
