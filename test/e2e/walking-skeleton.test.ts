// End to end through every stage of the real all-in-one run (`tablero start` as a child process,
// embedded chDB, in-process bus): queue_log lines appended to a file -> ingest tail -> processor
// -> ClickHouse -> KPI snapshot -> WebSocket client. Polls, never sleeps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { QueueSnapshot, SnapshotMessage } from '@tablero/processor/contract';
import { startTableroOnQueueLog, type TableroProcess } from '../support/tablero-process.ts';
import { abandonedCall, answeredCall, appendLines } from '../support/queue-log-writer.ts';
import { waitFor } from '../support/wait-for.ts';
import { CLEAR_OF_MIDNIGHT_TIMEOUT_MS, clearOfMidnight } from '../support/day-clock.ts';

let queueLog: string;
let tablero: TableroProcess;
let dispose: () => Promise<void>;

// Today's figures are read: not across UTC midnight (see day-clock.ts).
beforeAll(clearOfMidnight, CLEAR_OF_MIDNIGHT_TIMEOUT_MS);
beforeAll(async () => {
  ({ tablero, queueLog, dispose } = await startTableroOnQueueLog());
});

afterAll(async () => {
  await dispose?.();
});

function liveClient(url: string, kiosk: string): { latest: Map<string, QueueSnapshot>; messages: unknown[]; ws: WebSocket } {
  const latest = new Map<string, QueueSnapshot>();
  const messages: unknown[] = [];
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws/live?kiosk=${kiosk}`, { origin: url });
  ws.on('message', (raw) => {
    const msg = JSON.parse(raw.toString()) as { type: string };
    messages.push(msg);
    if (msg.type === 'snapshots') for (const q of (msg as SnapshotMessage).queues) latest.set(q.queue, q);
  });
  return { latest, messages, ws };
}

describe('walking skeleton: queue_log line to live KPI over the WebSocket', () => {
  it('refuses a WebSocket without a session or kiosk token', async () => {
    const ws = new WebSocket(`${tablero.url.replace('http', 'ws')}/ws/live`, { origin: tablero.url });
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(status).toBe(401);
  });

  it('counts appended calls and pushes the new figures to a live client', async () => {
    const client = liveClient(tablero.url, tablero.admin.kioskToken);
    await waitFor(() => client.messages.some((m) => (m as { type: string }).type === 'hello'), { what: 'hello' });

    const now = Math.floor(Date.now() / 1000);
    appendLines(queueLog, answeredCall({ queue: 'e2e', callid: `${now}.1`, endS: now, wait: 12, talk: 40 }));
    const first = await waitFor(() => {
      const q = client.latest.get('e2e');
      return q && q.windows.today.answered === 1 ? q : null;
    }, { what: 'answered call on the wallboard', timeoutMs: 20_000 });
    expect(first.windows.today).toMatchObject({ offered: 1, answered: 1, answered_within: 1, abandoned: 0, sl_pct: 100, asa_s: 12, aht_s: 40 });
    expect(first.definition).toMatchObject({ formula: 'offered', threshold_s: 20, strict: false });

    appendLines(queueLog, abandonedCall({ queue: 'e2e', callid: `${now}.2`, endS: now + 1, wait: 33 }));
    const second = await waitFor(() => {
      const q = client.latest.get('e2e');
      return q && q.windows.today.offered === 2 ? q : null;
    }, { what: 'abandoned call on the wallboard', timeoutMs: 20_000 });
    expect(second.windows.today).toMatchObject({
      offered: 2, answered: 1, answered_within: 1, abandoned: 1, unanswered: 1,
      sl_pct: 50, abandon_rate_pct: 50, avg_abandon_wait_s: 33, longest_wait_s: 33,
    });

    // A caller still waiting shows in the live figures, not in the totals.
    appendLines(queueLog, [`${now + 2}|${now}.3|e2e|NONE|ENTERQUEUE||3000000000|1`]);
    const third = await waitFor(() => {
      const q = client.latest.get('e2e');
      return q && q.waiting_now === 1 ? q : null;
    }, { what: 'caller waiting now', timeoutMs: 20_000 });
    expect(third.windows.today.offered).toBe(2);
    client.ws.close();
  });
});
