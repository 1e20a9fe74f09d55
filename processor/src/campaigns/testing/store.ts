// Test support: writes the credit week's CDR legs into the cdr table as the processor stores
// accepted CDR rows (columns not named take their defaults). Not a test file.
import { TABLES, type ClickHouse } from '@tablero/sql';
import { LEGS } from './credit-week.ts';

export async function storeCreditWeekLegs(ch: ClickHouse, site = 'default'): Promise<void> {
  await ch.client.insert({
    table: TABLES.cdr,
    format: 'JSONEachRow',
    values: LEGS.map((l, i) => ({
      event_id: `test:${l.uid}`, site, source: 'test', offset: i, layout: 'cdr_csv', src: '1001', dst: l.dst, dcontext: 'from-internal',
      channel: l.channel, dstchannel: 'SIP/trunk-0000ff', lastapp: 'Dial', lastdata: `SIP/trunk/${l.dst}`, start: l.start,
      answer: l.disposition === 'ANSWERED' ? l.start + 5 : null, end: l.start + 60, duration: 60, billsec: l.disposition === 'ANSWERED' ? 55 : 0,
      disposition: l.disposition, amaflags: 'DOCUMENTATION', uniqueid: `${l.start}.${i}`, linkedid: `${l.start}.${i}`,
    })),
  });
}
