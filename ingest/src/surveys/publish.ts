// Survey answers onto the quality stream (`qa.survey.<site>`), in batches cut on line
// boundaries with deterministic ids, so a retried push or a repeated import stores nothing new
// (JetStream's duplicate window, then the consumer's dedup token and ReplacingMergeTree).
// Rejected lines are counted and returned to the caller, not published.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import { QA_STREAM_SPEC, SITE_ID_PATTERN, surveySubject, type SurveyAnswer, type SurveyBatch } from '../contract.ts';
import type { IngestBus } from '../bus/port.ts';
import { parseSurveyCsv, surveyFingerprint, SurveyRequestError, type ParsedSurveys } from './core.ts';

export const SURVEY_BATCH_ANSWERS = 500;

export interface SurveyPushRequest {
  site: string;
  sourceName: string;
  body: string;
}

export interface SurveySummary {
  lines: number;
  accepted: number;
  rejected: number;
  /** reason -> count */
  reasons: Record<string, number>;
}

async function publish(bus: IngestBus, site: string, fingerprint: string, parsed: ParsedSurveys): Promise<void> {
  let start = 0;
  const answers = parsed.answers;
  while (start < answers.length) {
    let end = Math.min(start + SURVEY_BATCH_ANSWERS, answers.length);
    // Never split one line's answers over two batches.
    while (end < answers.length && (answers[end] as { line: number }).line === (answers[end - 1] as { line: number }).line) end++;
    const slice = answers.slice(start, end);
    const first = (slice[0] as { line: number }).line;
    const last = (slice[slice.length - 1] as { line: number }).line;
    const batch: SurveyBatch = {
      batch_id: `${fingerprint}:${first}-${last}`,
      site,
      answers: slice.map(({ line: _line, ...a }): SurveyAnswer => a),
    };
    await bus.publish(surveySubject(site), Buffer.from(JSON.stringify(batch)), batch.batch_id);
    start = end;
  }
}

function summary(parsed: ParsedSurveys): SurveySummary {
  const reasons: Record<string, number> = {};
  for (const r of parsed.rejected) reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
  return { lines: parsed.lines, accepted: parsed.lines - parsed.rejected.length, rejected: parsed.rejected.length, reasons };
}

/** The push core behind POST /ingest/surveys: resolves after the bus acknowledged every answer. */
export function createSurveyPushHandler(deps: { bus: IngestBus; log: Logger }): (req: SurveyPushRequest) => Promise<{ accepted: number; rejected: number }> {
  let ensured = false;
  return async (req) => {
    if (!SITE_ID_PATTERN.test(req.site)) throw new SurveyRequestError(`bad site id ${req.site}`);
    if (!ensured) {
      await deps.bus.ensureStream(QA_STREAM_SPEC);
      ensured = true;
    }
    const source = `push:${req.sourceName}`;
    const fingerprint = surveyFingerprint(req.site, source, req.body);
    const parsed = parseSurveyCsv(req.body, { site: req.site, source, fingerprint });
    await publish(deps.bus, req.site, fingerprint, parsed);
    const s = summary(parsed);
    if (s.rejected > 0) deps.log.warn({ site: req.site, source, rejected: s.rejected, reasons: s.reasons }, 'survey lines rejected');
    return { accepted: s.accepted, rejected: s.rejected };
  };
}

/** `tablero import --kind surveys`: each file (plain or .gz) parsed and published; idempotent. */
export async function importSurveyFiles(deps: { bus: IngestBus; log: Logger }, opts: { files: string[]; site: string }): Promise<SurveySummary & { files: number }> {
  if (!SITE_ID_PATTERN.test(opts.site)) throw new SurveyRequestError(`bad site id ${opts.site}`);
  await deps.bus.ensureStream(QA_STREAM_SPEC);
  const total: SurveySummary & { files: number } = { files: 0, lines: 0, accepted: 0, rejected: 0, reasons: {} };
  for (const file of opts.files) {
    const bytes = await readFile(file);
    const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
    // The file's first 1 KiB names it: the same file imported again (even grown) keeps its ids.
    const source = `import:${file}`;
    const fingerprint = surveyFingerprint(opts.site, 'import', text.slice(0, 1024));
    let parsed: ParsedSurveys;
    try {
      parsed = parseSurveyCsv(text, { site: opts.site, source, fingerprint });
    } catch (err) {
      if (err instanceof SurveyRequestError) throw new SurveyRequestError(`${file}: ${err.message}`, { cause: err });
      throw err;
    }
    await publish(deps.bus, opts.site, fingerprint, parsed);
    const s = summary(parsed);
    total.files++;
    total.lines += s.lines;
    total.accepted += s.accepted;
    total.rejected += s.rejected;
    for (const [r, n] of Object.entries(s.reasons)) total.reasons[r] = (total.reasons[r] ?? 0) + n;
  }
  return total;
}
