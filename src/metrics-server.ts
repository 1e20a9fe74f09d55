// The metrics listener of `tablero ingest` and `tablero processor`, which have no HTTP server of
// their own: GET /metrics (Prometheus text) for a request bearing TABLERO_METRICS_TOKEN, nothing
// else. Started only when the token is set; the dashboard serves /metrics on its own port.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { enableProcessMetrics, metricsText } from '@tablero/processor/metrics';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

function answer(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify({ code, message }));
}

export async function startMetricsServer(o: { host: string; port: number; token: string; log: Logger }): Promise<MetricsServer> {
  enableProcessMetrics();
  const expected = sha256(o.token);
  const authorized = (req: IncomingMessage): boolean => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    // Hashes of equal length, compared in constant time.
    return m !== null && timingSafeEqual(sha256(m[1] as string), expected);
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      answer(res, 404, 'TABLERO_ERR_NOT_FOUND', 'only GET /metrics is served here');
      return;
    }
    if (!authorized(req)) {
      answer(res, 401, 'TABLERO_ERR_UNAUTHENTICATED', 'a bearer token (TABLERO_METRICS_TOKEN) is required', { 'www-authenticate': 'Bearer' });
      return;
    }
    metricsText().then(
      (m) => {
        res.writeHead(200, { 'content-type': m.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : m.body);
      },
      (err: unknown) => {
        o.log.warn({ err }, 'metrics collection failed');
        answer(res, 500, 'TABLERO_ERR_INTERNAL', 'metrics collection failed');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shown = o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `http://${shown}:${port}/metrics`;
  o.log.info({ url }, 'metrics listening');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
