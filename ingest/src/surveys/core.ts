// Survey answers as CSV (POST /ingest/surveys, `tablero import --kind surveys`) -> SurveyAnswer
// rows. Pure. The first line is a header naming the columns (any case, `,` or `;` separated):
//   callid (required), ts (required: epoch seconds or ISO 8601 with a zone), queue, agent, id
//   (the survey system's own id), and one column per dimension (calidad, oportunidad,
//   amabilidad or any other lower-case name) holding 1..5 or nothing (not answered).
// Ids are deterministic: `ext:<id>` when the row has one, else `<fingerprint>:<line number>`.
import { createHash } from 'node:crypto';
import { MAX_SURVEY_DIMENSIONS, SURVEY_DIMENSION_PATTERN, type SurveyAnswer } from '../contract.ts';
import { splitCsvLine } from '../core/csv-line.ts';

export interface SurveyRejection {
  line: number;
  reason: string;
}

export interface ParsedSurveys {
  /** Answers with the line each came from (batches are cut on line boundaries). */
  answers: Array<SurveyAnswer & { line: number }>;
  /** Data lines read (the header and blank lines excluded). */
  lines: number;
  rejected: SurveyRejection[];
}

/** A request whose header cannot be used: nothing in it can be read. */
export class SurveyRequestError extends Error {
  override name = 'SurveyRequestError';
}

const KNOWN = new Set(['callid', 'ts', 'queue', 'agent', 'id']);
const ISO = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export function surveyFingerprint(site: string, origin: string, head: string): string {
  return createHash('sha256').update(site).update('\0surveys\0').update(origin).update('\0').update(head).digest('hex').slice(0, 16);
}

function parseTs(v: string): number | null {
  if (/^\d{9,11}$/.test(v)) return Number(v);
  if (!ISO.test(v)) return null;
  const t = Date.parse(v.replace(' ', 'T'));
  return Number.isNaN(t) ? null : Math.floor(t / 1000);
}

export function parseSurveyCsv(text: string, at: { site: string; source: string; fingerprint: string }): ParsedSurveys {
  const rawLines = text.split('\n');
  let headerAt = rawLines.findIndex((l) => l.trim() !== '');
  if (headerAt === -1) return { answers: [], lines: 0, rejected: [] };
  const headerLine = (rawLines[headerAt] as string).replace(/\r$/, '').replace(/^\uFEFF/, '');
  const sep = headerLine.includes(';') && !headerLine.includes(',') ? ';' : ',';
  const header = splitCsvLine(headerLine, sep)?.map((c) => c.value.trim().toLowerCase());
  if (!header) throw new SurveyRequestError('the header line is not valid CSV');
  if (!header.includes('callid') || !header.includes('ts')) throw new SurveyRequestError('the header must name the columns callid and ts');
  if (new Set(header).size !== header.length) throw new SurveyRequestError('the header names a column twice');
  const dims = header.filter((h) => !KNOWN.has(h));
  const bad = dims.find((d) => !SURVEY_DIMENSION_PATTERN.test(d));
  if (bad !== undefined) throw new SurveyRequestError(`column "${bad}" is not a dimension name (lower-case letters, digits, _)`);
  if (dims.length === 0) throw new SurveyRequestError('the header names no dimension column');
  if (dims.length > MAX_SURVEY_DIMENSIONS) throw new SurveyRequestError(`the header names ${dims.length} dimension columns; at most ${MAX_SURVEY_DIMENSIONS}`);
  headerAt += 1;
  const out: ParsedSurveys = { answers: [], lines: 0, rejected: [] };
  for (let i = headerAt; i < rawLines.length; i++) {
    const raw = (rawLines[i] as string).replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const lineNo = i + 1;
    out.lines++;
    // A NUL byte is never part of an answer (kpi-definitions §11): the row is rejected, not stored.
    if (raw.includes('\0')) {
      out.rejected.push({ line: lineNo, reason: 'nul_byte' });
      continue;
    }
    const cells = splitCsvLine(raw, sep);
    if (!cells) {
      out.rejected.push({ line: lineNo, reason: 'bad_csv' });
      continue;
    }
    if (cells.length !== header.length) {
      out.rejected.push({ line: lineNo, reason: 'column_count' });
      continue;
    }
    const row = new Map(header.map((h, j) => [h, (cells[j]?.value ?? '').trim()]));
    const callid = row.get('callid') ?? '';
    if (callid === '') {
      out.rejected.push({ line: lineNo, reason: 'no_callid' });
      continue;
    }
    const ts = parseTs(row.get('ts') ?? '');
    if (ts === null) {
      out.rejected.push({ line: lineNo, reason: 'bad_ts' });
      continue;
    }
    const ext = row.get('id') ?? '';
    const surveyId = ext !== '' ? `ext:${ext}` : `${at.fingerprint}:${lineNo}`;
    const answers: Array<SurveyAnswer & { line: number }> = [];
    let reason: string | null = null;
    for (const d of dims) {
      const v = row.get(d) ?? '';
      if (v === '') continue;
      if (!/^[1-5]$/.test(v)) {
        reason = `bad_score:${d}`;
        break;
      }
      answers.push({
        survey_id: surveyId, site: at.site, source: at.source, ts, callid,
        queue: row.get('queue') ?? '', agent: row.get('agent') ?? '', dimension: d, score: Number(v), line: lineNo,
      });
    }
    if (reason === null && answers.length === 0) reason = 'no_scores';
    if (reason !== null) {
      out.rejected.push({ line: lineNo, reason });
      continue;
    }
    out.answers.push(...answers);
  }
  return out;
}
