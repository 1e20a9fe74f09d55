// Test support: an HTTP proxy in front of a ClickHouse HTTP endpoint that forwards every request
// as it is, except the first one whose body matches once a hold is set: that one stays in the
// proxy (as a request stays in the network from a frozen client) until the test releases it,
// and then reaches the store late, whatever happened meanwhile.
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';

export interface HeldRequest {
  /** The request's body (a ClickHouse statement, with its rows when they travel inside it). */
  body: string;
  /** Forwards it now; resolves with the store's answer once the client was given it. */
  release(): Promise<{ status: number; body: string }>;
}

export interface HoldingProxy {
  url: string;
  /** The next request whose body `match` accepts is held; resolves when it arrived. */
  hold(match: (body: string) => boolean): Promise<HeldRequest>;
  close(): Promise<void>;
}

export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const upstream = new URL(target);
  let trap: { match: (body: string) => boolean; resolve: (h: HeldRequest) => void } | null = null;

  const forward = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const h: IncomingHttpHeaders = { ...headers, host: upstream.host, 'content-length': String(body.length) };
      delete h['transfer-encoding'];
      const req = request({ hostname: upstream.hostname, port: upstream.port, method, path, headers: h }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const pass = async (): Promise<{ status: number; body: string }> => {
        try {
          const out = await forward(req.method ?? 'GET', req.url ?? '/', req.headers, body);
          const headers = { ...out.headers, 'content-length': String(out.body.length) };
          delete headers['transfer-encoding'];
          res.writeHead(out.status, headers);
          await new Promise<void>((ok) => res.end(out.body, () => ok()));
          return { status: out.status, body: out.body.toString() };
        } catch (err) {
          res.writeHead(502);
          res.end(String(err));
          return { status: 502, body: String(err) };
        }
      };
      const t = trap;
      if (t && t.match(body.toString())) {
        trap = null;
        t.resolve({ body: body.toString(), release: pass });
        return;
      }
      void pass();
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    hold: (match) => new Promise<HeldRequest>((resolve) => (trap = { match, resolve })),
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
