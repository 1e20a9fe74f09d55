// Stores survey answer batches from the quality stream (`qa.survey.<site>`, TABLERO_QA) in
// ClickHouse. A batch is acknowledged only after its insert succeeded; the insert is idempotent
// (dedup token = batch id, ReplacingMergeTree on (site, survey_id, dimension)).
import type { Logger } from 'pino';
import { QA_STREAM, QA_STREAM_SPEC, SURVEY_CONSUMER, SURVEY_SUBJECT_PREFIX, type SurveyBatch } from '@tablero/ingest/contract';
import type { ClickHouse } from '@tablero/sql';
import { readMessage, type ProcessorBus } from '../bus/bus.ts';
import { insertSurveyAnswers } from './store/qa-store.ts';

export interface SurveyConsumer {
  stop(): Promise<void>;
  /** Settles when its consumption ends: resolves after stop(), rejects with the reason if it died. */
  done: Promise<void>;
  counters(): { batches: number; answers: number; bad_messages: number };
}

function isBatch(v: unknown): v is SurveyBatch {
  if (typeof v !== 'object' || v === null) return false;
  const b = v as Record<string, unknown>;
  return typeof b['batch_id'] === 'string' && typeof b['site'] === 'string' && Array.isArray(b['answers']);
}

export async function startSurveyConsumer(deps: { bus: ProcessorBus; ch: ClickHouse; log: Logger }): Promise<SurveyConsumer> {
  const { bus, ch, log } = deps;
  const counters = { batches: 0, answers: 0, bad_messages: 0 };
  await bus.ensureStream(QA_STREAM_SPEC);
  const consumption = await bus.consume(
    { stream: QA_STREAM, durable: SURVEY_CONSUMER, filterSubject: `${SURVEY_SUBJECT_PREFIX}.>`, maxAckPending: 1 },
    async (msg) => {
      const read = readMessage(msg.data);
      const body = read.ok ? read.value : null;
      if (!isBatch(body)) {
        // Retrying cannot fix it and would block the stream: count, log, acknowledge.
        counters.bad_messages += 1;
        log.error({ subject: msg.subject, msg_id: msg.msgId }, 'unreadable survey batch skipped');
        return;
      }
      await insertSurveyAnswers(ch, body.answers, `surveys:${body.batch_id}`);
      counters.batches += 1;
      counters.answers += body.answers.length;
    },
    (err, msg) => log.warn({ err, subject: msg.subject, msg_id: msg.msgId }, 'survey batch not stored, will retry'),
  );
  consumption.done.catch((err: unknown) => log.error({ err }, 'survey consumption died'));
  log.info({ stream: QA_STREAM, durable: SURVEY_CONSUMER }, 'survey consumer started');
  return {
    done: consumption.done,
    counters: () => ({ ...counters }),
    async stop() {
      await consumption.stop();
      log.info({ ...counters }, 'survey consumer stopped');
    },
  };
}
