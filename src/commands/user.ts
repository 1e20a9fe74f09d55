// `tablero user add` and `tablero kiosk create|revoke`: the first admin and kiosk links from the CLI.
import type { Command } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { findRunning, openStore, type RunningInstance } from '../runtime.ts';
import {
  checkPassword,
  checkKioskScope,
  createKioskToken,
  createUser,
  DuplicateUserError,
  InvalidUserError,
  KioskTokenNotFoundError,
  MIN_PASSWORD_LENGTH,
  PASSWORD_PROBLEM_TEXT,
  cliActor,
  findUser,
  recordAudit,
  removeUser,
  revokeKioskToken,
  isRole,
  ROLES,
  updateUser,
} from '@tablero/dashboard';
import type { ClickHouse } from '@tablero/sql';
import { ApiError, apiRequest } from './api-client.ts';
import { sha256Hex } from './tokens.ts';
import { UsageError } from './usage.ts';

/** Bad input found by the store or the API (duplicate user, unknown token) is exit 2, not a crash. */
async function asUsage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof InvalidUserError || err instanceof DuplicateUserError || err instanceof KioskTokenNotFoundError) {
      throw new UsageError(err.message, { cause: err });
    }
    if (err instanceof ApiError && err.status >= 400 && err.status < 500) throw new UsageError(err.message, { cause: err });
    throw err;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Runs `direct` on the store, or `viaApi` when a `tablero start` holds the data directory. */
async function withStoreOrApi<T>(direct: (ch: ClickHouse) => Promise<T>, viaApi: (r: RunningInstance) => Promise<T>): Promise<T> {
  const cfg = loadConfig();
  const running = findRunning(cfg.dataDir);
  if (running && !cfg.CLICKHOUSE_URL) {
    process.stderr.write(`using the running Tablero at ${running.url}\n`);
    return viaApi(running);
  }
  const ch = await openStore(cfg, createLogger('warn', 'tablero-cli'));
  try {
    return await direct(ch);
  } finally {
    await ch.close();
  }
}

export const userCommand: Command = {
  summary: 'manage dashboard users: user add NAME --role ROLE [--lang es|en] [--queues Q,Q] (password on stdin); user queues NAME Q,Q|""; user remove NAME',
  usage: `Usage: tablero user add USERNAME --role admin|manager|supervisor|qa_analyst [--lang es|en] [--queues 101,102]
       tablero user queues USERNAME 101,102     the queues a supervisor supervises ("" = every queue)
       tablero user remove USERNAME             removes the account (its sessions end; its audit history stays)
  Every change is recorded in the audit trail: actor cli:<OS user> when the command works on the
  store, or cli (the local API token) when it goes through a running \`tablero start\`.
  The password is read from standard input (at least ${MIN_PASSWORD_LENGTH} characters, not only
  spaces, not a common password), e.g.
  printf '%s' "$PASSWORD" | tablero user add ana --role supervisor --queues 101,102
  A supervisor with queues lists and opens the calls of those queues alone (GET /api/calls...).`,
  options: { role: { type: 'string' }, lang: { type: 'string' }, queues: { type: 'string' } },
  allowPositionals: true,
  async run(values, positionals) {
    const [action, username, list] = positionals;
    const queueList = (text: string): string[] => text.split(',').map((q) => q.trim()).filter((q) => q !== '');
    if (action === 'queues' && username && list !== undefined) {
      const queues = queueList(list);
      await asUsage(() =>
        withStoreOrApi(
          async (ch) => {
            const before = await findUser(ch, username);
            const after = await updateUser(ch, username, { queues });
            if (after === null || before === null) throw new UsageError(`no user ${username}`);
            await recordAudit(ch, { atMs: Date.now(), actor: cliActor(), action: 'user_queues_changed', target: username, address: '', detail: { before: { queues: before.queues }, after: { queues: after.queues } } });
          },
          (r) => apiRequest<unknown>(r, 'PATCH', `/api/users/${encodeURIComponent(username)}`, { queues }).then(() => undefined),
        ),
      );
      process.stdout.write(`user ${username}: ${queues.length ? `queues ${queues.join(', ')}` : 'every queue'}\n`);
      return 0;
    }
    if (action === 'remove' && username) {
      await asUsage(() =>
        withStoreOrApi(
          async (ch) => {
            const removed = await removeUser(ch, username);
            if (removed === null) throw new UsageError(`no user ${username}`);
            const before = { username: removed.username, role: removed.role, lang: removed.lang, disabled: removed.disabled, queues: removed.queues };
            await recordAudit(ch, { atMs: Date.now(), actor: cliActor(), action: 'user_removed', target: username, address: '', detail: { before, after: null } });
          },
          (r) => apiRequest<unknown>(r, 'DELETE', `/api/users/${encodeURIComponent(username)}`).then(() => undefined),
        ),
      );
      process.stdout.write(`user ${username} removed\n`);
      return 0;
    }
    if (action !== 'add' || !username) throw new UsageError('usage: tablero user add USERNAME --role ROLE | tablero user queues USERNAME Q,Q | tablero user remove USERNAME');
    if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(username)) {
      throw new UsageError('USERNAME: 1-64 letters, digits, . _ @ -, starting with a letter or digit');
    }
    const role = values.role;
    if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    const lang = (values.lang ?? 'es') as 'es' | 'en';
    if (lang !== 'es' && lang !== 'en') throw new UsageError('--lang must be es or en');
    const queues = queueList(typeof values.queues === 'string' ? values.queues : '');
    const password = await readStdin();
    // The same policy the API applies, checked before anything is opened.
    const problem = checkPassword(password);
    if (problem !== null) throw new UsageError(`${PASSWORD_PROBLEM_TEXT[problem]} (the password is read from standard input)`);
    await asUsage(() =>
      withStoreOrApi(
        async (ch) => {
          await createUser(ch, { username, password, role, lang, queues });
          await recordAudit(ch, { atMs: Date.now(), actor: cliActor(), action: 'user_created', target: username, address: '', detail: { role, before: null, after: { username, role, lang, queues: [...new Set(queues)].sort(), disabled: false } } });
        },
        (r) => apiRequest<unknown>(r, 'POST', '/api/users', { username, password, role, lang, queues }).then(() => undefined),
      ),
    );
    process.stdout.write(`user ${username} (${role}) saved\n`);
    return 0;
  },
};

