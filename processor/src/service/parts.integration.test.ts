// The processor's parts one by one (service/): the live definitions see stored versions only when
// they change, the reducer turns a group of messages into one commit (redeliveries and rows of
// the newest stored commit left out, changes marked), and the committer stores commits in order,
// retrying one whose insert failed until ClickHouse takes it. Real embedded ClickHouse.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBatch } from '@tablero/ingest/contract';
import { createPacer, createSitePacer } from '../core/pacing.ts';
import { saveSettingsVersion } from '../store/settings-store.ts';
import { createStore } from '../store/store.ts';
import { freshClickHouse, scalar } from '../testing/clickhouse.ts';
import { eventMaker } from '../testing/events.ts';
import { createStoreHealth } from '../core/store-health.ts';
import { createCommitter } from './committer.ts';
import { createLiveDefinitions } from './definitions.ts';
import { rebuildState } from './rebuild.ts';
import { readMessage } from '../bus/bus.ts';
import { linesStored } from '../core/line-key.ts';
import { REDUCE_SLICE_EVENTS, createReducer, type Changes } from './reducer.ts';
import { createSameLine, type SameLine } from './same-line.ts';
import { newCounters, type Work } from './work.ts';
import { defaultProcessorSettings } from '../core/settings.ts';
import { isApplied } from '../core/stint-machine.ts';
import { flowBatches } from '../testing/flows.ts';

const log = pino({ level: 'silent' });
const T = Date.UTC(2026, 10, 9, 14, 0, 0) / 1000;
const NOW_MS = (T + 600) * 1000;
let ch: Awaited<ReturnType<typeof freshClickHouse>>;

beforeAll(async () => {
  ch = await freshClickHouse();
});
afterAll(async () => {
  await ch?.dispose();
});

const message = (batch: EventBatch, seq: number) => ({ subject: `pbx.events.${batch.site}`, data: Buffer.from(JSON.stringify(batch)), msgId: batch.batch_id, seq, deliveries: 1 });

/** What the processor does with a group: read each message once, ask for stored line keys if memory cannot answer, reduce. */
async function reduceGroup(parts: { reducer: ReturnType<typeof createReducer>; sameLine: SameLine }, msgs: ReturnType<typeof message>[]): Promise<Work> {
  const group = msgs.map((msg) => ({ msg, read: readMessage(msg.data) }));
  const asking = parts.sameLine.ask(group);
  return parts.reducer.reduce(group, asking ? await asking : null);
}

describe('live definitions', () => {
  it('answer by the stored versions, and see new ones only when they changed', async () => {
    const defs = await createLiveDefinitions(ch, { settings: defaultProcessorSettings(), calendars: {}, defaultTz: 'America/La_Paz' }, () => NOW_MS);
    expect(defs.ctx.definition('default', '101').settings.threshold_s).toBe(20);
    expect(defs.ctx.calendar('default').tz).toBe('America/La_Paz');
    expect(await defs.changed()).toBeNull();
    await saveSettingsVersion(ch, { site: 'default', queue: '101', patch: { threshold_s: 30 }, validFromMs: (T - 60) * 1000, createdBy: 't', nowMs: NOW_MS });
    const fresh = await defs.changed();
    expect(fresh?.settings.map((v) => [v.queue, v.version, v.patch])).toEqual([['101', 1, { threshold_s: 30 }]]);
    // Not used until told: the caller swaps it in once the reduced commits are stored.
    expect(defs.ctx.definition('default', '101').settings.threshold_s).toBe(20);
    defs.use(fresh as NonNullable<typeof fresh>);
    expect(defs.ctx.definition('default', '101')).toMatchObject({ settings: { threshold_s: 30 }, settings_version: 1 });
    // A stint that entered before the version's valid_from keeps the earlier definition.
    expect(defs.ctx.stintDefinition('default', '101', T - 120).settings.threshold_s).toBe(20);
    expect(defs.ctx.stintDefinition('default', '101', T).settings.threshold_s).toBe(30);
    expect(await defs.changed()).toBeNull();
  });
});

