// The cluster form of the migrations (cluster.ts): exact output for each statement form, the
// forms it refuses, and every statement of every migration file in both cluster modes.
import { describe, expect, it } from 'vitest';
import { ClusterDdl, ClusterDdlError, clusterMigrations, schemaMigrationsDdl } from './cluster.ts';
import { loadMigrations } from './migrate.ts';

const replicated = (): ClusterDdl => new ClusterDdl({ cluster: 'prod' });
const sharded = (): ClusterDdl => new ClusterDdl({ cluster: 'prod', sharded: true });

const SITE_TABLE = `CREATE TABLE IF NOT EXISTS calls (
  site LowCardinality(String),
  id String,
  v UInt32
) ENGINE = ReplacingMergeTree(v)
PARTITION BY toYYYYMM(ts)
ORDER BY (site, id)
SETTINGS non_replicated_deduplication_window = 10000`;

describe('one statement', () => {
  it.each([
    [
      'a whole table (no site key), engine without arguments',
      replicated(),
      'CREATE TABLE IF NOT EXISTS sessions (session_id String, at DateTime) ENGINE = MergeTree ORDER BY session_id',
      ["CREATE TABLE IF NOT EXISTS sessions ON CLUSTER prod (session_id String, at DateTime) ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/{database}/sessions', '{replica}') ORDER BY session_id"],
    ],
    [
      'a version column stays the last engine argument; the dedup window becomes the replicated one',
      replicated(),
      SITE_TABLE,
      [
        `CREATE TABLE IF NOT EXISTS calls ON CLUSTER prod (
  site LowCardinality(String),
  id String,
  v UInt32
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/calls', '{replica}', v)
PARTITION BY toYYYYMM(ts)
ORDER BY (site, id)
SETTINGS replicated_deduplication_window = 10000`,
      ],
    ],
    [
      'sharded: a site-keyed table becomes <name>_local per shard plus a Distributed table by site',
      sharded(),
      SITE_TABLE,
      [
        `CREATE TABLE IF NOT EXISTS calls_local ON CLUSTER prod (
  site LowCardinality(String),
  id String,
  v UInt32
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/calls_local', '{replica}', v)
PARTITION BY toYYYYMM(ts)
ORDER BY (site, id)
SETTINGS replicated_deduplication_window = 10000`,
        'CREATE TABLE IF NOT EXISTS calls ON CLUSTER prod AS calls_local ENGINE = Distributed(prod, currentDatabase(), calls_local, cityHash64(site))',
      ],
    ],
    [
      'sharded: a table not sorted by site stays whole on every node',
      sharded(),
      "CREATE TABLE IF NOT EXISTS users (username String, updated_at DateTime64(3, 'UTC')) ENGINE = ReplacingMergeTree(updated_at) ORDER BY username",
      ["CREATE TABLE IF NOT EXISTS users ON CLUSTER prod (username String, updated_at DateTime64(3, 'UTC')) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/users', '{replica}', updated_at) ORDER BY username"],
    ],
    [
      'an ALTER of a whole table',
      replicated(),
      'ALTER TABLE users ADD COLUMN IF NOT EXISTS queues Array(String) DEFAULT []',
      ['ALTER TABLE users ON CLUSTER prod ADD COLUMN IF NOT EXISTS queues Array(String) DEFAULT []'],
    ],
    [
      'a view',
      replicated(),
      'CREATE VIEW IF NOT EXISTS v AS SELECT 1',
      ['CREATE VIEW IF NOT EXISTS v ON CLUSTER prod AS SELECT 1'],
    ],
    [
      'an INSERT runs once (the replicas copy it)',
      replicated(),
      "INSERT INTO users VALUES ('a', now())",
      ["INSERT INTO users VALUES ('a', now())"],
    ],
  ])('%s', (_what, ddl, statement, expected) => {
    expect(ddl.statement(statement)).toEqual(expected);
  });

  it('sharded: an ALTER of a sharded table changes the local tables first, then the Distributed one; DROP drops both', () => {
    const ddl = sharded();
    ddl.statement(SITE_TABLE);
    expect(ddl.shardedTables()).toEqual(['calls']);
    expect(ddl.statement('ALTER TABLE calls ADD COLUMN IF NOT EXISTS commit_id UInt64 DEFAULT 0')).toEqual([
      'ALTER TABLE calls_local ON CLUSTER prod ADD COLUMN IF NOT EXISTS commit_id UInt64 DEFAULT 0',
      'ALTER TABLE calls ON CLUSTER prod ADD COLUMN IF NOT EXISTS commit_id UInt64 DEFAULT 0',
    ]);
    expect(ddl.statement('ALTER TABLE calls MODIFY SETTING index_granularity = 8192')).toEqual(['ALTER TABLE calls_local ON CLUSTER prod MODIFY SETTING index_granularity = 8192']);
    expect(ddl.statement('DROP TABLE IF EXISTS calls')).toEqual(['DROP TABLE IF EXISTS calls ON CLUSTER prod', 'DROP TABLE IF EXISTS calls_local ON CLUSTER prod']);
    expect(ddl.shardedTables()).toEqual([]);
  });

  it('sharded: a materialized view reads and writes the local tables; one with its own storage is replicated whole', () => {
    const ddl = sharded();
    ddl.statement(SITE_TABLE);
    ddl.statement(SITE_TABLE.replace('calls', 'call_facts'));
    expect(ddl.statement('CREATE MATERIALIZED VIEW IF NOT EXISTS call_facts_mv TO call_facts AS SELECT site, id, v FROM calls')).toEqual([
      'CREATE MATERIALIZED VIEW IF NOT EXISTS call_facts_mv ON CLUSTER prod TO call_facts_local AS SELECT site, id, v FROM calls_local',
    ]);
    expect(ddl.statement('CREATE MATERIALIZED VIEW IF NOT EXISTS per_day ENGINE = SummingMergeTree ORDER BY d AS SELECT toDate(now()) AS d, count() AS n FROM calls')).toEqual([
      "CREATE MATERIALIZED VIEW IF NOT EXISTS per_day ON CLUSTER prod ENGINE = ReplicatedSummingMergeTree('/clickhouse/tables/all/{database}/.inner.per_day', '{replica}') ORDER BY d AS SELECT toDate(now()) AS d, count() AS n FROM calls_local",
    ]);
  });

  it.each([
    ['an engine with no replicated form', 'CREATE TABLE IF NOT EXISTS t (a String) ENGINE = Memory', 'engine Memory of t has no replicated form here'],
    ['a table without an engine', 'CREATE TABLE IF NOT EXISTS t (a String)', 'no ENGINE in'],
    ['RENAME', 'RENAME TABLE a TO b', 'no cluster form for: RENAME TABLE a TO b'],
    ['an ALTER that moves data', 'ALTER TABLE t DELETE WHERE 1', 'ALTER of t with no cluster form here: DELETE WHERE 1'],
    ['a SYSTEM statement', 'SYSTEM STOP MERGES', 'no cluster form for: SYSTEM STOP MERGES'],
    ['unbalanced parentheses', 'CREATE TABLE IF NOT EXISTS t (a String ENGINE = MergeTree', 'unbalanced parentheses'],
  ])('refuses %s', (_what, statement, message) => {
    expect(() => replicated().statement(statement)).toThrow(ClusterDdlError);
    expect(() => replicated().statement(statement)).toThrow(message);
  });

  it.each(['', 'prod-1', 'a b', "x'"])('refuses the cluster name %j', (name) => {
    expect(() => new ClusterDdl({ cluster: name })).toThrow(ClusterDdlError);
  });

  it('the runner\'s own table', () => {
    expect(schemaMigrationsDdl({ cluster: 'prod', sharded: true })).toContain(
      "schema_migrations ON CLUSTER prod (\n      name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)\n    ) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/schema_migrations', '{replica}') ORDER BY name",
    );
    expect(schemaMigrationsDdl(null)).not.toContain('ON CLUSTER');
  });
});

