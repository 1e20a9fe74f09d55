// `tablero audit`: the audit trail (or the users report) as CSV or XLSX, from the store or from a
// running `tablero start` (GET /api/audit/file, /api/audit/users-report). Read-only: there is no
// command that changes or deletes an entry.
import { writeFile } from 'node:fs/promises';
import type { Command } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { findRunning, openStore } from '../runtime.ts';
import { auditFile } from '@tablero/dashboard';
import { UsageError } from './usage.ts';

export const auditCommand: Command = {
  summary: 'the audit trail of administrative changes as CSV/XLSX: audit [--users] [--from D] [--to D] [--actor A] [--action A,B] [--target T]',
  usage: `Usage: tablero audit [--users] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--actor NAME] [--action A,B] [--target TEXT]
                     [--format csv|xlsx] [--lang es|en] [--out FILE]
  Every administrative change (users, roles, passwords changed, tokens, settings, calendars, quality
  forms and evaluations, months and quarters closed, export schedules) and every login, failed
  login and lockout, oldest first; dates are days in the site time zone, both included.
  --users   only users created, changed and removed (the ICETEX users report)
  Without --out the file goes to standard output (CSV by default).`,
  options: {
    users: { type: 'boolean' },
    from: { type: 'string' },
    to: { type: 'string' },
    actor: { type: 'string' },
    action: { type: 'string' },
    target: { type: 'string' },
    format: { type: 'string' },
    lang: { type: 'string' },
    out: { type: 'string' },
  },
  async run(values) {
    const format = (values.format ?? 'csv') as string;
    if (format !== 'csv' && format !== 'xlsx') throw new UsageError('--format must be csv or xlsx');
    const lang = (values.lang ?? 'es') as string;
    if (lang !== 'es' && lang !== 'en') throw new UsageError('--lang must be es or en');
    if (format === 'xlsx' && typeof values.out !== 'string') throw new UsageError('--out FILE is required for xlsx');
    const query: Record<string, string> = { format, lang };
    for (const k of ['from', 'to', 'actor', 'action', 'target'] as const) if (typeof values[k] === 'string') query[k] = values[k] as string;
    const kind = values.users === true ? 'users' : 'audit';
    const cfg = loadConfig();
    const running = findRunning(cfg.dataDir);
    let body: Buffer;
    if (running && !cfg.CLICKHOUSE_URL) {
      process.stderr.write(`using the running Tablero at ${running.url}\n`);
      const path = kind === 'users' ? '/api/audit/users-report' : '/api/audit/file';
      const res = await fetch(new URL(`${path}?${new URLSearchParams(query).toString()}`, running.url), { headers: { authorization: `Bearer ${running.cli_token}` } });
      if (!res.ok) {
        const e = (await res.json().catch(() => ({}))) as { message?: string };
        if (res.status === 400) throw new UsageError(e.message ?? 'bad option');
        throw new Error(`the running Tablero answered ${res.status}: ${e.message ?? res.statusText}`);
      }
      body = Buffer.from(await res.arrayBuffer());
    } else {
      const ch = await openStore(cfg, createLogger('warn', 'tablero-audit'));
      try {
        const r = await auditFile(ch, kind, query, cfg.siteTz);
        if (!r.ok) throw new UsageError(`--${r.param}: ${r.reason}`);
        body = r.body;
      } finally {
        await ch.close();
      }
    }
    if (typeof values.out === 'string') {
      await writeFile(values.out, body);
      process.stderr.write(`wrote ${values.out}\n`);
    } else {
      process.stdout.write(body);
    }
    return 0;
  },
};
