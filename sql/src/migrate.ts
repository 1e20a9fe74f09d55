// Applies the numbered migrations in sql/migrations/ in order and records each one in
// `schema_migrations`, so a migration runs once per database. A migration that changed after
// it was applied is reported, never re-run silently.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import { clusterMigrations, schemaMigrationsDdl, type ClusterOptions } from './cluster.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
const MIGRATION_FILE = /^(\d{3})_[a-z0-9_]+\.sql$/;

export interface Migration {
  name: string;
  checksum: string;
  statements: string[];
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Splits a migration file into statements: `;` at the end of a line ends a statement. */
export function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const names = readdirSync(dir).filter((n) => n.endsWith('.sql')).sort();
  const seen = new Set<string>();
  return names.map((name) => {
    const m = MIGRATION_FILE.exec(name);
    if (!m) throw new MigrationError(`migration file name must be NNN_name.sql: ${name}`);
    const number = m[1] as string;
    if (seen.has(number)) throw new MigrationError(`two migrations numbered ${number}`);
    seen.add(number);
    const text = readFileSync(`${dir}/${name}`, 'utf8');
    return {
      name,
      checksum: createHash('sha256').update(text).digest('hex'),
      statements: splitStatements(text),
    };
  });
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

/**
 * Applies the migrations not applied yet. With `cluster`, each statement runs in its cluster form
 * (cluster.ts: ON CLUSTER, Replicated engines, Distributed tables when sharded); the names and
 * checksums recorded are those of the files, so the record means the same on both.
 */
export async function migrate(client: ClickHouseClient, dir = MIGRATIONS_DIR, cluster: ClusterOptions | null = null): Promise<MigrateResult> {
  await client.command({ query: schemaMigrationsDdl(cluster) });
  const rows = await (
    await client.query({ query: 'SELECT name, checksum FROM schema_migrations FINAL', format: 'JSONEachRow' })
  ).json<{ name: string; checksum: string }>();
  const done = new Map(rows.map((r) => [r.name, r.checksum]));
  const result: MigrateResult = { applied: [], alreadyApplied: [] };
  const all = loadMigrations(dir);
  // Converted whole before anything runs: a statement with no cluster form stops the run early.
  for (const migration of cluster ? clusterMigrations(all, cluster) : all) {
    const previous = done.get(migration.name);
    if (previous !== undefined) {
      if (previous !== migration.checksum) {
        throw new MigrationError(
          `migration ${migration.name} changed after it was applied; add a new migration instead`,
        );
      }
      result.alreadyApplied.push(migration.name);
      continue;
    }
    for (const statement of migration.statements) {
      try {
        await client.command({ query: statement });
      } catch (err) {
        throw new MigrationError(`migration ${migration.name} failed`, { cause: err });
      }
    }
    await client.insert({
      table: 'schema_migrations',
      values: [{ name: migration.name, checksum: migration.checksum }],
      format: 'JSONEachRow',
    });
    result.applied.push(migration.name);
  }
  return result;
}
