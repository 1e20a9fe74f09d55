// The migrations for a ClickHouse cluster (issue 19), generated from the same numbered files as
// the single server, so there is one schema to keep. Selected by TABLERO_CLICKHOUSE_CLUSTER (and
// TABLERO_CLICKHOUSE_SHARDED); printed by `tablero migrate --print --cluster NAME [--sharded]`.
//
// - Every DDL statement runs `ON CLUSTER <name>`: one statement, every node (through Keeper).
// - Every MergeTree family engine becomes its Replicated form with a Keeper path and `{replica}`
//   macro; `non_replicated_deduplication_window` becomes `replicated_deduplication_window`, so
//   the insert dedup the processor relies on (same `insert_deduplication_token` = no second
//   copy) holds on every replica: the block hashes live in Keeper, shared by the replicas.
// - Replicated only (the default): every node keeps every table whole (one logical shard,
//   Keeper path without `{shard}`); reads and writes go to any node, nothing else changes.
// - Sharded (`sharded: true`): tables whose sorting key starts with `site` (the event and fact
//   tables that grow with traffic) become `<name>_local` (path with `{shard}`) plus a
//   `Distributed` table under the old name, sharded by `cityHash64(site)`: a site lives on one
//   shard, so FINAL, ReplacingMergeTree collapsing and per-site queries stay within one shard,
//   and a retried insert (same rows, same deterministic key) reaches the same shard again, where
//   its token finds the first copy. Writes through the Distributed table must be synchronous
//   (`distributed_foreground_insert = 1`, set by the client factory) or the token would be
//   checked on a later background send. Small tables (users, settings, sessions) stay whole on
//   every node.
// Statements of a form not listed here are refused (ClusterDdlError): a new migration that uses
// one fails the unit test over every migration file until this file learns it.
import type { Migration } from './migrate.ts';

export interface ClusterOptions {
  /** Cluster name as in the servers' `remote_servers` configuration. */
  cluster: string;
  /** Site-keyed tables as `<name>_local` + Distributed, sharded by site. */
  sharded?: boolean;
}

export class ClusterDdlError extends Error {
  override name = 'ClusterDdlError';
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MERGE_TREE_ENGINES = new Set([
  'MergeTree',
  'ReplacingMergeTree',
  'SummingMergeTree',
  'AggregatingMergeTree',
  'CollapsingMergeTree',
  'VersionedCollapsingMergeTree',
  'GraphiteMergeTree',
  'CoalescingMergeTree',
]);
export const LOCAL_SUFFIX = '_local';
export const SHARDING_KEY = 'cityHash64(site)';

/** The Keeper path of a replicated table: per shard for sharded tables, one for whole tables. */
function keeperPath(table: string, perShard: boolean): string {
  return perShard ? `/clickhouse/tables/{shard}/{database}/${table}` : `/clickhouse/tables/all/{database}/${table}`;
}

/** Index just after the parenthesis that closes the one at `open`. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '`' || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  throw new ClusterDdlError(`unbalanced parentheses in: ${text.slice(0, 80)}`);
}

/** `ENGINE = X(args)` -> `ENGINE = ReplicatedX('<path>', '{replica}', args)`; other text unchanged. */
function replicateEngine(statement: string, table: string, perShard: boolean): string {
  const m = /\bENGINE\s*=\s*([A-Za-z]+)/.exec(statement);
  if (!m) throw new ClusterDdlError(`no ENGINE in: ${statement.slice(0, 80)}`);
  const engine = m[1] as string;
  if (!MERGE_TREE_ENGINES.has(engine)) throw new ClusterDdlError(`engine ${engine} of ${table} has no replicated form here`);
  const afterName = m.index + m[0].length;
  let args = '';
  let end = afterName;
  if (statement[afterName] === '(') {
    end = closingParen(statement, afterName);
    args = statement.slice(afterName + 1, end - 1).trim();
  }
  const replicated = `ENGINE = Replicated${engine}('${keeperPath(table, perShard)}', '{replica}'${args ? `, ${args}` : ''})`;
  const rest = statement.slice(end).replace(/\bnon_replicated_deduplication_window\b/g, 'replicated_deduplication_window');
  return `${statement.slice(0, m.index)}${replicated}${rest}`;
}

/** The cluster form of each statement of the migrations, in order (state: which tables are sharded). */
export class ClusterDdl {
  private readonly sharded = new Set<string>();
  private readonly on: string;

  constructor(private readonly opts: ClusterOptions) {
    if (!IDENT.test(opts.cluster)) throw new ClusterDdlError(`cluster name must be letters, digits and _: '${opts.cluster}'`);
    this.on = `ON CLUSTER ${opts.cluster}`;
  }

  /** Tables stored as `<name>_local` + Distributed (sharded mode). */
  shardedTables(): string[] {
    return [...this.sharded].sort();
  }

