// Test support: the hand-worked funnel calls (cdr-legs.ts) parsed by ingest's real parsers and
// stored by the real processor, one site per leg set, so the processor's funnel test and the
// dashboard's funnel routes test read the same stored calls.
import type { CdrBatch, CdrRecord, EventBatch, QueueEvent } from '@tablero/ingest/contract';
import { parseCdrLine, parseQueueLogLine } from '@tablero/ingest';
import type { ClickHouse } from '@tablero/sql';
import { pino } from 'pino';
import { parseFunnelConfig, type FunnelConfig } from '../core/funnel.ts';
import { DEFAULT_QUEUE_SETTINGS, type ProcessorSettings } from '../core/settings.ts';
import { startProcessor } from '../service.ts';
import { TestBus } from './bus.ts';
import { cdrCsv, type LegSet } from './cdr-legs.ts';

/**
 * Stores each site's legs and queue_log lines (the processor's clock at `nowS`; UTC calendar).
 * `pick`: only the legs / lines it keeps (by index), read as from a file named by `copy` (another
 * source, so legs held back once can arrive later as from a copy of the file).
 */
export async function storeLegSets(
  ch: ClickHouse,
  sets: Record<string, LegSet>,
  nowS: number,
  pick: { leg?: (i: number) => boolean; line?: (i: number) => boolean; copy?: string } = {},
): Promise<void> {
  const copy = pick.copy ?? '';
  const bus = new TestBus();
  const p = await startProcessor({ bus, ch, log: pino({ level: 'silent' }), now: () => nowS * 1000 }, { tz: 'UTC' });
  try {
    for (const [site, { legs, queueLog }] of Object.entries(sets)) {
      const records: CdrRecord[] = legs.flatMap((l, i) => {
        if (pick.leg && !pick.leg(i)) return [];
        const r = parseCdrLine(cdrCsv(l), { site, source: `test:${site}${copy}.csv`, fingerprint: `${site}cdr${copy}`, offset: i * 1000, lineNo: 0 }, { timeZone: 'UTC' });
        if (!r.ok) throw new Error(`${r.reason}: ${r.line}`);
        return [r.value];
      });
      const events: QueueEvent[] = queueLog.flatMap((line, i) => {
        if (pick.line && !pick.line(i)) return [];
        const r = parseQueueLogLine(line, { site, source: `test:${site}${copy}.ql`, fingerprint: `${site}ql${copy}`, offset: i * 1000, lineNo: 0 });
        if (!r.ok) throw new Error(`${r.reason}: ${r.line}`);
        return [r.value];
      });
      const cdr: CdrBatch = { batch_id: `${site}cdr${copy}:all`, site, records };
      const evb: EventBatch = { batch_id: `${site}ql${copy}:all`, site, events };
      if (records.length && !(await bus.deliver(`pbx.cdr.${site}`, cdr, cdr.batch_id))) throw new Error(`the CDR batch of ${site} was not stored`);
      if (events.length && !(await bus.deliver(`pbx.events.${site}`, evb, evb.batch_id))) throw new Error(`the queue_log batch of ${site} was not stored`);
    }
  } finally {
    await p.stop();
  }
}

const FUNNEL = parseFunnelConfig({
  a18: {
    services: [
      { service: '101', contexts: ['ivr-101', 'q-101'], agent_options: ['0', '2'] },
      { service: '102', contexts: ['ivr-102', 'q-102'], agent_options: ['0'] },
    ],
    ivr: { source: 'userfield' },
  },
  a13: {
    services: [
      { service: '101', dids: ['6014400101'], agent_options: ['0', '2'] },
      { service: '102', dids: ['6014400102'], agent_options: ['0'] },
    ],
    ivr: { source: 'lastdata', app: 'Playback', pattern: 'opt-(\\d+)' },
  },
  a20: {
    services: [
      { service: '101', contexts: ['from-pstn'], dids: ['6014400101'], agent_options: ['0', '2'] },
      { service: '102', contexts: ['from-pstn'], dids: ['6014400102'], agent_options: ['0'] },
    ],
    ivr: { source: 'queue_log' },
  },
});
if (!FUNNEL.ok) throw new Error(FUNNEL.errors.join('; '));

/**
 * The funnel read's settings of the hand-worked sites: services 101 and 102 per era (a18: by
 * context, option in the userfield; a13: by DID, option in Playback's lastdata; a20: by context and
 * DID, option from queue_log events), and T = 30 s in q102 (20 s, the default, elsewhere).
 */
export const HAND_WORKED_READ: { funnel: FunnelConfig; baseSettings: ProcessorSettings } = {
  funnel: FUNNEL.value,
  baseSettings: { sites: {}, defaultSite: { defaults: { ...DEFAULT_QUEUE_SETTINGS }, queues: { q102: { threshold_s: 30 } } } },
};