export const kioskCommand: Command = {
  summary: 'kiosk links for TVs: kiosk create LABEL [--sites S,S] [--queues Q,Q] | kiosk revoke TOKEN',
  usage: `Usage: tablero kiosk create LABEL [--sites lpz,scz] [--queues 101,102]
                                     prints a read-only wallboard link (no login); with --sites /
                                     --queues its wallboard receives only those sites / queues
       tablero kiosk revoke TOKEN    the link stops working at once
  (a token that starts with '-' goes after '--': tablero kiosk revoke -- TOKEN)`,
  options: { sites: { type: 'string' }, queues: { type: 'string' } },
  allowPositionals: true,
  async run(values, positionals) {
    const [action, arg] = positionals;
    const list = (v: unknown): string[] => (typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter((x) => x !== '') : []);
    if (action === 'create' && arg) {
      const scope = { sites: list(values.sites), queues: list(values.queues) };
      const token = await asUsage(() =>
        withStoreOrApi(
          async (ch) => {
            const token = await createKioskToken(ch, arg, cliActor(), scope);
            const after = { label: arg, revoked: false, ...checkKioskScope(scope) };
            await recordAudit(ch, { atMs: Date.now(), actor: cliActor(), action: 'kiosk_token_created', target: sha256Hex(token), address: '', detail: { before: null, after } });
            return token;
          },
          (r) => apiRequest<{ token: string }>(r, 'POST', '/api/kiosk-tokens', { label: arg, ...scope }).then((x) => x.token),
        ),
      );
      process.stdout.write(`kiosk link: /?kiosk=${token}#/wallboard (append to the dashboard URL)\n`);
      return 0;
    }
    if (action === 'revoke' && arg) {
      await asUsage(() =>
        withStoreOrApi(
        async (ch) => {
          const hash = /^[0-9a-f]{64}$/.test(arg) ? arg : sha256Hex(arg);
          await revokeKioskToken(ch, arg);
          await recordAudit(ch, { atMs: Date.now(), actor: cliActor(), action: 'kiosk_token_revoked', target: hash, address: '', detail: { before: { revoked: false }, after: { revoked: true } } });
        },
        (r) => apiRequest<unknown>(r, 'DELETE', `/api/kiosk-tokens/${/^[0-9a-f]{64}$/.test(arg) ? arg : sha256Hex(arg)}`).then(() => undefined),
        ),
      );
      process.stdout.write('kiosk token revoked\n');
      return 0;
    }
    throw new UsageError('usage: tablero kiosk create LABEL | tablero kiosk revoke TOKEN');
  },
};
