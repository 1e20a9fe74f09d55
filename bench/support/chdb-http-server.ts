// A stand-in for a ClickHouse server: the part of the ClickHouse HTTP interface that
// @clickhouse/client 1.23 uses (ping, query, command, exec, insert), executed in embedded chDB
// in this process. It exists so a benchmark or test can run the processor in the production
// topology (ClickHouse out of process, reached over HTTP) on a machine where no ClickHouse
// server can be installed; chDB's memory then stays in this process, not in the client's.
//
// Honesty rules: one chDB session, requests executed one at a time in arrival order, the
// query's own FORMAT clause decides the output (default TabSeparated, as the server), per-request
// settings and the `database` parameter apply to that request only, `param_<name>` values reach
// chDB's binder as the same text the server would bind (or the request fails, never silently
// altered), and errors come back as HTTP 500 with the ClickHouse error text and
// X-ClickHouse-Exception-Code, so the client raises a ClickHouseError as with a real server.
// Not implemented (a request using them fails): multipart parameters, sessions (session_id),
// zstd request bodies. Multi-statement texts are not refused (the server would refuse them).
//
// Usage: npx tsx bench/support/chdb-http-server.ts <dataDir> [port]
//   prints `LISTENING http://127.0.0.1:<port>` on stdout once it accepts requests.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliDecompressSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';

// The subset of chdb's Session this server uses. The root package does not depend on chdb
// (only @tablero/sql does), so it is loaded through @tablero/sql's own resolution and typed
// here structurally.
interface ChdbResult {
  readonly elapsed: number;
  readonly rowsRead: number;
  readonly bytesRead: number;
  bytes(): Uint8Array;
}
interface ChdbRawInsertSummary {
  rowsWritten: number;
  bytesWritten: number;
  elapsed: number;
}
interface ChdbSession {
  queryAsync(query: string, opts?: { format?: string }): Promise<ChdbResult>;
  queryBindAsync(query: string, params: Record<string, string | null>, opts?: { format?: string }): Promise<ChdbResult>;
  insert(params: { table: string; values: Buffer; format: string; columns?: string[]; settings?: Record<string, string> }): Promise<ChdbRawInsertSummary>;
  close(): void;
}
type ChdbModule = { Session: new (path: string) => ChdbSession };

function loadChdb(): ChdbModule {
  const sqlEntry = import.meta.resolve('@tablero/sql');
  return createRequire(sqlEntry)('chdb') as ChdbModule;
}

/** An error as the server reports it: `Code: N. DB::Exception: text. (TYPE)` and the code. */
export class ShimError extends Error {
  override name = 'ShimError';
  constructor(
    readonly code: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** An error raised by the shim itself, worded the server's way so the client parses it. */
  static of(code: number, type: string, text: string): ShimError {
    return new ShimError(code, `Code: ${code}. DB::Exception: ${text}. (${type})`);
  }
}

// URL parameters that are not settings: the HTTP layer reads them itself.
const NOT_SETTINGS = new Set(['query', 'database', 'query_id', 'default_format', 'user', 'password', 'quota_key', 'role', 'compress', 'decompress']);
// Settings of the server's HTTP layer, honoured here by the HTTP layer: results are always
// buffered whole (what wait_end_of_query asks for) and compressed when asked and accepted.
const HTTP_LAYER_SETTINGS = new Set([
  'wait_end_of_query', 'enable_http_compression', 'http_zlib_compression_level', 'send_progress_in_http_headers',
  'http_headers_progress_interval_ms', 'http_response_buffer_size', 'buffer_size', 'http_wait_end_of_query',
]);
// Formats chDB's raw insert takes as bytes (the engine parses them; no SQL text is built).
const RAW_INSERT_FORMATS = new Set(['JSONEachRow', 'JSONCompactEachRow', 'TSV', 'TabSeparated', 'TSVWithNames', 'TabSeparatedWithNames', 'CSV', 'CSVWithNames']);
const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
const INSERT_RE = new RegExp(`^\\s*INSERT\\s+INTO\\s+(${IDENT}(?:\\.${IDENT})?)(?:\\s*\\(\\s*(${IDENT}(?:\\s*,\\s*${IDENT})*)\\s*\\))?\\s+FORMAT\\s+(${IDENT})\\s*$`, 'i');
const TRAILING_FORMAT_RE = /\bFORMAT\s+([A-Za-z][A-Za-z0-9_]*)\s*;?\s*$/i;
const CLICKHOUSE_ERROR_RE = /^Code: (\d+)\./;
const STD_EXCEPTION = 1001;
const SYNTAX_ERROR = 62;
const BAD_QUERY_PARAMETER = 457;

/** chdb's escaping of a string parameter before it hands the text to the engine (serialize.js tsvEscape). */
function chdbParamEscape(s: string): string {
  return s.replace(/[\\\0\b\f\n\r\t]/g, (c) => ({ '\\': '\\\\', '\0': '\\0', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] as string);
}

/** ClickHouse's reading of an Escaped (TSV) string: what the server makes of a String parameter. */
function unescapeEscaped(text: string): string {
  const map: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '0': '\0', a: '\x07', v: '\v' };
  return text.replace(/\\(x[0-9A-Fa-f]{2}|[\s\S])/g, (_, e: string) => (e.length === 3 ? String.fromCharCode(parseInt(e.slice(1), 16)) : (map[e] ?? e)));
}

/** Declared type of each `{name:Type}` placeholder in the query text. */
function declaredTypes(query: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const m of query.matchAll(/\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^}]+?)\s*\}/g)) types.set(m[1] as string, m[2] as string);
  return types;
}