  /** The cluster statements standing for one statement of a migration file. */
  statement(sql: string): string[] {
    const s = sql.trim();
    let m: RegExpExecArray | null;
    if ((m = /^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?=\()/i.exec(s))) {
      return this.createTable(s, m[0].trimEnd(), m[2] as string);
    }
    if ((m = /^ALTER\s+TABLE\s+([A-Za-z_][A-Za-z0-9_]*)\s/i.exec(s))) {
      const table = m[1] as string;
      const body = s.slice(m[0].length);
      if (!/^(ADD|DROP|MODIFY|RENAME|COMMENT)\s+(COLUMN|INDEX|PROJECTION|SETTING)?/i.test(body) && !/^MODIFY\s+TTL/i.test(body)) {
        throw new ClusterDdlError(`ALTER of ${table} with no cluster form here: ${body.slice(0, 60)}`);
      }
      const alter = (t: string): string => `ALTER TABLE ${t} ${this.on} ${body}`;
      if (!this.sharded.has(table)) return [alter(table)];
      // The local tables hold the data; the Distributed table only mirrors their columns
      // (indexes, projections, settings and TTL apply to the local tables alone).
      return /^(ADD|DROP|MODIFY|RENAME|COMMENT)\s+COLUMN/i.test(body) ? [alter(`${table}${LOCAL_SUFFIX}`), alter(table)] : [alter(`${table}${LOCAL_SUFFIX}`)];
    }
    if ((m = /^CREATE\s+MATERIALIZED\s+VIEW\s+(IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)\s/i.exec(s))) {
      return [this.materializedView(s, m[0].trimEnd(), m[2] as string)];
    }
    if ((m = /^CREATE\s+(OR\s+REPLACE\s+)?VIEW\s+(IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)\s/i.exec(s))) {
      return [`${m[0].trimEnd()} ${this.on} ${s.slice(m[0].length)}`];
    }
    if ((m = /^(DROP|TRUNCATE)\s+(TABLE|VIEW)\s+(IF\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*$/i.exec(s))) {
      const table = m[4] as string;
      const head = `${m[1]} ${m[2]} ${m[3] ?? ''}`.replace(/\s+/g, ' ');
      if (!this.sharded.has(table)) return [`${head}${table} ${this.on}`];
      if (/^DROP/i.test(m[1] as string)) this.sharded.delete(table);
      return [`${head}${table} ${this.on}`, `${head}${table}${LOCAL_SUFFIX} ${this.on}`];
    }
    if (/^INSERT\s+INTO\s/i.test(s)) {
      // Data statements run once: a replicated table copies the rows to its other replicas.
      return [s];
    }
    throw new ClusterDdlError(`no cluster form for: ${s.slice(0, 80)}`);
  }

  private createTable(s: string, head: string, table: string): string[] {
    const body = s.slice(head.length).trimStart();
    const columnsEnd = closingParen(body, 0);
    const columns = body.slice(0, columnsEnd);
    const storage = body.slice(columnsEnd).trim();
    const bySite = /\bORDER\s+BY\s+\(?\s*site\b/i.test(storage) && /(^|[(,\s])site\s/.test(columns);
    if (!(this.opts.sharded && bySite)) {
      return [replicateEngine(`${head} ${this.on} ${columns} ${storage}`, table, false)];
    }
    this.sharded.add(table);
    const local = `${table}${LOCAL_SUFFIX}`;
    const localHead = head.replace(new RegExp(`${table}$`), local);
    return [
      replicateEngine(`${localHead} ${this.on} ${columns} ${storage}`, local, true),
      `${head} ${this.on} AS ${local} ENGINE = Distributed(${this.opts.cluster}, currentDatabase(), ${local}, ${SHARDING_KEY})`,
    ];
  }

  /**
   * A materialized view fires on inserts into the table it reads, on the node that stores them:
   * in sharded mode it reads and writes the local tables (each shard feeds its own rows).
   */
  private materializedView(s: string, head: string, name: string): string {
    let rest = s.slice(head.length);
    if (this.opts.sharded) {
      rest = rest.replace(/\b(FROM|JOIN|TO)\s+([A-Za-z_][A-Za-z0-9_]*)\b/gi, (all, kw: string, t: string) => (this.sharded.has(t) ? `${kw} ${t}${LOCAL_SUFFIX}` : all));
    }
    const viaTo = /^\s*TO\s/i.test(rest);
    const out = `${head} ${this.on}${rest}`;
    // A view with its own storage (no TO) keeps its rows whole on every node.
    return viaTo ? out : replicateEngine(out, `.inner.${name}`, false);
  }
}

/** The migrations with every statement in its cluster form (names and checksums of the originals). */
export function clusterMigrations(migrations: Migration[], opts: ClusterOptions): Migration[] {
  const ddl = new ClusterDdl(opts);
  return migrations.map((m) => ({ ...m, statements: m.statements.flatMap((st) => ddl.statement(st)) }));
}

/** The bookkeeping table of the migration runner, in the same form. */
export function schemaMigrationsDdl(opts: ClusterOptions | null): string {
  const plain = `CREATE TABLE IF NOT EXISTS schema_migrations (
      name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree ORDER BY name`;
  return opts ? (new ClusterDdl(opts).statement(plain)[0] as string) : plain;
}
