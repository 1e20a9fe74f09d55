// Test support: one embedded chDB shared by several processes over ClickHouse's HTTP interface.
// Embedded chDB allows one process per data directory and no ClickHouse server is installed here,
// so tests that run several processors against one store (issue 19) give them this address as
// CLICKHOUSE_URL: they use the production HTTP client (@clickhouse/client) unchanged, and this
// gateway answers the subset of the HTTP protocol that client speaks (statement in the body or in
// `query` with the data in the body, `param_*` query parameters, settings as URL parameters,
// `database`, errors as `Code: N. DB::Exception: ...` with a 500). Statements run one at a time.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** URL parameters of the HTTP interface that are not settings. */
const NOT_SETTINGS = new Set(['query', 'query_id', 'session_id', 'session_timeout', 'database', 'default_format', 'user', 'password', 'compress', 'decompress', 'role']);
/** Settings only the HTTP server knows: dropped. */
const HTTP_ONLY = /^(enable_http_compression|send_progress_in_http_headers|http_|wait_end_of_query|cancel_http_readonly_queries_on_client_close)/;

export interface ChdbHttp {
  url: string;
  /** Statements answered so far. */
  statements(): number;
  stop(): Promise<void>;
}

interface ChdbLike {
  exec(p: { query: string; query_params?: Record<string, unknown>; clickhouse_settings?: Record<string, unknown> }): Promise<{ stream: AsyncIterable<Buffer | string> }>;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

export async function startChdbHttp(dataDir: string): Promise<ChdbHttp> {
  const dir = join(dataDir, 'clickhouse');
  mkdirSync(dir, { recursive: true });
  // chdb is the sql package's dependency (the one ClickHouse client factory), resolved from there.
  const require = createRequire(fileURLToPath(new URL('../../sql/package.json', import.meta.url)));
  const { createChdbConnection } = require('chdb/connection') as { createChdbConnection(o: { path: string }): unknown };
  const conn = createChdbConnection({ path: dir }) as ChdbLike;
  let database = '';
  let turn: Promise<unknown> = Promise.resolve();
  let count = 0;
  const run = async (sql: string, db: string | null, params: Record<string, string>, settings: Record<string, string>): Promise<Buffer> => {
    if (db && db !== database) {
      await conn.exec({ query: `USE ${db}` });
      database = db;
    }
    const res = await conn.exec({ query: sql, ...(Object.keys(params).length > 0 ? { query_params: params } : {}), clickhouse_settings: settings });
    const out: Buffer[] = [];
    for await (const c of res.stream) out.push(typeof c === 'string' ? Buffer.from(c) : c);
    count += 1;
    return Buffer.concat(out);
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/ping' || (req.method === 'GET' && !url.searchParams.has('query'))) {
      res.end('Ok.\n');
      return;
    }
    void body(req).then((text) => {
      const head = url.searchParams.get('query');
      const sql = head ? `${head}\n${text}` : text;
      const params: Record<string, string> = {};
      const settings: Record<string, string> = {};
      for (const [k, v] of url.searchParams) {
        if (k.startsWith('param_')) params[k.slice(6)] = v;
        else if (!NOT_SETTINGS.has(k) && !HTTP_ONLY.test(k)) settings[k] = v;
      }
      // An INSERT without rows is a no-op (chDB refuses it as "No data to insert").
      if (head && /^\s*INSERT/i.test(head) && text.trim() === '') {
        res.end();
        return;
      }
      const db = url.searchParams.get('database');
      const result = turn.then(() => run(sql, db, params, settings));
      turn = result.catch(() => undefined);
      result.then(
        (out) => {
          res.setHeader('X-ClickHouse-Summary', '{}');
          res.end(out);
        },
        (err: unknown) => {
          const e = err as { code?: string; type?: string; message?: string };
          const code = e.code ?? '1000';
          res.statusCode = 500;
          res.setHeader('X-ClickHouse-Exception-Code', code);
          res.end(`Code: ${code}. DB::Exception: ${e.message ?? String(err)}. (${e.type ?? 'UNKNOWN_EXCEPTION'})\n`);
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    statements: () => count,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await turn;
      await conn.close();
    },
  };
}