const STRING_SCALAR = /^(?:LowCardinality\()?(?:Nullable\()?(?:String|FixedString\(\d+\))\)?\)?$/;

/**
 * The value to give chdb's binder so the engine binds exactly what a server would bind from
 * the `param_<name>` text. chdb escapes a JS string (chdbParamEscape) and the engine reads
 * the result with the declared type's text format, like the server reads the URL value. So
 * the text passes unchanged when it is chdbParamEscape of something; a String parameter with
 * other escapes (\' for a quote) passes as its decoded value, which the engine reads back the
 * same; anything else is refused rather than bound to a different value.
 */
export function bindValue(name: string, text: string, type: string | undefined): string | null {
  if (text === '\\N') return null;
  const decoded = unescapeEscaped(text);
  if (chdbParamEscape(decoded) === text) return decoded;
  if (type !== undefined && STRING_SCALAR.test(type.replace(/\s+/g, ''))) return decoded;
  throw ShimError.of(BAD_QUERY_PARAMETER, 'BAD_QUERY_PARAMETER', `the shim cannot pass parameter ${name} (${type ?? 'undeclared'}) to chDB unchanged: ${JSON.stringify(text)}`);
}

function asShimError(err: unknown): ShimError {
  if (err instanceof ShimError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const m = CLICKHOUSE_ERROR_RE.exec(message);
  if (m) return new ShimError(Number(m[1]), message, { cause: err });
  // Errors raised by chdb's JavaScript layer carry no ClickHouse code; STD_EXCEPTION is the
  // server's code for exceptions that are not its own.
  return new ShimError(STD_EXCEPTION, `Code: ${STD_EXCEPTION}. DB::Exception: ${message}. (STD_EXCEPTION)`, { cause: err });
}

function contentType(format: string): string {
  if (/^JSON(?:Strings|Compact|CompactStrings)?$/i.test(format)) return 'application/json; charset=UTF-8';
  if (/EachRow|Lines$/i.test(format)) return 'application/x-ndjson; charset=UTF-8';
  if (/^(?:TSV|TabSeparated)/i.test(format)) return 'text/tab-separated-values; charset=UTF-8';
  if (/^CSV/i.test(format)) return 'text/csv; charset=UTF-8';
  return 'text/plain; charset=UTF-8';
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const enc = req.headers['content-encoding'];
  if (enc === undefined || enc === 'identity') return raw;
  if (enc === 'gzip') return gunzipSync(raw);
  if (enc === 'deflate') return inflateSync(raw);
  if (enc === 'br') return brotliDecompressSync(raw);
  throw ShimError.of(STD_EXCEPTION, 'STD_EXCEPTION', `request Content-Encoding ${enc} is not supported by the shim`);
}

interface Outcome {
  body: Buffer;
  format: string;
  summary: Record<string, string>;
}

export interface ChdbHttpServer {
  url: string;
  port: number;
  /** Requests answered so far (errors included). */
  requests(): number;
  close(): Promise<void>;
}

export async function startChdbHttpServer(opts: { dataDir: string; port?: number; host?: string }): Promise<ChdbHttpServer> {
  const dir = resolve(opts.dataDir);
  mkdirSync(dir, { recursive: true });
  const { Session } = loadChdb();
  const session = new Session(dir);
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // The session's current database; null = unknown (after a USE inside a request).
  let currentDb: string | null = null;
  let answered = 0;

  // Every request runs after the previous one finished: one session, in arrival order.
  let tail: Promise<unknown> = Promise.resolve();
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = tail.then(fn);
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async function useDatabase(db: string): Promise<void> {
    if (currentDb === db) return;
    await session.queryAsync(`USE \`${db.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``, { format: 'TabSeparated' });
    currentDb = db;
  }

  async function execute(params: URLSearchParams, body: Buffer): Promise<Outcome> {
    const query = params.get('query') ?? '';
    const defaultFormat = params.get('default_format') ?? 'TabSeparated';
    const settings: Record<string, string> = {};
    const bound: Record<string, string> = {};
    for (const [k, v] of params) {
      if (k.startsWith('param_')) bound[k.slice(6)] = v;
      else if (!NOT_SETTINGS.has(k) && !HTTP_LAYER_SETTINGS.has(k) && !k.startsWith('http_')) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw ShimError.of(115, 'UNKNOWN_SETTING', `Unknown setting '${k}'`);
        settings[k] = v;
      }
    }
    await useDatabase(params.get('database') ?? 'default');

    // The common insert (query in the URL, rows in the body): chDB's raw insert takes the
    // bytes as they came, with the request's settings in the INSERT's SETTINGS clause.
    const ins = INSERT_RE.exec(query);
    if (ins && RAW_INSERT_FORMATS.has(ins[3] as string) && Object.keys(bound).length === 0) {
      const columns = ins[2]?.split(',').map((c) => c.trim());
      const r = await session.insert({ table: ins[1] as string, values: body, format: ins[3] as string, ...(columns ? { columns } : {}), settings });
      return {
        body: Buffer.alloc(0),
        format: defaultFormat,
        summary: { read_rows: String(r.rowsWritten), read_bytes: String(body.length), written_rows: String(r.rowsWritten), written_bytes: String(r.bytesWritten), total_rows_to_read: '0', result_rows: String(r.rowsWritten), result_bytes: String(r.bytesWritten), elapsed_ns: String(Math.round(r.elapsed * 1e9)) },
      };
    }

    // Everything else, as the server reads it: the URL query, a newline, then the body.
    const text = query ? (body.length > 0 ? `${query}\n${body.toString('utf8')}` : query) : body.toString('utf8');
    if (text.trim() === '') throw ShimError.of(SYNTAX_ERROR, 'SYNTAX_ERROR', 'Empty query');
    const names = Object.keys(bound);
    let values: Record<string, string | null> | null = null;
    if (names.length > 0) {
      const types = declaredTypes(text);
      values = {};
      for (const n of names) values[n] = bindValue(n, bound[n] as string, types.get(n));
    }
    const keys = Object.keys(settings);
    // Request settings last for this request only: set before, back to the default after.
    if (keys.length > 0) await session.queryAsync(`SET ${keys.map((k) => `${k} = '${(settings[k] as string).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ')}`, { format: defaultFormat });
    let r: ChdbResult;
    try {
      r = values ? await session.queryBindAsync(text, values, { format: defaultFormat }) : await session.queryAsync(text, { format: defaultFormat });
    } finally {
      if (/^\s*USE\b/i.test(text)) currentDb = null;
      if (keys.length > 0) await session.queryAsync(`SET ${keys.map((k) => `${k} = DEFAULT`).join(', ')}`, { format: defaultFormat });
    }
    const out = Buffer.from(r.bytes());
    return {
      body: out,
      format: TRAILING_FORMAT_RE.exec(text)?.[1] ?? defaultFormat,
      summary: { read_rows: String(r.rowsRead), read_bytes: String(r.bytesRead), written_rows: '0', written_bytes: '0', total_rows_to_read: '0', result_bytes: String(out.length), elapsed_ns: String(Math.round(r.elapsed * 1e9)) },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const queryId = url.searchParams.get('query_id') ?? randomUUID();
    const common = { 'X-ClickHouse-Query-Id': queryId, 'X-ClickHouse-Timezone': tz, 'X-ClickHouse-Server-Display-Name': 'chdb-http-shim' };
    if (req.method === 'GET' && (url.pathname === '/ping' || (url.pathname === '/' && !url.searchParams.has('query')))) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' });
      res.end('Ok.\n');
      return;
    }
    // Read the body now, run the request in its turn.
    const bodyP = url.pathname === '/' ? readBody(req) : Promise.resolve(Buffer.alloc(0));
    bodyP.catch(() => undefined); // awaited in its turn; errors surface there
    try {
      if (url.pathname !== '/') throw ShimError.of(STD_EXCEPTION, 'STD_EXCEPTION', `no handler for ${url.pathname} in the shim`);
      if (String(req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
        throw ShimError.of(STD_EXCEPTION, 'STD_EXCEPTION', 'multipart query parameters are not supported by the shim');
      }
      if (url.searchParams.has('session_id')) {
        throw ShimError.of(STD_EXCEPTION, 'STD_EXCEPTION', 'HTTP sessions are not supported by the shim');
      }
      const out = await serial(async () => execute(url.searchParams, await bodyP));
      const gzip = url.searchParams.get('enable_http_compression') === '1' && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const payload = gzip ? gzipSync(out.body) : out.body;
      res.writeHead(200, {
        ...common,
        'Content-Type': contentType(out.format),
        'X-ClickHouse-Format': out.format,
        'X-ClickHouse-Summary': JSON.stringify(out.summary),
        'Content-Length': String(payload.length),
        ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
      });
      res.end(payload);
    } catch (err) {
      const e = asShimError(err);
      const text = `${e.message}\n`;
      res.writeHead(500, { ...common, 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Exception-Code': String(e.code), 'Content-Length': String(Buffer.byteLength(text)) });
      res.end(text);
    } finally {
      answered += 1;
    }
  }

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  // The client keeps sockets alive; a server that closes idle ones sooner than it expects
  // makes it retry on a dead socket.
  server.keepAliveTimeout = 10_000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, host, () => ok());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://${host}:${port}`,
    port,
    requests: () => answered,
    async close() {
      await new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
      await tail;
      session.close();
    },
  };
}

export interface ChdbHttpChild {
  url: string;
  pid: number;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the child has exited. */
  stop(): Promise<void>;
}

/**
 * Runs this file as a child process (its own chDB, its own memory) and resolves once it
 * listens. Importing this module does not load chDB; only startChdbHttpServer does.
 */
export async function spawnChdbHttpServer(dataDir: string, opts: { timeoutMs?: number; port?: number } = {}): Promise<ChdbHttpChild> {
  // A fixed port lets a test bring "the same server" back after stopping it.
  const args = opts.port === undefined ? [dataDir] : [dataDir, String(opts.port)];
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`chdb-http-server did not start in time: ${stderr}`)), opts.timeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1] as string);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`chdb-http-server exited with code ${code}: ${stderr}`));
    });
  });
  return {
    url,
    pid: child.pid ?? 0,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const hard = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(hard);
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [dataDir, port] = process.argv.slice(2);
  if (!dataDir) {
    process.stderr.write('usage: tsx bench/support/chdb-http-server.ts <dataDir> [port]\n');
    process.exit(2);
  }
  const srv = await startChdbHttpServer({ dataDir, port: port ? Number(port) : 0 });
  process.stdout.write(`LISTENING ${srv.url}\n`);
  const stop = (): void => {
    void srv.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
