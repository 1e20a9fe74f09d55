// What each live client receives (issue 19): the real `tablero start` with two sites (site sa
// tailed from a queue_log file, site sb pushed over HTTP), WebSocket clients on loopback recording
// every frame from their first. A supervisor restricted to queue 101 never receives another
// queue's figures (nor its agents or callers); a kiosk link of site sa never receives site sb; a
// client that switches site gets, right after the `subscribed` answer, the new site's whole
// state; a site the viewer may not see is refused (`?site=` closes with 4403, a `subscribe`
// message is answered `subscribe_refused`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLEAR_OF_MIDNIGHT_TIMEOUT_MS, clearOfMidnight } from '../support/day-clock.ts';
import { abandonedCall, answeredCall } from '../support/queue-log-writer.ts';
import type { TableroProcess } from '../support/tablero-process.ts';
import { startTwoSites, type TwoSites } from '../support/two-sites.ts';
import { waitFor } from '../support/wait-for.ts';

const SUP_PASSWORD = 'supervisor-live-scope-7';

let sites: TwoSites;
let tablero: TableroProcess;
let kioskA: string;
let nowS: number;

interface Frame {
  type: string;
  site?: string;
  queues?: Array<{ site: string; queue: string; windows: { today: { offered: number } } }>;
  [k: string]: unknown;
}

interface Client {
  frames: Frame[];
  ws: WebSocket;
  closed: Promise<{ code: number; reason: string }>;
}

function connect(path: string, headers: Record<string, string> = {}): Client {
  const frames: Frame[] = [];
  const ws = new WebSocket(`${tablero.url.replace('http', 'ws')}${path}`, { origin: tablero.url, headers });
  ws.on('message', (raw) => frames.push(JSON.parse(raw.toString()) as Frame));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return { frames, ws, closed };
}

/** The newest offered count of (site, queue) among the snapshots received, or null. */
function offered(c: Client, site: string, queue: string): number | null {
  let n: number | null = null;
  for (const f of c.frames) for (const q of f.type === 'snapshots' ? (f.queues ?? []) : []) if (q.site === site && q.queue === queue) n = q.windows.today.offered;
  return n;
}

/** Every (site, queue) a client received a figure, an alert or a caller of. */
function seen(c: Client): string[] {
  const out = new Set<string>();
  for (const f of c.frames) {
    if (f.type === 'snapshots') for (const q of f.queues ?? []) out.add(`${q.site}/${q.queue}`);
    if (f.type === 'alert') out.add(`${String(f.site)}/${String(f['queue'])}`);
    if (f.type === 'supervisor') {
      for (const w of [...(f['waiting'] as Array<{ queue: string }>), ...(f['abandoned'] as Array<{ queue: string }>)]) out.add(`${String(f.site)}/${w.queue}`);
      for (const a of f['agents'] as Array<{ queues: string[] }>) for (const q of a.queues) out.add(`${String(f.site)}/${q}`);
    }
  }
  return [...out].sort();
}