describe('every migration file', () => {
  const files = loadMigrations();
  const statements = files.flatMap((m) => m.statements);
  const creates = statements.filter((s) => /^CREATE TABLE/i.test(s));
  /** Tables sorted by site first: the ones sharded. */
  const bySite = creates.filter((s) => /ORDER BY \(\s*site\b/.test(s)).map((s) => /^CREATE TABLE IF NOT EXISTS (\w+)/.exec(s)?.[1]);

  it.each([
    ['replicated', false],
    ['sharded', true],
  ])('%s: every statement runs ON CLUSTER with a Replicated engine and the replicated dedup window', (_mode, isSharded) => {
    const out = clusterMigrations(files, { cluster: 'prod', sharded: isSharded });
    expect(out.map((m) => [m.name, m.checksum])).toEqual(files.map((m) => [m.name, m.checksum]));
    const all = out.flatMap((m) => m.statements);
    for (const s of all) {
      if (/^INSERT/i.test(s)) continue;
      expect(s).toMatch(/ ON CLUSTER prod /);
      expect(s).not.toMatch(/non_replicated_deduplication_window/);
      // Every engine is a Replicated MergeTree family engine or a Distributed table over one.
      for (const [, engine] of s.matchAll(/ENGINE\s*=\s*(\w+)/g)) expect(engine).toMatch(/^(Replicated\w*MergeTree|Distributed)$/);
    }
    // Every window of the single-server form is kept, in its replicated name.
    expect(all.join('\n').match(/replicated_deduplication_window = 10000/g)?.length).toBe(statements.join('\n').match(/non_replicated_deduplication_window = 10000/g)?.length);
    const distributed = all.filter((s) => s.includes('ENGINE = Distributed'));
    expect(distributed.map((s) => /^CREATE TABLE IF NOT EXISTS (\w+)/.exec(s)?.[1])).toEqual(isSharded ? bySite : []);
    // One statement each, plus the Distributed twin of each sharded table and the local twin of
    // each column change of a sharded table.
    const alters = statements.filter((s) => /^ALTER TABLE (\w+) ADD COLUMN/.test(s) && bySite.includes(/^ALTER TABLE (\w+)/.exec(s)?.[1]));
    expect(all.length).toBe(statements.length + (isSharded ? bySite.length + alters.length : 0));
  });

  it('the sharded tables are the event and fact tables that grow with traffic', () => {
    expect(bySite).toEqual(expect.arrayContaining(['queue_events', 'stints', 'dead_letters', 'agent_sessions', 'agent_pauses', 'cdr']));
    expect(bySite).not.toContain('users');
    expect(bySite).not.toContain('sessions');
  });
});
