// Reduces a group of JetStream messages to one commit: the events go through the stint and agent
// machines, the live windows and the supervisor days move at once (they do not wait for storage:
// a failed insert is retried with these same rows, and after a crash the live windows are rebuilt
// from what was stored), the changed queues and sites are marked for publishing, and the rows
// to store are collected. Rows the newest stored commit already holds are not stored again, and
// a line that already came another way is dropped (service/same-line.ts).
import {
  CDR_SUBJECT_PREFIX,
  DEAD_LETTER_SUBJECT_PREFIX,
  EVENTS_SUBJECT_PREFIX,
  type CdrBatch,
  type DeadLetterBatch,
  type EventBatch,
} from '@tablero/ingest/contract';
import type { Logger } from 'pino';
import { applyAgentEvent } from '../core/agent-state.ts';
import { addLiveStint, type LiveContext } from '../core/live.ts';
import { markChanged, markQueueChanged, markSiteChanged, type Pacer, type SitePacer } from '../core/pacing.ts';
import { lineHash, rememberLine } from '../core/line-key.ts';
import { boundDeadLetters } from '../core/rejections.ts';
import { applyEvent, eventFingerprint, isApplied } from '../core/stint-machine.ts';
import { addSupervisorStint } from '../core/supervisor.ts';
import { pauseKey, sessionKey } from '../store/store.ts';
import type { ProcessorState, StoredRows } from './rebuild.ts';
import type { ReadMessage, SameLine, StoredLines } from './same-line.ts';
import { eventsBytes, type Counters, type Work } from './work.ts';

/** What changed since the last publishing: queues per site (snapshots) and sites (supervisor views). */
export interface Changes {
  /** Snapshots, paced per site: the queues changed since each site's last message. */
  queues: SitePacer;
  /** Supervisor views, paced per site. */
  sites: Pacer;
}

export interface ReducerDeps {
  state: ProcessorState;
  stored: StoredRows;
  sameLine: SameLine;
  ctx: LiveContext;
  changes: Changes;
  counters: Counters;
  log: Logger;
  now: () => number;
  /** Id of the first commit to number. */
  firstCommitId: number;
  /**
   * Lets the event loop run between slices of a large group (default: one setImmediate turn), so
   * the previous commit's inserts go on (each insert's completion needs the JS thread) instead of
   * waiting for the whole group to be reduced.
   */
  pause?: () => Promise<void>;
}

/** Events reduced between two pauses (~10-20 ms of the JS thread). */
export const REDUCE_SLICE_EVENTS = 2_000;

/** One turn of the event loop: pending I/O completions (a finished insert) run before what follows. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function createReducer(d: ReducerDeps): { reduce(group: ReadMessage[], storedLines: StoredLines | null): Promise<Work> } {
  const { stints, agents, lines } = d.state;
  const pause = d.pause ?? nextTurn;
  let nextCommit = d.firstCommitId;
  return {
    async reduce(group, storedLines) {
      const work: Work = { commitId: nextCommit++, stints: [], sessions: [], pauses: [], events: [], eventsJson: [], dead: [], received: 0 };
      // The live windows and supervisor days take the stints of each slice before a pause: what a
      // publisher tick sees in between is the state after a prefix of the stream, as if the group
      // had been smaller.
      let liveDone = 0;
      const stintsToLive = (): void => {
        const nowS = Math.floor(d.now() / 1000);
        for (; liveDone < work.stints.length; liveDone++) {
          const st = work.stints[liveDone] as (typeof work.stints)[number];
          addLiveStint(d.state.live, st, d.ctx, nowS);
          addSupervisorStint(d.state.days, st, d.ctx.calendar(st.site).tz, nowS);
        }
      };
      let sliceEvents = 0;
      for (const { msg, read } of group) {
        if (sliceEvents >= REDUCE_SLICE_EVENTS) {
          stintsToLive();
          await pause();
          sliceEvents = 0;
        }
        if (!read.ok) {
          d.counters.bad_messages += 1;
          d.log.error({ subject: msg.subject, msg_id: msg.msgId, reason: read.reason }, 'unreadable message skipped');
          continue;
        }
        const { value: body } = read;
        if (msg.subject.startsWith(`${EVENTS_SUBJECT_PREFIX}.`)) {
          const batch = body as EventBatch;
          work.received += batch.events.length;
          sliceEvents += batch.events.length;
          const before = work.events.length;
          for (const ev of batch.events) {
            if (isApplied(stints, ev)) continue; // a redelivered event
            const hash = lineHash(ev);
            if (d.sameLine.seen(ev, hash, storedLines)) continue; // the same line that came another way
            rememberLine(lines, ev, hash, work.commitId);
            for (const r of applyEvent(stints, ev)) if (!d.stored.stints.delete(r.stint_id)) work.stints.push(r);
            const a = applyAgentEvent(agents, ev);
            for (const r of a.sessions) if (!d.stored.sessions.delete(sessionKey(r))) work.sessions.push(r);
            for (const r of a.pauses) if (!d.stored.pauses.delete(pauseKey(r))) work.pauses.push(r);
            work.events.push(ev);
            // A site-wide event (PAUSEALL, QUEUESTART) changes every queue of the site.
            if (ev.queue === 'NONE' || ev.queue === '') markSiteChanged(d.changes.queues, ev.site);
            else markQueueChanged(d.changes.queues, ev.site, ev.queue);
          }
          const applied = work.events.length - before;
          if (applied > 0) markChanged(d.changes.sites, batch.site);
          const whole = applied > 0 && applied === batch.events.length ? eventsBytes(msg.data) : null;
          if (whole) work.eventsJson.push(whole);
          else if (applied > 0) for (let i = before; i < work.events.length; i++) work.eventsJson.push(JSON.stringify(work.events[i]));
        } else if (msg.subject.startsWith(`${DEAD_LETTER_SUBJECT_PREFIX}.`)) {
          for (const row of boundDeadLetters(d.state.rejections, (body as DeadLetterBatch).dead)) work.dead.push(row);
        } else if (msg.subject.startsWith(`${CDR_SUBJECT_PREFIX}.`)) {
          // CDR rows are stored as they are (the funnel reads them from the cdr table); a record at
          // or below its source's offset watermark was applied already (a redelivery).
          d.counters.cdr_batches += 1;
          const records = (body as CdrBatch).records;
          for (const r of records) {
            const fp = eventFingerprint(r.event_id);
            const last = d.state.cdr.get(fp);
            if (last !== undefined && r.offset <= last) continue;
            d.state.cdr.set(fp, r.offset);
            (work.cdr ??= []).push(r);
          }
        } else {
          d.counters.bad_messages += 1;
          d.log.warn({ subject: msg.subject, msg_id: msg.msgId }, 'message on an unknown subject skipped');
        }
      }
      stintsToLive();
      return work;
    },
  };
}