describe('reducer and committer', () => {
  it('reduce a group into one commit and store it in order, retrying a failed insert', async () => {
    const store = createStore(ch);
    const defs = await createLiveDefinitions(ch, { settings: defaultProcessorSettings(), calendars: {}, defaultTz: 'UTC' }, () => NOW_MS);
    const rebuilt = await rebuildState(store, defs.ctx, { aliases: {}, replayHorizonS: 6 * 3600, endedKeyMemoryS: 3600, lineKeyWindowS: 600 }, T);
    const changes: Changes = { queues: createSitePacer(100, 5000), sites: createPacer(250, 5000) };
    const counters = newCounters();
    const sameLine = createSameLine({ lines: rebuilt.state.lines, stints: rebuilt.state.stints, store, counters, log, stopping: () => false });
    const reducer = createReducer({ state: rebuilt.state, stored: rebuilt.stored, sameLine, ctx: defs.ctx, changes, counters, log, now: () => NOW_MS, firstCommitId: rebuilt.lastCommitId + 1 });
    const make = eventMaker({ fingerprint: 'fpR' });
    const first: EventBatch = {
      batch_id: 'fpR:0-2', site: 'default',
      events: make.lines(`${T}|c1|101|NONE|ENTERQUEUE||555|1
        ${T + 25}|c1|101|Ann|CONNECT|25|c1.1|1
        ${T + 85}|c1|101|Ann|COMPLETECALLER|25|60|1`),
    };
    const second: EventBatch = { batch_id: 'fpR:3-4', site: 'default', events: make.lines(`${T + 90}|NONE|NONE|Ann|PAUSEALL|Almuerzo\n${T + 95}|c2|102|NONE|ENTERQUEUE||556|1`) };
    // A redelivery of the first message in the same group adds nothing; an unreadable one is counted.
    const work: Work = await reduceGroup({ reducer, sameLine }, [message(first, 1), message(first, 1), message(second, 2), { subject: 'pbx.events.default', data: Buffer.from('{'), msgId: 'x', seq: 3, deliveries: 1 }]);
    expect(work.commitId).toBe(1);
    expect(work.stints.map((s) => [s.queue, s.callid, s.outcome, s.wait_s, s.talk_s])).toEqual([['101', 'c1', 'answered', 25, 60]]);
    expect(work.events.map((e) => e.verb)).toEqual(['ENTERQUEUE', 'CONNECT', 'COMPLETECALLER', 'PAUSEALL', 'ENTERQUEUE']);
    expect(work.received).toBe(8);
    expect(counters.bad_messages).toBe(1);
    // The PAUSEALL (queue NONE) changed every queue of the site.
    expect([...changes.queues.changed]).toEqual([['default', 'all']]);
    expect([...changes.sites.changed]).toEqual(['default']);
    // The live windows moved before storage.
    expect(rebuilt.state.live.queues.size).toBe(1);

    // The first insert fails (the table is away), then ClickHouse takes it: stored once.
    const committer = createCommitter({
      store, log, boot: 'test-boot', health: createStoreHealth(), now: () => NOW_MS, mono: () => 0,
      onStored: (w) => linesStored(rebuilt.state.lines, w.commitId),
    });
    await ch.client.command({ query: 'RENAME TABLE stints TO stints_away' });
    const stored = committer.commit(work);
    let settled = false;
    void stored.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    await ch.client.command({ query: 'RENAME TABLE stints_away TO stints' });
    await stored;
    expect(await scalar(ch, "SELECT count() AS v FROM stints WHERE callid = 'c1'")).toBe(1);
    expect(await scalar(ch, 'SELECT count() AS v FROM queue_events')).toBe(5);
    expect(await scalar(ch, "SELECT count() AS v FROM agent_pauses WHERE agent = 'Ann'")).toBe(0); // still paused: no closed pause yet

    // After a restart the rebuilt state knows the stored commit: its redelivered events add nothing.
    const again = await rebuildState(store, defs.ctx, { aliases: {}, replayHorizonS: 6 * 3600, endedKeyMemoryS: 3600, lineKeyWindowS: 600 }, T + 100);
    expect(again.lastCommitId).toBe(1);
    const againCounters = newCounters();
    const againSameLine = createSameLine({ lines: again.state.lines, stints: again.state.stints, store, counters: againCounters, log, stopping: () => false });
    const replayReducer = createReducer({ state: again.state, stored: again.stored, sameLine: againSameLine, ctx: defs.ctx, changes, counters: againCounters, log, now: () => NOW_MS, firstCommitId: 2 });
    const redelivered = await reduceGroup({ reducer: replayReducer, sameLine: againSameLine }, [message(first, 1), message(second, 2)]);
    expect([redelivered.commitId, redelivered.events.length, redelivered.stints.length]).toEqual([2, 0, 0]);
    // The same lines from another source (an imported copy: another fingerprint) are dropped as the same lines.
    const copy = eventMaker({ fingerprint: 'fpCopy' });
    const imported: EventBatch = { batch_id: 'fpCopy:0-2', site: 'default', events: copy.lines(`${T}|c1|101|NONE|ENTERQUEUE||555|1\n${T + 25}|c1|101|Ann|CONNECT|25|c1.1|1\n${T + 85}|c1|101|Ann|COMPLETECALLER|25|60|1`) };
    const fromCopy = await reduceGroup({ reducer: replayReducer, sameLine: againSameLine }, [message(imported, 3)]);
    expect([fromCopy.events.length, fromCopy.stints.length, againCounters.same_line]).toEqual([0, 0, 3]);
    // The waiting caller came back from the replay.
    expect([...(again.state.stints.sites.get('default')?.open.keys() ?? [])].length).toBe(1);
  });

  it('reduce a large group in slices, pausing between messages, to the same commit as one message at a time', async () => {
    const store = createStore(ch);
    const defs = await createLiveDefinitions(ch, { settings: defaultProcessorSettings(), calendars: {}, defaultTz: 'UTC' }, () => NOW_MS);
    const batches = [...flowBatches({ events: 2_500, batchSize: 500, seed: 3, site: 'sliced', startS: T - 3000 })];
    const msgs = batches.map((b, i) => message(b, 100 + i));
    const parts = async (pause?: () => Promise<void>) => {
      const rebuilt = await rebuildState(store, defs.ctx, { aliases: {}, replayHorizonS: 6 * 3600, endedKeyMemoryS: 3600, lineKeyWindowS: 600 }, T);
      const changes: Changes = { queues: createSitePacer(100, 5000), sites: createPacer(250, 5000) };
      const counters = newCounters();
      const sameLine = createSameLine({ lines: rebuilt.state.lines, stints: rebuilt.state.stints, store, counters, log, stopping: () => false });
      const reducer = createReducer({
        state: rebuilt.state, stored: rebuilt.stored, sameLine, ctx: defs.ctx, changes, counters, log, now: () => NOW_MS, firstCommitId: 50,
        ...(pause ? { pause } : {}),
      });
      return { reducer, sameLine, state: rebuilt.state };
    };
    // At each pause the state has taken a whole prefix of the messages: 4 x 500 events, then the rest.
    const sliced = await parts();
    const atPause: boolean[][] = [];
    const slicedWith = await parts(async () => {
      atPause.push(batches.map((b) => isApplied(slicedWith.state.stints, b.events[b.events.length - 1] as EventBatch['events'][number])));
    });
    const whole = await reduceGroup({ reducer: slicedWith.reducer, sameLine: slicedWith.sameLine }, msgs);
    expect(REDUCE_SLICE_EVENTS).toBe(2_000);
    expect(atPause).toEqual([[true, true, true, true, false]]);
    // One message per group, no pause needed: the same events and rows, in the same order.
    const byMessage: Work[] = [];
    for (const m of msgs) byMessage.push(await reduceGroup({ reducer: sliced.reducer, sameLine: sliced.sameLine }, [m]));
    expect(whole.events.map((e) => e.event_id)).toEqual(byMessage.flatMap((w) => w.events.map((e) => e.event_id)));
    expect(whole.events).toHaveLength(2_500);
    expect(whole.stints).toEqual(byMessage.flatMap((w) => w.stints));
    expect(whole.stints.length).toBe(138);
    expect(whole.sessions).toEqual(byMessage.flatMap((w) => w.sessions));
    expect(whole.pauses).toEqual(byMessage.flatMap((w) => w.pauses));
    expect(Buffer.concat(whole.eventsJson.map((p) => Buffer.from(p))).toString()).toBe(byMessage.map((w) => w.eventsJson.map((p) => Buffer.from(p).toString()).join(',')).join(''));
  });
});
