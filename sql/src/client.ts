// The one ClickHouse client factory: a ClickHouse server over HTTP when a URL is given, else
// ClickHouse embedded in this process through chDB. Code above this file never knows which.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { createClient, type ClickHouseClient } from '@clickhouse/client';

export type { ClickHouseClient } from '@clickhouse/client';

type ChdbCompatibleConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

export interface ClickHouseOptions {
  /** `http(s)://host:8123`; when absent, embedded chDB under `dataDir`. */
  url?: string | undefined;
  user?: string | undefined;
  password?: string | undefined;
  /** Database holding Tablero's tables; created when missing. */
  database: string;
  /** Embedded mode: the directory chDB keeps its data in (one process per directory). */
  dataDir: string;
  /** Server mode: settings sent with every request (a sharded cluster's synchronous Distributed inserts). */
  settings?: Record<string, string | number>;
  /**
   * Embedded mode: the engine's server settings as command-line arguments (`--mark_cache_size=N`),
   * given when the data directory is opened; default EMBEDDED_ENGINE_ARGS.
   */
  engineArgs?: readonly string[];
}

/**
 * Server settings of embedded chDB, sized for one process that also runs the processor and the
 * dashboard (issue 18 "Memory": `tablero start` <= 500 MB RSS). ClickHouse's defaults are those of
 * a dedicated server (5 GiB each for the mark, primary index and skip-index mark caches, 100 MiB
 * for the query condition cache, a memory bound of 90 % of the machine's RAM): filled by the
 * live path's small reads, they only grow. These keep the caches at a few MiB (Tablero's tables
 * and reads are small: the hot marks of a day fit in a few MiB).
 */
export const EMBEDDED_ENGINE_ARGS: readonly string[] = [
  '--mark_cache_size=16777216',
  '--primary_index_cache_size=16777216',
  '--index_mark_cache_size=4194304',
  '--index_uncompressed_cache_size=0',
  '--uncompressed_cache_size=0',
  '--query_condition_cache_size=4194304',
  '--compiled_expression_cache_size=8388608',
  // Idle threads of the engine's global pool kept for reuse (default 1,000): each parked thread
  // keeps its stack and allocator cache.
  '--max_thread_pool_free_size=8',
];

/** Text formats `insertFormatted` takes (line-delimited; both backends parse them natively). */
export type InsertFormat = 'JSONEachRow' | 'JSONCompactEachRow' | 'TabSeparated';

export interface ClickHouse {
  client: ClickHouseClient;
  database: string;
  embedded: boolean;
  /**
   * Inserts rows already serialized in `format`: the bulk path, without the client turning each
   * row into an object and a JSON string again. Embedded, the bytes go to chDB's native parser as
   * they are; with a server they are streamed as the request body. `columns`: the columns the
   * rows hold, in order (positional formats); default every column of the table in its order.
   */
  insertFormatted(table: string, format: InsertFormat, body: string | Buffer, settings?: Record<string, string | number>, columns?: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export class ClickHouseLockedError extends Error {
  constructor(
    readonly dataDir: string,
    options?: ErrorOptions,
  ) {
    super(`the data directory ${dataDir} is in use by another Tablero process`, options);
    this.name = 'ClickHouseLockedError';
  }
}

export async function openClickHouse(opts: ClickHouseOptions): Promise<ClickHouse> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.database)) {
    throw new Error(`invalid ClickHouse database name: ${opts.database}`);
  }
  if (opts.url) {
    const bootstrap = createClient({ url: opts.url, username: opts.user, password: opts.password });
    try {
      await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${opts.database}` });
    } finally {
      await bootstrap.close();
    }
    const client = createClient({
      url: opts.url,
      username: opts.user,
      password: opts.password,
      database: opts.database,
      request_timeout: 300_000,
      ...(opts.settings ? { clickhouse_settings: opts.settings } : {}),
    });
    return {
      client,
      database: opts.database,
      embedded: false,
      async insertFormatted(table, format, body, settings, columns) {
        if (body.length === 0) return;
        // `insert` wants rows to encode (or an object-mode stream of rows); `exec` sends the bytes
        // as the request body after the statement, as they are.
        const bytes = typeof body === 'string' ? Buffer.from(body) : body;
        const res = await client.exec({
          query: `INSERT INTO ${table}${columns ? ` (${columns.join(', ')})` : ''} FORMAT ${format}`,
          values: Readable.from([bytes], { objectMode: false }),
          clickhouse_settings: settings ?? {},
        });
        for await (const _ of res.stream) {
          // drained: the server's (empty) answer, so the connection is released
        }
      },
      close: () => client.close(),
    };
  }
  const dir = resolve(opts.dataDir, 'clickhouse');
  mkdirSync(dir, { recursive: true });
  let client: ClickHouseClient;
  let engine: { close(): unknown } | null = null;
  let raw: (table: string, format: InsertFormat, body: string | Buffer, settings: Record<string, string | number>, columns?: readonly string[]) => Promise<unknown>;
  try {
    // chdb types its connection against @clickhouse/client-common while the client inlines its
    // own copy of the same declarations; they are identical at run time, not to the checker.
    // Loaded only here: chDB's library is ~550 MB, and a service talking to a ClickHouse server
    // should not map it into memory.
    const [{ Session }, { createChdbConnection }] = await Promise.all([import('chdb'), import('chdb/connection')]);
    // The first connection to a data directory starts the engine with its arguments, and the
    // client's connection cannot pass any: this session opens it with the server settings and is
    // kept open beside it (same directory, one engine).
    engine = new Session(dir, { connectionArgs: [...(opts.engineArgs ?? EMBEDDED_ENGINE_ARGS)] });
    const chdb = createChdbConnection({ path: dir });
    raw = (table, format, values, settings, columns) => chdb.chdb.rawInsert({ table, format, values, settings, ...(columns ? { columns: [...columns] } : {}) });
    const connection = chdb as unknown as ChdbCompatibleConnection;
    client = createClient({ connection });
    // chDB's connection ignores the client's `database` option; the session keeps `USE`.
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${opts.database}` });
    await client.command({ query: `USE ${opts.database}` });
  } catch (err) {
    engine?.close();
    if (err instanceof Error && /Cannot lock file|status/i.test(err.message)) {
      throw new ClickHouseLockedError(opts.dataDir, { cause: err });
    }
    throw err;
  }
  return {
    client,
    database: opts.database,
    embedded: true,
    async insertFormatted(table, format, body, settings, columns) {
      if (body.length === 0) return;
      await raw(table, format, body, settings ?? {}, columns);
    },
    async close() {
      await client.close();
      await engine?.close();
    },
  };
}
