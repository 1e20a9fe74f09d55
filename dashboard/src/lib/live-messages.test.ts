import { describe, expect, it } from 'vitest';
import {
  applySnapshots,
  isQueueSnapshot,
  liveUrl,
  parseLiveMessage,
  snapshotKey,
  sortedSnapshots,
} from './live-messages.ts';
import { snapshot } from './snapshot-fixture.ts';

describe('parseLiveMessage', () => {
  it('reads a hello for a user and for a kiosk', () => {
    const user = { username: 'ana', role: 'supervisor', lang: 'es-BO' };
    expect(parseLiveMessage(JSON.stringify({ type: 'hello', user, kiosk: false, server_time_ms: 5 }))).toEqual({
      ok: true,
      value: { type: 'hello', user, kiosk: false, server_time_ms: 5, site: null, sites: [] },
    });
    expect(
      parseLiveMessage(JSON.stringify({ type: 'hello', user: null, kiosk: true, server_time_ms: 7, extra: 1 })),
    ).toEqual({ ok: true, value: { type: 'hello', user: null, kiosk: true, server_time_ms: 7, site: null, sites: [] } });
    expect(parseLiveMessage(JSON.stringify({ type: 'hello', user: null, kiosk: true, server_time_ms: 7, site: 'lpz', sites: ['lpz', 'scz'] }))).toEqual({
      ok: true,
      value: { type: 'hello', user: null, kiosk: true, server_time_ms: 7, site: 'lpz', sites: ['lpz', 'scz'] },
    });
  });

  it('reads the answers to a subscribe: taken or refused', () => {
    expect(parseLiveMessage('{"type":"subscribed","site":"scz","sites":["lpz","scz"]}')).toEqual({
      ok: true,
      value: { type: 'subscribed', site: 'scz', sites: ['lpz', 'scz'], refused: false },
    });
    expect(parseLiveMessage('{"type":"subscribe_refused","site":"cbba","reason":"forbidden"}')).toEqual({
      ok: true,
      value: { type: 'subscribed', site: 'cbba', sites: [], refused: true },
    });
  });

  it('reads snapshots and drops the malformed ones, counting them', () => {
    const good = snapshot();
    const text = JSON.stringify({ type: 'snapshots', site: 'lpz', queues: [good, { queue: '102' }] });
    expect(parseLiveMessage(text)).toEqual({
      ok: true,
      value: { type: 'snapshots', site: 'lpz', queues: [good], dropped: 1 },
    });
  });

  it('keeps well-formed alerts, drops malformed ones and keeps unknown types by name', () => {
    const alert = {
      type: 'alert', state: 'raised', alert_id: 'lpz|101|waiting_now|5', site: 'lpz', queue: '101', metric: 'waiting_now',
      threshold: 3, raised_value: 4, cleared_value: null, peak_value: 4, raised_at_ms: 5, cleared_at_ms: null,
    };
    expect(parseLiveMessage(JSON.stringify(alert))).toEqual({ ok: true, value: alert });
    const bad = { ...alert, state: 'maybe' };
    expect(parseLiveMessage(JSON.stringify(bad))).toMatchObject({ ok: false, reason: 'alert: missing or bad fields' });
    expect(parseLiveMessage(JSON.stringify({ ...alert, threshold: '3' }))).toMatchObject({ ok: false });
    expect(parseLiveMessage('{"type":"agents","rows":[]}')).toEqual({
      ok: true,
      value: { type: 'unknown', raw_type: 'agents' },
    });
  });

  it.each([
    ['not json', 'not JSON'],
    ['[1,2]', 'not an object'],
    ['null', 'not an object'],
    ['{"kind":"hello"}', 'missing type'],
    ['{"type":3}', 'missing type'],
    ['{"type":"hello","user":{"username":"a"},"kiosk":false,"server_time_ms":1}', 'hello: bad user'],
    ['{"type":"hello","user":null,"kiosk":"yes","server_time_ms":1}', 'hello: bad kiosk'],
    ['{"type":"hello","user":null,"kiosk":true}', 'hello: bad server_time_ms'],
    ['{"type":"hello","user":null,"kiosk":true,"server_time_ms":1,"sites":"lpz"}', 'hello: bad site or sites'],
    ['{"type":"subscribed","site":7}', 'subscribed: bad site'],
    ['{"type":"snapshots","queues":[]}', 'snapshots: bad site'],
    ['{"type":"snapshots","site":"lpz","queues":{}}', 'snapshots: queues not an array'],
  ])('rejects %s: %s', (text, reason) => {
    expect(parseLiveMessage(text)).toEqual({ ok: false, reason, line: text });
  });

  it('shortens the line it reports', () => {
    const text = `x${'y'.repeat(300)}`;
    const r = parseLiveMessage(text);
    expect(r).toEqual({ ok: false, reason: 'not JSON', line: `${text.slice(0, 200)}…` });
  });
});

