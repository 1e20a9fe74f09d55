// The composition root's configuration: every bad variable reported at once, values parsed.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('parses member aliases per site', () => {
    const cfg = loadConfig({ TZ: 'UTC', TABLERO_MEMBER_ALIASES: '{"lpz": {"Local/201@from-queue/n": "Ana Pérez"}}' });
    expect(cfg.TABLERO_MEMBER_ALIASES).toEqual({ lpz: { 'Local/201@from-queue/n': 'Ana Pérez' } });
    expect(loadConfig({ TZ: 'UTC' }).TABLERO_MEMBER_ALIASES).toEqual({});
  });

  it('reads the snapshot pacing per site, 100 ms unless set, within 100..5000', () => {
    expect(loadConfig({ TZ: 'UTC' }).TABLERO_SNAPSHOT_MIN_MS).toBe(100);
    expect(loadConfig({ TZ: 'UTC', TABLERO_SNAPSHOT_MIN_MS: '250' }).TABLERO_SNAPSHOT_MIN_MS).toBe(250);
    expect(() => loadConfig({ TZ: 'UTC', TABLERO_SNAPSHOT_MIN_MS: '50' })).toThrow('TABLERO_SNAPSHOT_MIN_MS: at least 100');
    expect(() => loadConfig({ TZ: 'UTC', TABLERO_SNAPSHOT_MIN_MS: 'fast' })).toThrow('TABLERO_SNAPSHOT_MIN_MS');
  });

  it('reads the rollup job interval, 10 s unless set, 0 = off', () => {
    expect(loadConfig({ TZ: 'UTC' }).TABLERO_ROLLUP_INTERVAL_MS).toBe(10_000);
    expect(loadConfig({ TZ: 'UTC', TABLERO_ROLLUP_INTERVAL_MS: '0' }).TABLERO_ROLLUP_INTERVAL_MS).toBe(0);
    expect(() => loadConfig({ TZ: 'UTC', TABLERO_ROLLUP_INTERVAL_MS: '-1' })).toThrow('TABLERO_ROLLUP_INTERVAL_MS: at least 0');
  });

  it('reads the stale open call horizon, 4 h unless set, within 60 s..7 days', () => {
    expect(loadConfig({ TZ: 'UTC' }).TABLERO_STALE_CALL_S).toBe(14_400);
    expect(loadConfig({ TZ: 'UTC', TABLERO_STALE_CALL_S: '7200' }).TABLERO_STALE_CALL_S).toBe(7_200);
    expect(() => loadConfig({ TZ: 'UTC', TABLERO_STALE_CALL_S: '30' })).toThrow('TABLERO_STALE_CALL_S: at least 60');
    expect(() => loadConfig({ TZ: 'UTC', TABLERO_STALE_CALL_S: '700000' })).toThrow('TABLERO_STALE_CALL_S: at most 604800');
  });

  it('listens on 127.0.0.1 unless HOST is set; HSTS off unless set; exports under the data directory unless set', () => {
    const c = loadConfig({ TZ: 'UTC', TABLERO_DATA_DIR: '/srv/tablero' });
    expect([c.HOST, c.TABLERO_HSTS_MAX_AGE_S, c.exportsDir]).toEqual(['127.0.0.1', undefined, '/srv/tablero/exports']);
    const set = loadConfig({ TZ: 'UTC', HOST: '0.0.0.0', TABLERO_HSTS_MAX_AGE_S: '31536000', TABLERO_EXPORTS_DIR: '/srv/reports' });
    expect([set.HOST, set.TABLERO_HSTS_MAX_AGE_S, set.exportsDir]).toEqual(['0.0.0.0', 31_536_000, '/srv/reports']);
    expect(() => loadConfig({ TZ: 'UTC', TABLERO_HSTS_MAX_AGE_S: '-1' })).toThrow('TABLERO_HSTS_MAX_AGE_S: at least 0');
    expect(loadConfig({ TZ: 'UTC', TABLERO_HSTS_MAX_AGE_S: '' }).TABLERO_HSTS_MAX_AGE_S).toBeUndefined();
  });

  it('reads the metrics token and port (9464 unless set); an empty token is unset', () => {
    const c = loadConfig({ TZ: 'UTC' });
    expect([c.TABLERO_METRICS_TOKEN, c.TABLERO_METRICS_PORT]).toEqual([undefined, 9464]);
    const set = loadConfig({ TZ: 'UTC', TABLERO_METRICS_TOKEN: 'a-scraper-token-of-24-chars', TABLERO_METRICS_PORT: '9100' });
    expect([set.TABLERO_METRICS_TOKEN, set.TABLERO_METRICS_PORT]).toEqual(['a-scraper-token-of-24-chars', 9100]);
    expect(loadConfig({ TZ: 'UTC', TABLERO_METRICS_TOKEN: '' }).TABLERO_METRICS_TOKEN).toBeUndefined();
    expect(() => loadConfig({ TZ: 'UTC', TABLERO_METRICS_TOKEN: 'short' })).toThrow('TABLERO_METRICS_TOKEN: at least 24 characters');
  });

  it('reads the ClickHouse cluster: it needs a server, sharding needs a cluster', () => {
    const c = loadConfig({ TZ: 'UTC', CLICKHOUSE_URL: 'http://ch:8123', TABLERO_CLICKHOUSE_CLUSTER: 'prod', TABLERO_CLICKHOUSE_SHARDED: 'true' });
    expect([c.TABLERO_CLICKHOUSE_CLUSTER, c.TABLERO_CLICKHOUSE_SHARDED]).toEqual(['prod', true]);
    expect(loadConfig({ TZ: 'UTC' }).TABLERO_CLICKHOUSE_SHARDED).toBe(false);
    expect(() => loadConfig({ TZ: 'UTC', TABLERO_CLICKHOUSE_CLUSTER: 'prod' })).toThrow('TABLERO_CLICKHOUSE_CLUSTER: needs CLICKHOUSE_URL');
    expect(() => loadConfig({ TZ: 'UTC', TABLERO_CLICKHOUSE_SHARDED: 'true' })).toThrow('TABLERO_CLICKHOUSE_SHARDED: needs TABLERO_CLICKHOUSE_CLUSTER');
    expect(() => loadConfig({ TZ: 'UTC', CLICKHOUSE_URL: 'http://ch:8123', TABLERO_CLICKHOUSE_CLUSTER: 'a-b' })).toThrow('TABLERO_CLICKHOUSE_CLUSTER: letters, digits and _ only');
  });

  it('reads the cluster settings: one replica, no partitions, a 6 s lease unless set', () => {
    const c = loadConfig({ TZ: 'UTC' });
    expect([c.TABLERO_STREAM_REPLICAS, c.TABLERO_PARTITIONS, c.TABLERO_LEASE_TTL_MS, c.TABLERO_LEASE_LOG]).toEqual([1, 0, 6_000, undefined]);
    const set = loadConfig({ TZ: 'UTC', NATS_URL: 'nats://a:4222,nats://b:4222', TABLERO_STREAM_REPLICAS: '3', TABLERO_PARTITIONS: '12', TABLERO_LEASE_TTL_MS: '4000', TABLERO_LEASE_LOG: '/var/log/leases.jsonl' });
    expect([set.NATS_URL, set.TABLERO_STREAM_REPLICAS, set.TABLERO_PARTITIONS, set.TABLERO_LEASE_TTL_MS, set.TABLERO_LEASE_LOG]).toEqual(['nats://a:4222,nats://b:4222', 3, 12, 4_000, '/var/log/leases.jsonl']);
    expect(() => loadConfig({ TZ: 'UTC', TABLERO_STREAM_REPLICAS: '0', TABLERO_PARTITIONS: '300', TABLERO_LEASE_TTL_MS: '500' })).toThrow(
      'TABLERO_STREAM_REPLICAS: at least 1; TABLERO_PARTITIONS: at most 256; TABLERO_LEASE_TTL_MS: at least 2000',
    );
  });

  it('reads the fencing insert timeout (4 s) and the NATS pull expiry (5 s) unless set, within 1..60 s', () => {
    const c = loadConfig({ TZ: 'UTC' });
    expect([c.TABLERO_FENCE_INSERT_TIMEOUT_MS, c.TABLERO_NATS_PULL_EXPIRES_MS]).toEqual([4_000, 5_000]);
    const set = loadConfig({ TZ: 'UTC', TABLERO_FENCE_INSERT_TIMEOUT_MS: '2000', TABLERO_NATS_PULL_EXPIRES_MS: '10000' });
    expect([set.TABLERO_FENCE_INSERT_TIMEOUT_MS, set.TABLERO_NATS_PULL_EXPIRES_MS]).toEqual([2_000, 10_000]);
    expect(() => loadConfig({ TZ: 'UTC', TABLERO_FENCE_INSERT_TIMEOUT_MS: '500', TABLERO_NATS_PULL_EXPIRES_MS: '90000' })).toThrow(
      'TABLERO_NATS_PULL_EXPIRES_MS: at most 60000; TABLERO_FENCE_INSERT_TIMEOUT_MS: at least 1000',
    );
  });

  it('reads the stall limit of /api/health, 15 s unless set, within 1..3600 s', () => {
    expect(loadConfig({ TZ: 'UTC' }).TABLERO_STALL_AFTER_S).toBe(15);
    expect(loadConfig({ TZ: 'UTC', TABLERO_STALL_AFTER_S: '60' }).TABLERO_STALL_AFTER_S).toBe(60);
    expect(() => loadConfig({ TZ: 'UTC', TABLERO_STALL_AFTER_S: '0' })).toThrow('TABLERO_STALL_AFTER_S: at least 1');
    expect(loadConfig({ TZ: 'UTC' }).TABLERO_COMMIT_MESSAGES).toBe(64);
    expect(loadConfig({ TZ: 'UTC', TABLERO_COMMIT_MESSAGES: '16' }).TABLERO_COMMIT_MESSAGES).toBe(16);
    expect(() => loadConfig({ TZ: 'UTC', TABLERO_COMMIT_MESSAGES: '0' })).toThrow('TABLERO_COMMIT_MESSAGES: at least 1');
    expect(() => loadConfig({ TZ: 'UTC', TABLERO_COMMIT_MESSAGES: '257' })).toThrow('TABLERO_COMMIT_MESSAGES: at most 256');
  });

  it('reads the funnel services per site, and names each problem of a bad one', () => {
    const cfg = loadConfig({ TZ: 'UTC', TABLERO_FUNNEL: '{"default": {"services": [{"service": "101", "dids": ["6014400101"]}], "ivr": {"source": "userfield"}}}' });
    expect(cfg.TABLERO_FUNNEL).toEqual({ default: { services: [{ service: '101', contexts: [], dids: ['6014400101'], agent_options: [] }], ivr: { source: 'userfield' } } });
    expect(loadConfig({ TZ: 'UTC' }).TABLERO_FUNNEL).toEqual({});
    const message = (() => {
      try {
        loadConfig({ TZ: 'UTC', TABLERO_FUNNEL: '{"default": {"services": [{"service": "101"}], "ivr": {"source": "cel"}}}' });
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toContain('TABLERO_FUNNEL: default.services[0]: give contexts and/or dids');
    expect(message).toContain('TABLERO_FUNNEL: default.ivr.source: one of none, queue_log, userfield, lastdata');
    expect(() => loadConfig({ TZ: 'UTC', TABLERO_FUNNEL: '{' })).toThrow('TABLERO_FUNNEL: not JSON');
  });

  it('reports every bad variable in one error', () => {
    const env = { TZ: 'Nowhere/City', PORT: '99999', TABLERO_MEMBER_ALIASES: '{"lpz": ["Ana"]}', CLICKHOUSE_URL: 'tcp://x' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    let message = '';
    try {
      loadConfig(env);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.startsWith('bad environment: ')).toBe(true);
    for (const part of ['PORT:', 'CLICKHOUSE_URL: must start with http:// or https://', 'TZ: not an IANA time zone', 'TABLERO_MEMBER_ALIASES: JSON object {"site": {"interface": "member name"}}']) {
      expect(message).toContain(part);
    }
  });
});
