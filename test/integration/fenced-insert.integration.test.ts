// Store-side fencing (issue 19, processor/src/store/fenced-insert.ts) on both ClickHouse paths
// the processor runs on: embedded chDB, and a server over HTTP (the chDB HTTP shim in a child
// process, reached through the production client factory). A holder's inserts store rows while
// its epoch is the partition's newest and nothing once another holder claimed it; insert tokens
// still make a repeat a no-op, and a token of a fenced insert is not used up. Counts without FINAL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openClickHouse, type ClickHouse } from '@tablero/sql';
import type { QueueEvent } from '@tablero/ingest/contract';
import type { StintRow } from '../../processor/src/core/stint-machine.ts';
import { storeCommit, type CommitRows } from '../../processor/src/store/commit-store.ts';
import { claimFence, currentEpoch, earlierInsertsDone, type StoreFence } from '../../processor/src/store/fenced-insert.ts';
import { FencedError, ownedStore } from '../../processor/src/store/owned-store.ts';
import { createStore } from '../../processor/src/store/store.ts';
import { spawnChdbHttpServer, type ChdbHttpChild } from '../../bench/support/chdb-http-server.ts';

const T0 = Date.UTC(2026, 2, 2, 10, 0, 0) / 1000;

function stint(callid: string, ts: number, caller = '555'): StintRow {
  return {
    stint_id: `st-${callid}`, site: 'fsite', queue: 'q1', callid, enter_ts: ts, end_ts: ts + 65, outcome: 'answered',
    wait_s: 5, talk_s: 60, agent: 'Ann', caller, transferred: false, enter_seen: true, end_event_id: `e-${callid}`,
  };
}

const ev = (offset: number, ts: number, callid: string, verb: string): QueueEvent => ({
  event_id: `fpF:${offset}`, site: 'fsite', source: '/var/log/asterisk/queue_log', offset, ts, callid, queue: 'q1', agent: 'NONE', verb,
  custom: false, wait_s: null, talk_s: null, ring_ms: null, position: null, orig_position: null, caller: '', info: '', data: ['1'],
});

function commit(commitId: number, calls: string[]): CommitRows {
  const stints = calls.map((c, i) => stint(c, T0 + i * 100));
  const events = calls.map((c, i) => ev(commitId * 1000 + i, T0 + i * 100, c, 'ENTERQUEUE'));
  return { commitId, stints, sessions: [], pauses: [], events, eventsJson: events.map((e) => JSON.stringify(e)), dead: [] };
}

async function count(ch: ClickHouse, query: string): Promise<number> {
  const [r] = await (await ch.client.query({ query, format: 'JSONEachRow' })).json<{ v: unknown }>();
  return Number(r?.v);
}

const backends: { name: string; open: (dir: string) => Promise<{ ch: ClickHouse; stop(): Promise<void> }> }[] = [
  {
    name: 'embedded chDB',
    open: async (dir) => {
      const ch = await openClickHouse({ database: 'fence_test', dataDir: dir });
      return { ch, stop: () => ch.close() };
    },
  },
  {
    name: 'ClickHouse HTTP (chDB shim)',
    open: async (dir) => {
      const shim: ChdbHttpChild = await spawnChdbHttpServer(join(dir, 'shim'));
      const ch = await openClickHouse({ url: shim.url, database: 'fence_test', dataDir: dir });
      return {
        ch,
        stop: async () => {
          await ch.close();
          await shim.stop();
        },
      };
    },
  },
];

