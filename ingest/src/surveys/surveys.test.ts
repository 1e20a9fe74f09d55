import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { SurveyBatch } from '../contract.ts';
import type { IngestBus } from '../bus/port.ts';
import { parseSurveyCsv, SurveyRequestError } from './core.ts';
import { createSurveyPushHandler, importSurveyFiles } from './publish.ts';

const AT = { site: 'lpz', source: 'push:ivr', fingerprint: 'fp' };

describe('parseSurveyCsv', () => {
  it('reads one answer per dimension with deterministic ids', () => {
    const text = 'callid,ts,queue,agent,calidad,oportunidad,amabilidad\r\n1772399000.15,1772400000,101,Ana,5,4,\r\n\r\n1772399001.2,2026-03-01T21:00:00-04:00,,,2,,3\n';
    const r = parseSurveyCsv(text, AT);
    expect(r.lines).toBe(2);
    expect(r.rejected).toEqual([]);
    expect(r.answers.map((a) => [a.survey_id, a.callid, a.ts, a.queue, a.agent, a.dimension, a.score, a.line])).toEqual([
      ['fp:2', '1772399000.15', 1772400000, '101', 'Ana', 'calidad', 5, 2],
      ['fp:2', '1772399000.15', 1772400000, '101', 'Ana', 'oportunidad', 4, 2],
      ['fp:4', '1772399001.2', 1772413200, '', '', 'calidad', 2, 4],
      ['fp:4', '1772399001.2', 1772413200, '', '', 'amabilidad', 3, 4],
    ]);
  });

  it('takes the survey system id when given, and ; as separator', () => {
    const r = parseSurveyCsv('ID;CallID;TS;Calidad\nabc-1;c1;1772400000;4\n', AT);
    expect(r.answers.map((a) => [a.survey_id, a.dimension, a.score])).toEqual([['ext:abc-1', 'calidad', 4]]);
  });

  it.each([
    ['c1,1772400000,6', 'bad_score:calidad'],
    ['c1,1772400000,', 'no_scores'],
    [',1772400000,5', 'no_callid'],
    ['c1,yesterday,5', 'bad_ts'],
    ['c1,2026-03-01 10:00,5', 'bad_ts'],
    ['c1,1772400000', 'column_count'],
    ['"c1,1772400000,5', 'bad_csv'],
    ['c1\0,1772400000,5', 'nul_byte'],
  ])('rejects %s (%s)', (line, reason) => {
    expect(parseSurveyCsv(`callid,ts,calidad\n${line}\n`, AT)).toEqual({ answers: [], lines: 1, rejected: [{ line: 2, reason }] });
  });

  it.each([
    ['ts,calidad', 'the header must name the columns callid and ts'],
    ['callid,ts', 'the header names no dimension column'],
    ['callid,ts,Calidad Total', 'column "calidad total" is not a dimension name (lower-case letters, digits, _)'],
    ['callid,ts,calidad,calidad', 'the header names a column twice'],
  ])('refuses the header %s', (header, message) => {
    expect(() => parseSurveyCsv(`${header}\nc1,1,5\n`, AT)).toThrow(new SurveyRequestError(message));
  });
});

class RecordingBus implements IngestBus {
  readonly streams: string[] = [];
  readonly published: Array<{ subject: string; msgId: string; batch: SurveyBatch }> = [];
  async ensureStream(spec: { name: string }): Promise<void> {
    this.streams.push(spec.name);
  }
  async publish(subject: string, data: Uint8Array, msgId: string): Promise<void> {
    this.published.push({ subject, msgId, batch: JSON.parse(Buffer.from(data).toString('utf8')) as SurveyBatch });
  }
}

describe('publishing', () => {
  it('pushes a body as batches on qa.survey.<site>, the same ids when retried', async () => {
    const bus = new RecordingBus();
    const push = createSurveyPushHandler({ bus, log: pino({ level: 'silent' }) });
    const body = 'callid,ts,calidad,amabilidad\nc1,1772400000,5,4\nc2,1772400001,9,1\n';
    expect(await push({ site: 'lpz', sourceName: 'ivr', body })).toEqual({ accepted: 1, rejected: 1 });
    expect(await push({ site: 'lpz', sourceName: 'ivr', body })).toEqual({ accepted: 1, rejected: 1 });
    expect(bus.streams).toEqual(['TABLERO_QA']);
    expect(bus.published.map((p) => [p.subject, p.msgId === p.batch.batch_id, p.batch.answers.length])).toEqual([
      ['qa.survey.lpz', true, 2],
      ['qa.survey.lpz', true, 2],
    ]);
    expect(bus.published[0]?.msgId).toBe(bus.published[1]?.msgId);
    expect(bus.published[0]?.batch.answers[0]).toEqual({ survey_id: `${bus.published[0]?.batch.batch_id.split(':')[0]}:2`, site: 'lpz', source: 'push:ivr', ts: 1772400000, callid: 'c1', queue: '', agent: '', dimension: 'calidad', score: 5 });
  });

  it('imports plain and gzip files, cutting batches on line boundaries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tablero-surveys-'));
    try {
      const rows = Array.from({ length: 300 }, (_, i) => `c${i},${1772400000 + i},5,4`);
      const text = `callid,ts,calidad,amabilidad\n${rows.join('\n')}\n`;
      writeFileSync(join(dir, 'a.csv'), text);
      writeFileSync(join(dir, 'b.csv.gz'), gzipSync(text));
      const bus = new RecordingBus();
      const s = await importSurveyFiles({ bus, log: pino({ level: 'silent' }) }, { files: [join(dir, 'a.csv'), join(dir, 'b.csv.gz')], site: 'lpz' });
      expect(s).toEqual({ files: 2, lines: 600, accepted: 600, rejected: 0, reasons: {} });
      // 600 answers per file -> 500 + 100, each batch whole lines (2 answers per line).
      expect(bus.published.map((p) => [p.batch.batch_id.split(':')[1], p.batch.answers.length])).toEqual([
        ['2-251', 500],
        ['252-301', 100],
        ['2-251', 500],
        ['252-301', 100],
      ]);
      // Same content -> same fingerprint: the .gz copy is the same surveys, stored once.
      expect(bus.published[2]?.msgId).toBe(bus.published[0]?.msgId);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
