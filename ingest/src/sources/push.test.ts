import { describe, expect, it } from 'vitest';
import { RecordingBus, captureLog } from '../test-support.ts';
import { PushRequestError, PushUnavailableError, createPushHandler, pushFingerprint } from './push.ts';

const lines = ['1700000001|1.1|q1|NONE|ENTERQUEUE||555|1\n', '1700000002|1.1|q1|SIP/1|CONNECT|1|1.2|1\n', 'junk\n', '1700000009|1.1|q1|SIP/1|COMPLETEAGENT|1|7|1'];
const body = lines.join('');
const offsets = [0, 41, 81, 86];

describe('createPushHandler', () => {
  it('resolves after the bus acknowledged, with ids from the shipper offset, and adds nothing on retry', async () => {
    const bus = new RecordingBus();
    const push = createPushHandler({ bus, log: captureLog().log });
    expect(lines.map((x) => Buffer.byteLength(x))).toEqual([41, 40, 5, 43]);
    const res = await push({ site: 'hq', sourceName: 'pbx1-queue_log', kind: 'queue_log', body, firstOffset: 1000 });
    expect(res).toEqual({ accepted: 3, rejected: 1 });
    const f = pushFingerprint('hq', 'pbx1-queue_log', null);
    expect(bus.eventIds()).toEqual([`${f}:1000`, `${f}:1041`, `${f}:1086`]);
    expect(bus.eventBatches()[0]?.events[2]).toMatchObject({ source: 'push:pbx1-queue_log', verb: 'COMPLETEAGENT', talk_s: 7 });
    expect(bus.deadBatches()[0]?.dead.map((d) => [d.event_id, d.line_no, d.reason])).toEqual([[`${f}:1081`, 0, 'too_few_columns']]);
    const stored = bus.messages.length;
    expect(await push({ site: 'hq', sourceName: 'pbx1-queue_log', kind: 'queue_log', body, firstOffset: 1000 })).toEqual({ accepted: 3, rejected: 1 });
    expect(bus.messages.length).toBe(stored);
  });

  it('gives the same event ids when the shipper splits the same range differently', async () => {
    const one = new RecordingBus();
    await createPushHandler({ bus: one, log: captureLog().log })({ site: 'hq', sourceName: 's', kind: 'queue_log', body, firstOffset: 0 });
    const two = new RecordingBus();
    const push = createPushHandler({ bus: two, log: captureLog().log });
    await push({ site: 'hq', sourceName: 's', kind: 'queue_log', body: lines.slice(0, 2).join(''), firstOffset: 0 });
    await push({ site: 'hq', sourceName: 's', kind: 'queue_log', body: lines.slice(2).join(''), firstOffset: 81 });
    expect(two.eventIds()).toEqual(one.eventIds());
    expect(one.eventIds().map((id) => Number(id.split(':')[1]))).toEqual([offsets[0], offsets[1], offsets[3]]);
  });

  it('without an offset, ids come from a hash of the body, so an identical retry is deduplicated', async () => {
    const bus = new RecordingBus();
    const push = createPushHandler({ bus, log: captureLog().log });
    await push({ site: 'hq', sourceName: 's', kind: 'queue_log', body });
    const f = pushFingerprint('hq', 's', Buffer.from(body));
    expect(bus.eventIds()).toEqual([`${f}:0`, `${f}:41`, `${f}:86`]);
    const n = bus.messages.length;
    await push({ site: 'hq', sourceName: 's', kind: 'queue_log', body });
    expect(bus.messages.length).toBe(n);
  });

  it('fails with a typed error when the bus does not acknowledge in time', async () => {
    const bus = new RecordingBus();
    bus.failNext = 1_000_000;
    const push = createPushHandler({ bus, log: captureLog().log }, { timeoutMs: 150 });
    await expect(push({ site: 'hq', sourceName: 's', kind: 'queue_log', body, firstOffset: 0 })).rejects.toBeInstanceOf(PushUnavailableError);
    expect(bus.messages.length).toBe(0);
  });

  it.each([
    [{ site: 'a b', sourceName: 's', firstOffset: 0 }, 'TABLERO_ERR_PUSH_SITE'],
    [{ site: 'hq', sourceName: '', firstOffset: 0 }, 'TABLERO_ERR_PUSH_SOURCE'],
    [{ site: 'hq', sourceName: 's', firstOffset: -1 }, 'TABLERO_ERR_PUSH_OFFSET'],
    [{ site: 'hq', sourceName: 's', firstOffset: 1.5 }, 'TABLERO_ERR_PUSH_OFFSET'],
  ])('rejects a bad request %j with %s', async (req, code) => {
    const push = createPushHandler({ bus: new RecordingBus(), log: captureLog().log });
    const err = await push({ ...req, kind: 'queue_log', body }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PushRequestError);
    expect((err as PushRequestError).code).toBe(code);
  });
});
