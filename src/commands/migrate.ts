// `tablero migrate`: applies the ClickHouse migrations (what every service also does at start),
// or with --print writes them as SQL without connecting to anything: the single-server form, or
// the cluster form (ON CLUSTER, Replicated engines, Distributed tables when sharded) generated
// from the same files (sql/src/cluster.ts) for an operator to review or run by hand.
import type { Command } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { clusterOf, openStore } from '../runtime.ts';
import { UsageError } from './usage.ts';
import { clusterMigrations, loadMigrations, schemaMigrationsDdl, type ClusterOptions } from '@tablero/sql';

const usage = `Usage: tablero migrate [--print] [--cluster NAME] [--sharded]

Applies the ClickHouse migrations not applied yet (CLICKHOUSE_URL, else embedded under
TABLERO_DATA_DIR; TABLERO_CLICKHOUSE_CLUSTER / TABLERO_CLICKHOUSE_SHARDED select the cluster form).
  --print         write the migrations' SQL to stdout instead, connecting to nothing
  --cluster NAME  with --print: the cluster form for the cluster NAME (ON CLUSTER, Replicated*)
  --sharded       with --cluster: site-keyed tables as <name>_local + Distributed by site`;

/** The migrations as one SQL script, each statement ended by `;` and each file introduced by a comment. */
export function migrationsScript(cluster: ClusterOptions | null): string {
  const all = loadMigrations();
  const migrations = cluster ? clusterMigrations(all, cluster) : all;
  const head = cluster ? `-- Tablero migrations for ClickHouse cluster ${cluster.cluster}${cluster.sharded ? ' (sharded by site)' : ' (replicated)'}` : '-- Tablero migrations for one ClickHouse server';
  const parts = [head, '', `${schemaMigrationsDdl(cluster)};`];
  for (const m of migrations) parts.push('', `-- ${m.name}`, ...m.statements.map((s) => `${s};`));
  return `${parts.join('\n')}\n`;
}

export const migrateCommand: Command = {
  summary: 'apply the ClickHouse migrations, or print them (--print [--cluster NAME] for a cluster)',
  usage,
  options: { print: { type: 'boolean' }, cluster: { type: 'string' }, sharded: { type: 'boolean' } },
  async run(values) {
    const cluster = typeof values.cluster === 'string' ? values.cluster : undefined;
    const sharded = values.sharded === true;
    if (values.print !== true) {
      if (cluster !== undefined || sharded) throw new UsageError('--cluster and --sharded go with --print; to apply, set TABLERO_CLICKHOUSE_CLUSTER (and TABLERO_CLICKHOUSE_SHARDED)');
      const cfg = loadConfig();
      const log = createLogger(cfg.LOG_LEVEL, 'tablero-migrate');
      const ch = await openStore(cfg, log);
      await ch.close();
      const c = clusterOf(cfg);
      process.stdout.write(`migrations up to date${c ? ` on cluster ${c.cluster}` : ''}\n`);
      return 0;
    }
    if (sharded && cluster === undefined) throw new UsageError('--sharded needs --cluster NAME');
    if (cluster !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(cluster)) throw new UsageError(`--cluster must be letters, digits and _: '${cluster}'`);
    process.stdout.write(migrationsScript(cluster === undefined ? null : { cluster, sharded }));
    return 0;
  },
};
