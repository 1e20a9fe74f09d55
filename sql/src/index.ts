export { openClickHouse, ClickHouseLockedError, type ClickHouse, type ClickHouseClient, type ClickHouseOptions, type InsertFormat } from './client.ts';
export { migrate, loadMigrations, splitStatements, MigrationError, MIGRATIONS_DIR, type Migration, type MigrateResult } from './migrate.ts';
export * from './tables.ts';
export { ClusterDdl, ClusterDdlError, clusterMigrations, schemaMigrationsDdl, LOCAL_SUFFIX, SHARDING_KEY, type ClusterOptions } from './cluster.ts';