for (const backend of backends) {
  describe(`fenced inserts, ${backend.name}`, () => {
    let dir: string;
    let ch: ClickHouse;
    let stop: () => Promise<void>;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'tablero-fence-'));
      ({ ch, stop } = await backend.open(dir));
      await migrate(ch.client);
    });
    afterAll(async () => {
      await stop?.();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('stores the holder of the newest epoch only, keeps tokens, and tells a fenced holder', async () => {
      const a: StoreFence = { item: 'p7', epoch: 101, insertTimeoutS: 4 };
      const b: StoreFence = { item: 'p7', epoch: 205, insertTimeoutS: 4 };
      let fencedA = 0;
      const storeA = ownedStore(createStore(ch, a), () => true, () => undefined, { ch, fence: a, onFenced: () => (fencedA += 1) });
      const storeB = ownedStore(createStore(ch, b), () => true, () => undefined, { ch, fence: b, onFenced: () => undefined });

      await claimFence(ch, a, 'member-a');
      expect(await currentEpoch(ch, 'p7')).toBe(101);
      const first = commit(1, ['c1', 'c2', 'c3']);
      expect(await storeCommit(storeA, first, 'a:1', T0)).toEqual({ splits: 0, refused: [] });
      // The same commit again (an in-process retry): the tokens make it a no-op.
      await storeCommit(storeA, first, 'a:1', T0);
      expect(await count(ch, "SELECT count() AS v FROM stints WHERE site = 'fsite'")).toBe(3);
      expect(await count(ch, "SELECT count() AS v FROM queue_events WHERE site = 'fsite'")).toBe(3);

      // B takes the partition: A's next commit stores nothing, and A learns it.
      await claimFence(ch, b, 'member-b');
      // A late claim of an older epoch changes nothing (the check is on the newest).
      await claimFence(ch, a, 'member-a');
      const second = commit(2, ['c4', 'c5']);
      await expect(storeCommit(storeA, second, 'a:2', T0)).rejects.toBeInstanceOf(FencedError);
      expect(fencedA).toBe(1);
      expect(await count(ch, "SELECT count() AS v FROM stints WHERE site = 'fsite'")).toBe(3);
      expect(await count(ch, "SELECT count() AS v FROM queue_events WHERE site = 'fsite'")).toBe(3);

      // B stores the same rows under the same tokens: the fenced inserts used none of them.
      expect(await storeCommit(storeB, second, 'a:2', T0)).toEqual({ splits: 0, refused: [] });
      expect(await count(ch, "SELECT count() AS v FROM stints WHERE site = 'fsite'")).toBe(5);
      expect(await count(ch, "SELECT count() AS v FROM queue_events WHERE site = 'fsite'")).toBe(5);
      expect(await count(ch, "SELECT uniqExact(stint_id) AS v FROM stints WHERE site = 'fsite'")).toBe(5);
    });

    it('waits after a claim until no insert of an earlier epoch runs (the process list), not the whole grace', async () => {
      const f: StoreFence = { item: 'p5', epoch: 900, insertTimeoutS: 4 };
      // A statement of an earlier holder still running (2 s), its text naming the item's epoch check.
      let ended = false;
      const running = ch.client
        .query({ query: "SELECT sleepEachRow(0.5) FROM numbers(4) WHERE (SELECT max(epoch) FROM partition_fences WHERE item = 'p5') = 1 OR 1 = 1", format: 'JSONEachRow' })
        .then((rs) => rs.json())
        .then(() => {
          ended = true;
        });
      await claimFence(ch, f, 'm');
      const waited = await earlierInsertsDone(ch, f, 60_000, true);
      expect(ended).toBe(true);
      expect(waited).toBeLessThan(60_000);
      await running;
      // Without a process list to ask (a cluster), the whole grace.
      expect(await earlierInsertsDone(ch, f, 300, false)).toBeGreaterThanOrEqual(300);
    });

    it('splits a commit the store refuses whole (150 months in one insert) as the plain insert does', async () => {
      const f: StoreFence = { item: 'p9', epoch: 400, insertTimeoutS: 4 };
      await claimFence(ch, f, 'm');
      const calls = Array.from({ length: 150 }, (_, i) => `m${i}`);
      const rows = commit(3, calls);
      // One stint per month over 150 months (ClickHouse refuses more than 100 partitions per insert).
      rows.stints = calls.map((c, i) => ({ ...stint(c, Date.UTC(2010 + Math.floor(i / 12), i % 12, 15) / 1000), site: 'months' }));
      rows.events = [];
      rows.eventsJson = [];
      expect(await storeCommit(createStore(ch, f), rows, 'months:1', T0)).toEqual({ splits: 1, refused: [] });
      expect(await count(ch, "SELECT count() AS v FROM stints WHERE site = 'months'")).toBe(150);
    });

    it('stores rows exactly as the plain insert does, whatever the text (quotes, backslashes, the heredoc tag)', async () => {
      const f: StoreFence = { item: 'p8', epoch: 300, insertTimeoutS: 4 };
      await claimFence(ch, f, 'm');
      const caller = `it's "a" \\ back $tablero$ tag é\n`;
      await createStore(ch).insertStints([stint('plain', T0, caller)], 9, 'plain-1');
      await createStore(ch, f).insertStints([stint('fenced', T0, caller)], 9, 'fenced-1');
      await createStore(ch, f).insertDeadLetters(
        [{ event_id: 'fpX:1', site: 'fsite', source: 's', offset: 1, line_no: 1, raw: caller, reason: 'r', rejected_at: T0, lines: 4 }],
        'dead-1',
      );
      const rows = await (
        await ch.client.query({
          query: "SELECT * EXCEPT (stint_id, callid, end_event_id) FROM stints WHERE callid IN ('plain', 'fenced') ORDER BY callid",
          format: 'JSONEachRow',
        })
      ).json<Record<string, unknown>>();
      expect(rows).toHaveLength(2);
      expect(rows[0]).toEqual(rows[1]);
      expect(rows[0]?.caller).toBe(caller);
      expect(Number(rows[0]?.commit_id)).toBe(9);
      const [dead] = await (await ch.client.query({ query: "SELECT raw, lines FROM dead_letters WHERE event_id = 'fpX:1'", format: 'JSONEachRow' })).json<{ raw: string; lines: unknown }>();
      expect(dead?.raw).toBe(caller);
      expect(Number(dead?.lines)).toBe(4);
    });
  });
}
