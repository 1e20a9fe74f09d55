// /metrics plumbing outside the dashboard (issue 19): the consumer facts NatsBus reads from a real
// nats-server (pending, ack pending, lag per consumer of every stream) as the metrics registry
// exposes them, and the token-guarded listener of `tablero ingest` / `tablero processor`.
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countLines, metricsText, registerConsumers, registerLineSources, commitSeconds } from '@tablero/processor/metrics';
import { NatsBus } from '../src/bus/index.ts';
import { startMetricsServer, type MetricsServer } from '../src/metrics-server.ts';
import { startNatsServer, type NatsServer } from './support/nats-server.ts';
import { promSample } from './support/metrics.ts';

const TOKEN = 'metrics-listener-token-0123456789';
let nats: NatsServer;
let nc: NatsConnection;
let bus: NatsBus;
let server: MetricsServer;
beforeAll(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
  bus = await NatsBus.connect({ servers: nats.url });
  server = await startMetricsServer({ host: '127.0.0.1', port: 0, token: TOKEN, log: pino({ level: 'silent' }) });
});
afterAll(async () => {
  await server?.close();
  await bus?.close();
  await nc?.close();
  await nats?.stop();
});


describe('consumer facts from JetStream', () => {
  it('pending, ack pending and lag of every consumer of every stream, as /metrics shows them', async () => {
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    await jsm.streams.add({ name: 'M_A', subjects: ['m.a.>'] });
    await jsm.streams.add({ name: 'M_B', subjects: ['m.b.>'] });
    await jsm.consumers.add('M_A', { durable_name: 'part-0', ack_policy: AckPolicy.Explicit, filter_subject: 'm.a.0' });
    await jsm.consumers.add('M_A', { durable_name: 'part-1', ack_policy: AckPolicy.Explicit, filter_subject: 'm.a.1' });
    await jsm.consumers.add('M_B', { durable_name: 'crm', ack_policy: AckPolicy.Explicit });
    for (let i = 0; i < 5; i++) await js.publish('m.a.0', `x${i}`);
    for (let i = 0; i < 2; i++) await js.publish('m.a.1', `y${i}`);
    // Two of part-0's messages delivered and not acknowledged yet.
    const fetched = await (await js.consumers.get('M_A', 'part-0')).fetch({ max_messages: 2, expires: 2_000 });
    const held = [];
    for await (const m of fetched) held.push(m);
    expect(held.length).toBe(2);

    const facts = (await bus.consumerFacts()).sort((a, b) => `${a.stream}/${a.consumer}`.localeCompare(`${b.stream}/${b.consumer}`));
    expect(facts).toEqual([
      { stream: 'M_A', consumer: 'part-0', pending: 3, ack_pending: 2 },
      { stream: 'M_A', consumer: 'part-1', pending: 2, ack_pending: 0 },
      { stream: 'M_B', consumer: 'crm', pending: 0, ack_pending: 0 },
    ]);

    const unregister = registerConsumers(() => bus.consumerFacts());
    try {
      const text = (await metricsText()).body;
      expect([
        promSample(text, 'tablero_consumer_lag{stream="M_A",consumer="part-0"}'),
        promSample(text, 'tablero_consumer_pending{stream="M_A",consumer="part-0"}'),
        promSample(text, 'tablero_consumer_ack_pending{stream="M_A",consumer="part-0"}'),
        promSample(text, 'tablero_consumer_lag{stream="M_A",consumer="part-1"}'),
        promSample(text, 'tablero_consumer_lag{stream="M_B",consumer="crm"}'),
      ]).toEqual([5, 3, 2, 2, 0]);
    } finally {
      unregister();
      for (const m of held) m.ack();
    }
  });
});

describe('the registry', () => {
  it('adds up finished pushes and reads live sources at each scrape; a removed source is no longer read', async () => {
    countLines({ site: 'lpz', source: 'push:pbx1', kind: 'queue_log', accepted: 10, rejected: 1 });
    countLines({ site: 'lpz', source: 'push:pbx1', kind: 'queue_log', accepted: 5, rejected: 0 });
    const live = { accepted: 7, rejected: 2 };
    const unregister = registerLineSources(() => [{ site: 'lpz', source: '/var/log/asterisk/queue_log', kind: 'queue_log', ...live }]);
    const series = (source: string, result: string): string => `tablero_lines_total{site="lpz",source="${source}",kind="queue_log",result="${result}"}`;
    let text = (await metricsText()).body;
    expect([promSample(text, series('push:pbx1', 'accepted')), promSample(text, series('push:pbx1', 'rejected')), promSample(text, series('/var/log/asterisk/queue_log', 'accepted'))]).toEqual([15, 1, 7]);
    live.accepted = 9;
    text = (await metricsText()).body;
    expect(promSample(text, series('/var/log/asterisk/queue_log', 'accepted'))).toBe(9);
    unregister();
    text = (await metricsText()).body;
    expect(promSample(text, series('/var/log/asterisk/queue_log', 'accepted'))).toBeNull();
  });

  it('commit latency lands in its buckets', async () => {
    commitSeconds.observe(0.02);
    commitSeconds.observe(3);
    const text = (await metricsText()).body;
    expect([promSample(text, 'tablero_commit_seconds_bucket{le="0.025"}'), promSample(text, 'tablero_commit_seconds_bucket{le="5"}'), promSample(text, 'tablero_commit_seconds_count')]).toEqual([1, 2, 2]);
  });
});

describe('the metrics listener of ingest and processor', () => {
  const get = (path: string, init: RequestInit = {}): Promise<Response> => fetch(new URL(path, server.url), init);

  it.each([
    ['no token', {}, 401],
    ['another token', { authorization: 'Bearer metrics-listener-token-9999999999' }, 401],
    ['not a bearer', { authorization: `Basic ${TOKEN}` }, 401],
    ['the token', { authorization: `Bearer ${TOKEN}` }, 200],
  ])('GET /metrics with %s: %i', async (_what, headers, status) => {
    const res = await get('/metrics', { headers });
    expect(res.status).toBe(status);
    if (status === 401) {
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.json()).toEqual({ code: 'TABLERO_ERR_UNAUTHENTICATED', message: 'a bearer token (TABLERO_METRICS_TOKEN) is required' });
    } else {
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(await res.text()).toContain('# TYPE process_cpu_user_seconds_total counter');
    }
  });

  it.each([
    ['another path', '/api/health', 'GET'],
    ['another method', '/metrics', 'POST'],
  ])('%s: 404, token or not', async (_what, path, method) => {
    const res = await get(path, { method, headers: { authorization: `Bearer ${TOKEN}` } });
    expect([res.status, await res.json()]).toEqual([404, { code: 'TABLERO_ERR_NOT_FOUND', message: 'only GET /metrics is served here' }]);
  });
});