async function sessionCookie(username: string, password: string): Promise<string> {
  const res = await fetch(`${tablero.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
}

// Today's figures are read: not across UTC midnight (see day-clock.ts).
beforeAll(clearOfMidnight, CLEAR_OF_MIDNIGHT_TIMEOUT_MS);
beforeAll(async () => {
  sites = await startTwoSites();
  tablero = sites.tablero;
  const sup = await sites.cli(['user', 'add', 'sup', '--role', 'supervisor', '--queues', '101'], SUP_PASSWORD);
  expect(sup.code, sup.stderr).toBe(0);
  const kiosk = await sites.cli(['kiosk', 'create', 'TV sede A', '--sites', 'sa']);
  expect(kiosk.code, kiosk.stderr).toBe(0);
  kioskA = /kiosk=([^#\s]+)/.exec(kiosk.stdout)?.[1] ?? '';
  expect(kioskA).not.toBe('');
  nowS = Math.floor(Date.now() / 1000);
}, 120_000);

afterAll(async () => {
  await sites?.dispose();
});

/** Site sa: queue 101 one answered call, 102 one abandoned. Site sb (pushed): 101 two answered, 201 one. */
async function traffic(): Promise<void> {
  sites.appendSa([
    ...answeredCall({ queue: '101', callid: `${nowS}.1`, endS: nowS - 20, wait: 5, talk: 10 }),
    ...abandonedCall({ queue: '102', callid: `${nowS}.2`, endS: nowS - 10, wait: 30 }),
  ]);
  const pushed = await sites.pushSb([
    ...answeredCall({ queue: '101', callid: `${nowS}.b1`, endS: nowS - 30, wait: 4, talk: 10 }),
    ...answeredCall({ queue: '101', callid: `${nowS}.b2`, endS: nowS - 25, wait: 6, talk: 10 }),
    ...answeredCall({ queue: '201', callid: `${nowS}.b3`, endS: nowS - 15, wait: 3, talk: 10 }),
  ]);
  expect(pushed).toEqual({ accepted: 9, rejected: 0 });
}

describe('live scope on the WebSocket (real tablero start, two sites)', () => {
  let sup: Client;
  let kiosk: Client;
  let admin: Client;

  it('a restricted supervisor and a site kiosk receive their own figures as the lines arrive', async () => {
    sup = connect('/ws/live', { cookie: await sessionCookie('sup', SUP_PASSWORD) });
    kiosk = connect(`/ws/live?kiosk=${encodeURIComponent(kioskA)}`);
    admin = connect('/ws/live?site=sa', { cookie: await sessionCookie('admin', tablero.admin.password) });
    await waitFor(() => [sup, kiosk, admin].every((c) => c.frames[0]?.type === 'hello'), { timeoutMs: 20_000, what: 'three hellos' });
    expect(kiosk.frames[0]).toMatchObject({ type: 'hello', kiosk: true, site: null, sites: ['sa'] });
    expect(admin.frames[0]).toMatchObject({ type: 'hello', site: 'sa' });
    await traffic();
    await waitFor(() => offered(sup, 'sa', '101') === 1 && offered(sup, 'sb', '101') === 2, { timeoutMs: 30_000, what: "the supervisor's queue 101 in both sites" });
    await waitFor(() => offered(kiosk, 'sa', '101') === 1 && offered(kiosk, 'sa', '102') === 1, { timeoutMs: 30_000, what: "site sa's queues on the kiosk" });
    await waitFor(() => offered(admin, 'sa', '102') === 1, { timeoutMs: 30_000, what: "site sa's queue 102 on the admin's socket" });
    // A few more pacing periods and a heartbeat (5 s): whatever else the processor publishes.
    await new Promise((r) => setTimeout(r, 6_000));
    expect(seen(sup)).toEqual(['sa/101', 'sb/101']);
    expect(seen(kiosk).filter((k) => !k.startsWith('sa/'))).toEqual([]);
    expect(seen(kiosk)).toEqual(['sa/101', 'sa/102']);
    expect(seen(admin).filter((k) => !k.startsWith('sa/'))).toEqual([]);
  }, 90_000);

  it("switching site: the next message after `subscribed` carries the new site's whole state", async () => {
    const before = admin.frames.length;
    admin.ws.send(JSON.stringify({ type: 'subscribe', site: 'sb' }));
    await waitFor(() => admin.frames.length >= before + 2 && admin.frames.slice(before).some((f) => f.type === 'subscribed'), { timeoutMs: 10_000, what: 'the answer and the state' });
    const after = admin.frames.slice(admin.frames.findIndex((f, i) => i >= before && f.type === 'subscribed'));
    expect(after[0]).toEqual({ type: 'subscribed', site: 'sb', sites: ['sa', 'sb'] });
    expect(after[1]?.type).toBe('snapshots');
    expect(after[1]?.site).toBe('sb');
    expect(after[1]?.queues?.map((q) => [q.queue, q.windows.today.offered])).toEqual([['101', 2], ['201', 1]]);
    await new Promise((r) => setTimeout(r, 6_000));
    expect(seen({ ...admin, frames: after }).filter((k) => !k.startsWith('sb/'))).toEqual([]);
  }, 30_000);

  it('refuses a site the viewer may not see: a subscribe is answered, a URL parameter closes the socket', async () => {
    const before = kiosk.frames.length;
    kiosk.ws.send(JSON.stringify({ type: 'subscribe', site: 'sb' }));
    await waitFor(() => kiosk.frames.slice(before).some((f) => f.type === 'subscribe_refused'), { timeoutMs: 10_000, what: 'the refusal' });
    expect(kiosk.frames.slice(before).find((f) => f.type === 'subscribe_refused')).toEqual({ type: 'subscribe_refused', site: 'sb', reason: 'forbidden' });
    const other = connect(`/ws/live?kiosk=${encodeURIComponent(kioskA)}&site=sb`);
    expect(await other.closed).toEqual({ code: 4403, reason: 'site not allowed' });
    expect(other.frames).toEqual([]);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(seen(kiosk).filter((k) => !k.startsWith('sa/'))).toEqual([]);
    for (const c of [sup, kiosk, admin]) c.ws.close();
  }, 30_000);
});
