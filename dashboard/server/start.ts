// startDashboard: builds the app and listens. close() ends WebSocket clients first (going-away
// close frames, then dropped after a short grace) and then stops the HTTP server.
import type { AddressInfo } from 'node:net';
import { buildApp } from './app.ts';
import { auditSourceTokens } from './store/audit-store.ts';
import type { DashboardDeps, DashboardOptions } from './types.ts';

export interface RunningDashboard {
  url: string;
  close(): Promise<void>;
}

export async function startDashboard(
  deps: DashboardDeps,
  opts: DashboardOptions & { port: number; host?: string },
): Promise<RunningDashboard> {
  const app = await buildApp(deps, opts);
  await auditSourceTokens(deps.ch, opts.sourceTokens ?? {}, (deps.now ?? Date.now)());
  const host = opts.host ?? '0.0.0.0';
  await app.listen({ port: opts.port, host });
  const address = app.server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${address.port}`;
  deps.log.info({ url }, 'dashboard listening');
  let closing: Promise<void> | null = null;
  return {
    url,
    // The websocket plugin's preClose hook closes live clients before the server stops.
    close: () => (closing ??= app.close()),
  };
}