describe('isQueueSnapshot', () => {
  const base = snapshot();
  it('accepts a full snapshot and nulls where the contract allows them', () => {
    expect(isQueueSnapshot(base)).toBe(true);
    expect(
      isQueueSnapshot({
        ...base,
        longest_current_wait_s: null,
        windows: { ...base.windows, today: { ...base.windows.today, sl_pct: null, abandon_rate_pct: null, asa_s: null } },
      }),
    ).toBe(true);
    // An older producer without the issue-15 fields, and "no data" for answers needed.
    expect(isQueueSnapshot({ ...base, sl_cumulative: undefined, answers_needed: undefined, calls_at_risk: undefined })).toBe(true);
    expect(isQueueSnapshot({ ...base, answers_needed: null })).toBe(true);
  });

  it.each<[string, unknown]>([
    ['empty queue name', { ...base, queue: '' }],
    ['numeric queue', { ...base, queue: 101 }],
    ['no at_ms', { ...base, at_ms: undefined }],
    ['target as text', { ...base, target_pct: '80' }],
    ['NaN waiting', { ...base, waiting_now: Number.NaN }],
    ['no definition', { ...base, definition: null }],
    ['strict missing', { ...base, definition: { ...base.definition, strict: undefined } }],
    ['no agents', { ...base, agents: undefined }],
    ['no today window', { ...base, windows: { interval: base.windows.interval } }],
    ['offered null', { ...base, windows: { ...base.windows, today: { ...base.windows.today, offered: null } } }],
    ['sl as text', { ...base, windows: { ...base.windows, today: { ...base.windows.today, sl_pct: '75' } } }],
    ['series point without start', { ...base, sl_series: [{ sl_pct: 1, offered: 1 }] }],
    ['series not an array', { ...base, sl_series: {} }],
    ['cumulative point with SL as text', { ...base, sl_cumulative: [{ start_s: 1, sl_pct: '80', offered: 1 }] }],
    ['answers needed as text', { ...base, answers_needed: '3' }],
    ['calls at risk null', { ...base, calls_at_risk: null }],
  ])('rejects %s', (_name, value) => {
    expect(isQueueSnapshot(value)).toBe(false);
  });
});

