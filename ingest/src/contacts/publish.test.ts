// Contact publishing: batches stay under NATS's 1 MiB payload however long the fields, every good
// row is published once, bad rows go out as dead letters, and the same body again gives the same
// message ids (JetStream's duplicate window drops them).
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { CONTACT_COLUMNS } from '../contract.ts';
import type { IngestBus } from '../bus/port.ts';
import { CONTACT_BATCH_MAX_BYTES, createContactPushHandler } from './publish.ts';
import { contactFromRecord } from './parse.ts';

function recordingBus(): IngestBus & { sent: Array<{ subject: string; id: string; bytes: number; body: string }> } {
  const sent: Array<{ subject: string; id: string; bytes: number; body: string }> = [];
  return {
    sent,
    ensureStream: async () => undefined,
    publish: async (subject, data, msgId) => {
      sent.push({ subject, id: msgId, bytes: data.byteLength, body: Buffer.from(data).toString('utf8') });
    },
  };
}

const log = pino({ level: 'silent' });
const long = (n: number) => 'ñ'.repeat(n);

describe('contact push publishing', () => {
  it('cuts batches by bytes, keeps every good row once, sends bad rows as dead letters, and repeats its ids', async () => {
    const bus = recordingBus();
    const push = createContactPushHandler({ bus, log, now: () => 0 });
    const records = Array.from({ length: 1500 }, (_, i) => ({
      contact_id: `K${i}`, channel: 'chat', arrived: 1_796_000_000 + i, queue: long(200), agent: long(200), call_id: long(200), ticket_id: long(200),
    }));
    records.splice(700, 0, { contact_id: '', channel: 'chat', arrived: 1_796_000_000 } as (typeof records)[number]);
    const r = await push({ site: 's1', sourceName: 'chat', body: { contacts: records } });
    expect([r.accepted, r.rejected, r.rejections]).toEqual([1500, 1, [{ line: 701, reason: 'missing_field:contact_id' }]]);
    const batches = bus.sent.filter((m) => m.subject === 'contacts.records.s1');
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches) expect(b.bytes).toBeLessThan(1024 * 1024);
    expect(batches.every((b) => b.bytes <= CONTACT_BATCH_MAX_BYTES + 4096)).toBe(true);
    // Each row: the record's values in CONTACT_COLUMNS order (contact_id third).
    const ids = batches.flatMap((b) => b.body.split('\n').slice(1).filter(Boolean).map((l) => (JSON.parse(l) as unknown[])[CONTACT_COLUMNS.indexOf('contact_id')]));
    expect(ids).toEqual(records.filter((x) => x.contact_id !== '').map((x) => x.contact_id));
    // The row's values are the record's, in CONTACT_COLUMNS order (the store inserts them under those names).
    const firstRow = JSON.parse(batches[0]?.body.split('\n')[1] ?? '[]') as unknown[];
    const parsed = contactFromRecord(records[0] as Record<string, unknown>, { site: 's1', source: 'push:chat', tz: 'UTC', line: 1 });
    expect(Object.fromEntries(CONTACT_COLUMNS.map((k, i) => [k, firstRow[i]]))).toEqual(parsed.ok ? parsed.value : null);
    const headers = batches.map((b) => JSON.parse(b.body.slice(0, b.body.indexOf('\n'))) as { contacts: number });
    expect(headers.reduce((n, h) => n + h.contacts, 0)).toBe(1500);
    const dead = bus.sent.filter((m) => m.subject === 'contacts.dead.s1');
    expect(dead.map((d) => (JSON.parse(d.body) as { dead: Array<{ source: string; line_no: number; reason: string }> }).dead.map((x) => [x.source, x.line_no, x.reason]))).toEqual([[['contacts:push:chat', 701, 'missing_field:contact_id']]]);
    const first = bus.sent.map((m) => m.id);
    await push({ site: 's1', sourceName: 'chat', body: { contacts: records } });
    expect(bus.sent.slice(first.length).map((m) => m.id)).toEqual(first);
  });
});
