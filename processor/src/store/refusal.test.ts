// How a store failure is classified, how a refused insert is split, and month runs.
import { describe, expect, it } from 'vitest';
import { classifyStoreError, insertSplitting, monthRuns, type StoreFailure } from './refusal.ts';

/** The shape @clickhouse/client raises for a server's error (code as a numeric string). */
class ServerError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}
const chdb = (code: number, text: string): Error => Object.assign(new Error(`Code: ${code}. DB::Exception: ${text}`), { code: 'CHDB_INSERT' });
const wrapped = (cause: Error): Error => new Error('insert into stints failed (token t)', { cause });

describe('classifyStoreError', () => {
  it.each<[string, unknown, Partial<StoreFailure>]>([
    ['chDB, too many partitions', chdb(252, 'Too many partitions for single INSERT block (more than 100).'), { retry: false, code: 252, reason: 'store_refused:too_many_partitions' }],
    ['server, too many partitions, wrapped', wrapped(new ServerError('Too many partitions for single INSERT block (more than 100)', '252')), { retry: false, code: 252, reason: 'store_refused:too_many_partitions' }],
    ['server, too many parts (merges behind: back-pressure)', new ServerError('Too many parts (300). Merges are processing significantly slower than inserts', '252'), { retry: true, code: 252 }],
    ['chDB, unparseable DateTime', wrapped(chdb(41, 'Cannot read DateTime: unexpected word')), { retry: false, code: 41, reason: 'store_refused:cannot_parse_datetime' }],
    ['server, type mismatch', new ServerError('Type mismatch', '53'), { retry: false, code: 53, reason: 'store_refused:type_mismatch' }],
    ['server, memory limit', new ServerError('Memory limit exceeded', '241'), { retry: true, code: 241 }],
    ['server, timeout', new ServerError('Timeout exceeded', '159'), { retry: true, code: 159 }],
    ['socket refused (no code)', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }), { retry: true, code: null }],
    ['not an Error', 'boom', { retry: true, code: null }],
  ])('%s', (_what, err, expected) => {
    expect(classifyStoreError(err)).toMatchObject(expected);
  });
});

describe('insertSplitting', () => {
  const refusal = chdb(41, 'Cannot read DateTime');
  const partitions = chdb(252, 'Too many partitions for single INSERT block (more than 100).');

  it('stores rows at once when they are taken, with the whole path', async () => {
    const calls: string[] = [];
    const out = await insertSplitting([1, 2, 3], async (rows, path) => void calls.push(`${path}:${rows.join('')}`), async () => undefined);
    expect(calls).toEqual([':123']);
    expect(out).toEqual({ splits: 0, refused: [] });
  });

  it('halves a refused insert until the pieces fit, first half first (what is stored is a prefix)', async () => {
    const stored: string[] = [];
    // At most 2 rows per insert, like max_partitions_per_insert_block with one month per row.
    const out = await insertSplitting([1, 2, 3, 4, 5], async (rows, path) => {
      if (rows.length > 2) throw partitions;
      stored.push(`${path}:${rows.join('')}`);
    }, async () => undefined);
    expect(stored).toEqual(['00:12', '01:3', '1:45']);
    expect(out.splits).toBe(2);
    expect(out.refused).toEqual([]);
  });

  it('hands a row refused alone to refuse() and stores the others in order', async () => {
    const stored: number[] = [];
    const refused: Array<[number, string]> = [];
    const out = await insertSplitting([1, 2, 3, 4], async (rows) => {
      if (rows.includes(3)) throw wrapped(refusal);
      stored.push(...rows);
    }, async (row, f) => void refused.push([row, f.reason]));
    expect(stored).toEqual([1, 2, 4]);
    expect(refused).toEqual([[3, 'store_refused:cannot_parse_datetime']]);
    expect(out.splits).toBe(2);
    expect(out.refused.map((r) => r.row)).toEqual([3]);
  });

  it('throws a retryable failure as it is, splitting nothing', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const refused: number[] = [];
    await expect(insertSplitting([1, 2], async () => { throw down; }, async (r) => void refused.push(r))).rejects.toBe(down);
    expect(refused).toEqual([]);
  });

  it('gives the same pieces the same paths when repeated (tokens dedup a retried commit)', async () => {
    const paths = async (): Promise<string[]> => {
      const seen: string[] = [];
      await insertSplitting([1, 2, 3, 4, 5, 6, 7], async (rows, path) => {
        seen.push(path);
        if (rows.length > 3) throw partitions;
      }, async () => undefined);
      return seen;
    };
    expect(await paths()).toEqual(['', '0', '00', '01', '1']);
    expect(await paths()).toEqual(await paths());
  });
});

describe('monthRuns', () => {
  const jan31 = Date.UTC(2026, 0, 31, 23, 59, 59) / 1000;
  const feb1 = Date.UTC(2026, 1, 1, 0, 0, 0) / 1000;
  it('cuts at UTC month changes in the given order, never reordering (a month seen again starts a new run)', () => {
    expect(monthRuns([jan31 - 5, jan31, feb1, jan31, feb1 + 10, feb1 + 11], (t) => t)).toEqual([[jan31 - 5, jan31], [feb1], [jan31], [feb1 + 10, feb1 + 11]]);
  });
  it('keeps one month whole, and nothing as no run', () => {
    expect(monthRuns([feb1, feb1 + 1], (t) => t)).toEqual([[feb1, feb1 + 1]]);
    expect(monthRuns([], (t: number) => t)).toEqual([]);
  });
});