describe('applySnapshots', () => {
  it('replaces the snapshot of the same site and queue, keeps the others, never mutates', () => {
    const a1 = snapshot({ queue: '101', at_ms: 1000, waiting_now: 1 });
    const b1 = snapshot({ queue: '102', at_ms: 1000 });
    const prev = applySnapshots(new Map(), [a1, b1]);
    const a2 = snapshot({ queue: '101', at_ms: 2000, waiting_now: 4 });
    const next = applySnapshots(prev, [a2]);
    expect(next).not.toBe(prev);
    expect(prev.get(snapshotKey('lpz', '101'))).toBe(a1);
    expect(next.get(snapshotKey('lpz', '101'))).toBe(a2);
    expect(next.get(snapshotKey('lpz', '102'))).toBe(b1);
    expect(next.size).toBe(2);
  });

  it('merges the per-site partial messages of the live pacing into the whole picture from the greeting', () => {
    // The greeting carries every queue of each site; then each message only the queues of its site that changed.
    const frames = [
      { type: 'snapshots', site: 'lpz', queues: [snapshot({ queue: '101', at_ms: 1_000, waiting_now: 1 }), snapshot({ queue: '102', at_ms: 1_000, waiting_now: 2 })] },
      { type: 'snapshots', site: 'cbba', queues: [snapshot({ site: 'cbba', queue: '101', at_ms: 1_000, waiting_now: 3 })] },
      { type: 'snapshots', site: 'lpz', queues: [snapshot({ queue: '102', at_ms: 1_100, waiting_now: 5 })] },
      { type: 'snapshots', site: 'lpz', queues: [snapshot({ queue: '103', at_ms: 1_200, waiting_now: 1 })] },
      { type: 'snapshots', site: 'cbba', queues: [] },
      { type: 'snapshots', site: 'lpz', queues: [snapshot({ queue: '101', at_ms: 1_300, waiting_now: 0 }), snapshot({ queue: '103', at_ms: 1_300, waiting_now: 2 })] },
    ];
    let shown = new Map<string, ReturnType<typeof snapshot>>();
    for (const f of frames) {
      const parsed = parseLiveMessage(JSON.stringify(f));
      if (!parsed.ok || parsed.value.type !== 'snapshots') throw new Error('not a snapshots message');
      shown = applySnapshots(shown, parsed.value.queues);
    }
    expect(sortedSnapshots(shown).map((q) => [q.site, q.queue, q.waiting_now, q.at_ms])).toEqual([
      ['cbba', '101', 3, 1_000],
      ['lpz', '101', 0, 1_300],
      ['lpz', '102', 5, 1_100],
      ['lpz', '103', 2, 1_300],
    ]);
  });

  it('keeps a newer snapshot over an older one that arrives late', () => {
    const newer = snapshot({ at_ms: 5000, waiting_now: 9 });
    const older = snapshot({ at_ms: 4000, waiting_now: 1 });
    expect(applySnapshots(applySnapshots(new Map(), [newer]), [older]).get(snapshotKey('lpz', '101'))).toBe(newer);
  });

  it('keeps the same queue name of two sites apart, and queue names case-sensitive', () => {
    const m = applySnapshots(new Map(), [
      snapshot({ site: 'lpz', queue: 'ventas' }),
      snapshot({ site: 'bog', queue: 'ventas' }),
      snapshot({ site: 'lpz', queue: 'Ventas' }),
    ]);
    expect(m.size).toBe(3);
  });
});

describe('sortedSnapshots', () => {
  it('orders by site, then queue, numbers numerically', () => {
    const m = applySnapshots(new Map(), [
      snapshot({ site: 'lpz', queue: '10' }),
      snapshot({ site: 'bog', queue: '200' }),
      snapshot({ site: 'lpz', queue: '9' }),
      snapshot({ site: 'lpz', queue: '101' }),
    ]);
    expect(sortedSnapshots(m).map((s) => `${s.site}/${s.queue}`)).toEqual(['bog/200', 'lpz/9', 'lpz/10', 'lpz/101']);
  });
});

describe('liveUrl', () => {
  it.each([
    [{ protocol: 'http:', host: 'localhost:8080' }, null, 'ws://localhost:8080/ws/live'],
    [{ protocol: 'https:', host: 'tablero.example' }, null, 'wss://tablero.example/ws/live'],
    [{ protocol: 'http:', host: 'tv:8080' }, 'a b+c/=', 'ws://tv:8080/ws/live?kiosk=a%20b%2Bc%2F%3D'],
  ])('%j, kiosk %j -> %s', (loc, token, expected) => {
    expect(liveUrl(loc, token)).toBe(expected);
  });

  it('subscribes to one site in the URL', () => {
    expect(liveUrl({ protocol: 'http:', host: 'tv' }, 'k1', 'lpz')).toBe('ws://tv/ws/live?kiosk=k1&site=lpz');
    expect(liveUrl({ protocol: 'https:', host: 'tv' }, null, 'scz')).toBe('wss://tv/ws/live?site=scz');
  });
});
