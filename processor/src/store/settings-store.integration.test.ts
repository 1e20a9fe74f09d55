// Settings and calendar versions in ClickHouse, loaded by the processor at start; agent
// sessions and pauses stored by the processor.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@tablero/sql';
import { queueSettings, defaultProcessorSettings } from '../core/settings.ts';
import { startProcessor } from '../service.ts';
import { TestBus } from '../testing/bus.ts';
import { freshClickHouse } from '../testing/clickhouse.ts';
import { eventMaker } from '../testing/events.ts';
import { listSettingsVersions, loadCalendars, loadSettings, saveCalendarVersion, saveSettingsVersion, SettingsError } from './settings-store.ts';

let ch: ClickHouse & { dispose(): Promise<void> };
const T0 = Date.UTC(2026, 10, 1) ;
beforeAll(async () => {
  ch = await freshClickHouse();
});
afterAll(async () => {
  await ch?.dispose();
});

describe('settings versions', () => {
  it('a change is a new version valid from its time; the newest valid one wins', async () => {
    expect(await saveSettingsVersion(ch, { site: 'lp', queue: '', patch: { threshold_s: 30 }, validFromMs: T0, createdBy: 'ana', nowMs: T0 })).toBe(1);
    expect(await saveSettingsVersion(ch, { site: 'lp', queue: '', patch: { threshold_s: 25, strict: true }, validFromMs: T0 + 86_400_000, createdBy: 'ana', nowMs: T0 })).toBe(2);
    expect(await saveSettingsVersion(ch, { site: 'lp', queue: '101', patch: { formula: 'answered', alerts: { waiting_above: 3 } }, validFromMs: T0, createdBy: 'bo', nowMs: T0 })).toBe(1);
    await expect(saveSettingsVersion(ch, { site: 'lp', queue: '101', patch: { formula: 'best' }, validFromMs: T0, createdBy: 'bo', nowMs: T0 })).rejects.toThrow(SettingsError);
    expect((await listSettingsVersions(ch)).map((v) => [v.site, v.queue, v.version, v.valid_from_ms, v.created_by])).toEqual([
      ['lp', '', 1, T0, 'ana'],
      ['lp', '', 2, T0 + 86_400_000, 'ana'],
      ['lp', '101', 1, T0, 'bo'],
    ]);
    const before = await loadSettings(ch, defaultProcessorSettings(), T0 - 1);
    expect(queueSettings(before, 'lp', '101')).toMatchObject({ formula: 'offered', threshold_s: 20 });
    const day1 = await loadSettings(ch, defaultProcessorSettings(), T0 + 1000);
    expect(queueSettings(day1, 'lp', '101')).toMatchObject({ formula: 'answered', threshold_s: 30, strict: false, alerts: { waiting_above: 3 } });
    expect(queueSettings(day1, 'lp', '102')).toMatchObject({ formula: 'offered', threshold_s: 30 });
    const day2 = await loadSettings(ch, defaultProcessorSettings(), T0 + 86_400_000);
    expect(queueSettings(day2, 'lp', '101')).toMatchObject({ formula: 'answered', threshold_s: 25, strict: true });
    expect(queueSettings(day2, 'other', '101')).toMatchObject({ formula: 'offered', threshold_s: 20 });
  });

  it('calendar versions', async () => {
    await saveCalendarVersion(ch, { site: 'lp', spec: { tz: 'America/La_Paz' }, validFromMs: T0, createdBy: 'ana', nowMs: T0 });
    await saveCalendarVersion(ch, { site: 'lp', spec: { tz: 'America/La_Paz', holidays: ['2026-11-02'] }, validFromMs: T0 + 1000, createdBy: 'ana', nowMs: T0 });
    await expect(saveCalendarVersion(ch, { site: 'lp', spec: { tz: 'Nowhere/City' }, validFromMs: T0, createdBy: 'ana', nowMs: T0 })).rejects.toThrow();
    expect(await loadCalendars(ch, T0)).toEqual({ lp: { tz: 'America/La_Paz' } });
    expect(await loadCalendars(ch, T0 + 5000)).toEqual({ lp: { tz: 'America/La_Paz', holidays: ['2026-11-02'] } });
  });

  it('the processor starts with the stored settings and stores agent sessions and pauses', async () => {
    const bus = new TestBus();
    const nowMs = T0 + 2 * 86_400_000;
    const p = await startProcessor({ bus, ch, log: pino({ level: 'silent' }), now: () => nowMs }, { tz: 'UTC' });
    const make = eventMaker({ site: 'lp', fingerprint: 'fpS' });
    const t = nowMs / 1000 - 100;
    const events = make.lines(`
      ${t}|MANAGER|101|SIP/7|ADDMEMBER|
      ${t + 1}|NONE|101|SIP/7|PAUSE|lunch
      ${t + 2}|c1|101|NONE|ENTERQUEUE||555|1
      ${t + 50}|NONE|101|SIP/7|UNPAUSE|
      ${t + 60}|MANAGER|101|SIP/7|REMOVEMEMBER|`);
    expect(await bus.deliver('pbx.events.lp', { batch_id: 'fpS:0', site: 'lp', events }, 'fpS:0')).toBe(true);
    const snap = p.latest().find((s) => s.site === 'lp' && s.queue === '101');
    expect(snap).toMatchObject({
      definition: { formula: 'answered', threshold_s: 25, strict: true, short_abandon_s: 0, tz: 'America/La_Paz' },
      waiting_now: 1, longest_current_wait_s: 98,
    });
    await p.stop();
    const sessions = await (await ch.client.query({ query: 'SELECT agent, queue, toUnixTimestamp(start_ts) AS s, toUnixTimestamp(end_ts) AS e, end_reason FROM agent_sessions', format: 'JSONEachRow' })).json();
    expect(sessions).toEqual([{ agent: 'SIP/7', queue: '101', s: t, e: t + 60, end_reason: 'removed' }]);
    const pauses = await (await ch.client.query({ query: 'SELECT agent, reason, toUnixTimestamp(start_ts) AS s, toUnixTimestamp(end_ts) AS e, end_reason FROM agent_pauses', format: 'JSONEachRow' })).json();
    expect(pauses).toEqual([{ agent: 'SIP/7', reason: 'lunch', s: t + 1, e: t + 50, end_reason: 'unpause' }]);
  });
});
