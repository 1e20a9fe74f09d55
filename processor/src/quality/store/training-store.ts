// ClickHouse reads and writes of training test results (migration 107): inserted as versions,
// the newest per (agent, test, date) wins.
import { TABLES, type ClickHouse } from '@tablero/sql';
import type { TrainingScore } from '../contract.ts';
import { QaStoreError } from './qa-store.ts';

type Row = Record<string, unknown>;

export async function trainingScores(ch: ClickHouse, q: { from: string; to: string }): Promise<TrainingScore[]> {
  let r: Row[];
  try {
    const rs = await ch.client.query({
      query: `SELECT agent, test, toString(date) AS day, score, pass_mark, entered_by FROM ${TABLES.trainingScores} FINAL
              WHERE date >= toDate({from:String}) AND date < toDate({to:String}) AND NOT removed ORDER BY date, agent, test`,
      query_params: q,
      format: 'JSONEachRow',
    });
    r = await rs.json<Row>();
  } catch (err) {
    throw new QaStoreError('reading training scores failed', { cause: err });
  }
  return r.map((x) => {
    const score = Number(x['score']);
    const passMark = Number(x['pass_mark']);
    return { agent: String(x['agent']), test: String(x['test']), date: String(x['day']), score, pass_mark: passMark, passed: score >= passMark, entered_by: String(x['entered_by']) };
  });
}

export async function storeTrainingScores(ch: ClickHouse, list: ReadonlyArray<Omit<TrainingScore, 'passed'>>, nowMs: number): Promise<void> {
  if (list.length === 0) return;
  try {
    await ch.client.insert({ table: TABLES.trainingScores, values: list.map((s) => ({ ...s, removed: false, updated_at: nowMs })), format: 'JSONEachRow' });
  } catch (err) {
    throw new QaStoreError('storing training scores failed', { cause: err });
  }
}
