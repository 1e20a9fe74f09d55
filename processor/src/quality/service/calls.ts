// Answered calls to monitor, as the viewer may see them: other teams' calls hidden from
// supervisors, caller numbers masked unless the viewer sees them in full.
import type { QaCallFacts, QaViewer, QualityApi } from '../contract.ts';
import { maskCaller, recordingUrl } from '../core/calls.ts';
import * as store from '../store/qa-store.ts';
import { sees, type QualityContext } from './context.ts';

const MAX_SEARCH = 500;

export type CallsPart = Pick<QualityApi, 'searchCalls' | 'call'>;

/** A stored call as `viewer` may see it, with its recording link from `template`. */
export function callFacts(c: store.CallRow, viewer: QaViewer, template: string): QaCallFacts {
  return {
    site: c.site,
    callid: c.callid,
    queue: c.queue,
    agent: c.agent,
    enter_ts: c.enter_ts,
    end_ts: c.end_ts,
    wait_s: c.wait_s,
    talk_s: c.talk_s,
    caller: viewer.sees.callerNumbers === 'full' ? c.caller : maskCaller(c.caller),
    transferred: c.transferred,
    recording_url: recordingUrl(template, c),
  };
}

export function callsPart(c: QualityContext): CallsPart {
  const { ch } = c;
  return {
    async searchCalls(q, viewer) {
      const agents = await c.visibleAgents(viewer);
      const limit = Math.min(q.limit ?? 100, MAX_SEARCH);
      const { recording_url_template: template } = await c.settings();
      // Filtered after the query, so a filtered viewer reads the most the query may return.
      const calls = await store.answeredCalls(ch, { ...q, limit: agents === null ? limit : MAX_SEARCH });
      return calls.filter((x) => sees(agents, x.agent)).slice(0, limit).map((x) => callFacts(x, viewer, template));
    },

    async call(callid, site, viewer) {
      const x = await store.answeredCall(ch, callid, site);
      if (!x || !sees(await c.visibleAgents(viewer), x.agent)) return null;
      return callFacts(x, viewer, (await c.settings()).recording_url_template);
    },
  };
}
