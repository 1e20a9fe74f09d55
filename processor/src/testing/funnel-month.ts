// Test support: a generated stretch of funnel traffic written straight into cdr, stints and
// queue_events (INSERT ... SELECT FROM numbers, no processor: so no dirty marks either), with the
// variety the funnel distinguishes: 4 services (3 by DID, 1 by context), calls with and without
// linkedid, outbound legs, member legs starting before the caller's or 17 minutes after it, IVR
// options in queue_log events, the userfield and Playback's lastdata, stints answered (waits 0-49 s,
// some unknown), abandoned, refused and timed out, transfers answered in a second queue.
import type { ClickHouse } from '@tablero/sql';
import { parseFunnelConfig, type FunnelSettings } from '../core/funnel.ts';

export async function generateFunnelTraffic(ch: ClickHouse, o: { site: string; calls: number; fromS: number; days: number }): Promise<void> {
  const span = o.days * 86_400;
  const at = `toInt64(${o.fromS} + intDiv(c * ${span}, ${o.calls}) + c % 97)`;
  await ch.client.command({
    query: `INSERT INTO cdr (event_id, site, source, offset, layout, accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata,
                             start, answer, end, duration, billsec, disposition, amaflags, uniqueid, userfield, peeraccount, linkedid, sequence)
            SELECT concat('g:', toString(number)), {site:String}, 'gen', number, 'csv21', '', toString(3000000000 + c % 500),
                   if(leg = 0, concat('601440010', toString(c % 4)), '201'),
                   multiIf(leg = 0 AND c % 9 = 0, 'from-internal', leg = 0 AND c % 4 = 3, 'ivr-103', leg = 0, 'from-pstn', 'from-queue'), '',
                   concat(if(leg = 0, 'PJSIP/trunk-', 'Local/201@from-queue-'), toString(c)), '',
                   multiIf(leg = 0 AND c % 5 = 1, 'Playback', leg = 0 AND c % 6 != 0, 'Queue', leg = 0, 'Hangup', 'Dial'),
                   if(leg = 0 AND c % 5 = 1, concat('opt-', toString(c % 3)), ''),
                   toDateTime(${at} + multiIf(leg = 0, 0, c % 11 = 0, -30, c % 7 = 0, 1000, 20), 'UTC'), NULL,
                   toDateTime(${at} + 190, 'UTC'), 190, 178, 'ANSWERED', 'DOCUMENTATION',
                   concat(if(leg = 0, 'u', 'm'), toString(c)), if(leg = 0 AND c % 4 = 2, toString(c % 3), ''), '',
                   if(c % 3 = 0, '', concat('u', toString(c))), number
            FROM (SELECT number, intDiv(number, 2) AS c, number % 2 AS leg FROM numbers(${o.calls * 2}))`,
    query_params: { site: o.site },
  });
  await ch.client.command({
    query: `INSERT INTO stints (stint_id, site, queue, callid, enter_ts, end_ts, outcome, wait_s, talk_s, agent, caller, transferred, enter_seen, end_event_id)
            SELECT concat(if(t = 0, 's', 't'), toString(c)), {site:String}, concat('q10', toString((c + t) % 3)), concat('u', toString(c)),
                   toDateTime(${at} + 10 + t * 200, 'UTC'), toDateTime(${at} + 190 + t * 200, 'UTC'),
                   if(t = 1, 'answered', multiIf(c % 6 = 1, 'abandoned', c % 6 = 2, 'refused', c % 6 = 3, 'timeout', 'answered')),
                   if(t = 1, 3, if(c % 13 = 0, NULL, c % 50)), NULL, 'Ana', '', t = 0 AND c % 8 = 0, true, ''
            FROM (SELECT number AS c, arrayJoin(if(number % 8 = 0, [0, 1], [0])) AS t FROM numbers(${o.calls}))
            WHERE c % 6 != 0`,
    query_params: { site: o.site },
  });
  await ch.client.command({
    query: `INSERT INTO queue_events (event_id, site, source, offset, ts, callid, queue, agent, verb, custom, wait_s, talk_s, ring_ms, position, orig_position, caller, info, data)
            SELECT concat('e:', toString(c)), {site:String}, 'gen', c, toDateTime(${at} + 5, 'UTC'), concat('u', toString(c)),
                   'NONE', 'NONE', 'IVROPTION', true, NULL, NULL, NULL, NULL, NULL, '', '', [toString(c % 3)]
            FROM (SELECT number AS c FROM numbers(${o.calls})) WHERE c % 4 = 1`,
    query_params: { site: o.site },
  });
}

const settings = (v: unknown): FunnelSettings => {
  const r = parseFunnelConfig({ gen: v });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.value.gen as FunnelSettings;
};

/** The generated traffic's services, IVR option from queue_log events. */
export const GENERATED_FUNNEL = settings({
  services: [
    { service: '100', contexts: ['from-pstn'], dids: ['6014400100'], agent_options: ['0'] },
    { service: '101', contexts: ['from-pstn'], dids: ['6014400101'], agent_options: ['0', '2'] },
    { service: '102', dids: ['6014400102'], agent_options: ['1'] },
    { service: '103', contexts: ['ivr-103'] },
  ],
  ivr: { source: 'queue_log' },
});

/** The same services judged otherwise: option from Playback's lastdata, other agent options, 103 first. */
export const GENERATED_FUNNEL_CHANGED = settings({
  services: [
    { service: '103', contexts: ['ivr-103'], agent_options: ['1'] },
    { service: '100', contexts: ['from-pstn'], dids: ['6014400100'], agent_options: ['1'] },
    { service: '101', contexts: ['from-pstn'], dids: ['6014400101'], agent_options: ['2'] },
    { service: '102', dids: ['6014400102'] },
  ],
  ivr: { source: 'lastdata', app: 'Playback', pattern: 'opt-(\\d+)' },
});
