// ClickHouse adapter of the processor: rows in (queue_events, stints, agent intervals, dead
// letters), replay and live-rebuild reads out. Every insert carries a deterministic
// insert_deduplication_token derived from the JetStream batch id, and every table is a
// ReplacingMergeTree keyed by a deterministic id: a redelivered batch inserts nothing new.
import type { CdrRecord, QueueEvent } from '@tablero/ingest/contract';
import { TABLES, type ClickHouse } from '@tablero/sql';
import type { AlertMessage, AlertMetric } from '../contract.ts';
import type { AgentPauseRow, AgentSessionRow } from '../core/agent-state.ts';
import { lineKey } from '../core/line-key.ts';
import { COUNTER_ID_SUFFIX, REJECTION_MEMORY_S, budgetKey, type DeadLetterRow } from '../core/rejections.ts';
import type { StintOutcome, StintRow } from '../core/stint-machine.ts';
import { markStints } from './stint-rollup.ts';
import { FUNNEL_KIND } from '../rollup/funnel-marks.ts';
import { markDirty } from '../rollup/store.ts';
import { fencedInsert, type StoreFence } from './fenced-insert.ts';
import { STINT_COLUMNS, stintsTsv } from './row-format.ts';

export class ProcessorStoreError extends Error {
  override name = 'ProcessorStoreError';
}

/** Numbers come back as JSON numbers or (64-bit) strings depending on the server settings. */
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

const READ_SETTINGS = { output_format_json_quote_64bit_integers: 0 } as const;

/** The rows of the newest commit (migration 013), to recognise them if they are produced again. */
export interface LastCommit {
  /** 0 when nothing was stored with a commit id yet. */
  id: number;
  stintIds: string[];
  /** sessionKey() of each agent session row. */
  sessionKeys: string[];
  /** pauseKey() of each agent pause row. */
  pauseKeys: string[];
}

/** Identity of an agent session row: the sorting key of agent_sessions. */
export const sessionKey = (r: Pick<AgentSessionRow, 'site' | 'agent' | 'start_ts' | 'queue'>): string => `${r.site}\0${r.agent}\0${r.start_ts}\0${r.queue}`;
/** Identity of an agent pause row: the sorting key of agent_pauses. */
export const pauseKey = (r: Pick<AgentPauseRow, 'site' | 'agent' | 'start_ts' | 'queue' | 'reason'>): string =>
  `${r.site}\0${r.agent}\0${r.start_ts}\0${r.queue}\0${r.reason}`;

export interface AcceptedLines {
  site: string;
  source: string;
  /** What the source's stored lines are: queue_log events or CDR rows. */
  kind: 'queue_log' | 'cdr';
  lines: number;
  last_event_s: number;
}

export interface ProcessorStore {
  insertStints(rows: StintRow[], commitId: number, token: string): Promise<void>;
  insertEvents(events: QueueEvent[], token: string): Promise<void>;
  /** Events already serialized as JSON objects (QueueEvent), separated by ',' or newlines (text or UTF-8 bytes). */
  insertEventsJson(json: string | Buffer, token: string): Promise<void>;
  /** false: store events with insertEvents even where the received JSON text could go in as it is (store/bulk-store.ts). */
  passThroughJson?: boolean;
  insertDeadLetters(dead: DeadLetterRow[], token: string): Promise<void>;
  /** CDR rows (migration 090); row identity and dedup are the table's (row_key). */
  insertCdr(records: CdrRecord[], token: string): Promise<void>;
  /** Marks quarters dirty for the funnel rollup, per site (rollup/funnel-marks.ts; generic rollup_marks). */
  markFunnelDirty(quartersBySite: ReadonlyMap<string, readonly number[]>): Promise<void>;
  /** Source fingerprint -> highest byte offset stored in cdr (the CDR redelivery watermark). */
  cdrOffsets(): Promise<Map<string, number>>;
  /** Highest stored dead-letter offset per source fingerprint (rows and counters, core/rejections.ts). */
  deadLetterOffsets(): Promise<Map<string, number>>;
  /**
   * Over the newest 10 minutes of rejections: sample rows stored per `site\0source\0minute` (the
   * budgets in use) and the counter rows, to continue them (core/rejections.ts).
   */
  recentRejections(): Promise<{ rows: Map<string, number>; counters: DeadLetterRow[] }>;
  insertAgentIntervals(sessions: AgentSessionRow[], pauses: AgentPauseRow[], commitId: number, token: string): Promise<void>;
  /**
   * The newest commit id and the keys of its rows; with `sites`, over the rows of those sites only
   * (a partitioned processor numbers the commits of its partition's sites on its own).
   */
  lastCommit(sites?: readonly string[]): Promise<LastCommit>;
  /** Every site with stored stints or agent intervals. */
  sites(): Promise<string[]>;
  /** Source fingerprint -> highest byte offset stored in queue_events. */
  appliedOffsets(): Promise<Map<string, number>>;
  /** Per site: epoch where a replay must start to rebuild every open stint (see service.ts). */
  replayStarts(horizonS: number): Promise<Map<string, number>>;
  /** Stored events of one site from `fromS` on, in log order; returns how many. */
  /** Stored events of a site from fromS (before toS, of these verbs only, when given), FINAL, in log order. */
  replayEvents(site: string, fromS: number, onEvent: (ev: QueueEvent) => void, only?: { toS: number; verbs: readonly string[] }): Promise<number>;
  /**
   * Line keys (core/line-key.ts) of the stored events of `site` between `fromS` and `toS`
   * (inclusive): one query per group of events below the in-memory window. The key is computed
   * from the stored columns by the same function as live.
   */
  storedLineKeys(site: string, fromS: number, toS: number): Promise<Set<string>>;
  /** Stored stints that entered at or after `fromS`. */
  stintsSince(fromS: number): Promise<StintRow[]>;
  /**
   * Accepted lines (stored queue events) per site and source whose time is at or after `sinceS`,
   * with the newest line's own time (the PBX clock): the data quality page's counts.
   */
  acceptedLines(sinceS: number): Promise<AcceptedLines[]>;
  /** Stores an alert's state change (raised: version 0; cleared: version 1 of the same key). */
  insertAlert(a: AlertMessage): Promise<void>;
  /** Alerts raised and not cleared, as their `raised` messages. */
  openAlerts(): Promise<AlertMessage[]>;
  /**
   * After a commit's inserts: throws (FencedError) when the store refused them because another
   * holder claimed the partition (store-side fencing, owned-store.ts). Absent: nothing to check.
   */
  confirm?(): Promise<void>;
}

/**
 * With `fence` (a partition's holder, issue 19), every insert stores its rows only while the
 * holder's epoch is still the partition's newest (store/fenced-insert.ts).
 */
export function createStore(ch: ClickHouse, fence?: StoreFence): ProcessorStore {
  const client = ch.client;
  const fenced = fence ? fencedInsert(ch, fence) : null;
  /**
   * The bulk path: rows serialized here (or passed through as received), parsed natively; TSV
   * (store/row-format.ts) names its columns.
   */
  async function insertJson(table: string, body: string | Buffer, token: string, tsvColumns?: readonly string[]): Promise<void> {
    if (body.length === 0) return;
    try {
      // optimize_on_insert 0: rows are unique by construction; ReplacingMergeTree's collapse of
      // each inserted block is work for nothing (~10 % of the insert).
      // A partition holder's inserts are fenced by the store (JSON rows inside the statement).
      if (fenced) await fenced(table, typeof body === 'string' ? body : body.toString('utf8'), token, false);
      else {
        const settings = { insert_deduplication_token: token, optimize_on_insert: 0 };
        await ch.insertFormatted(table, tsvColumns ? 'TabSeparated' : 'JSONEachRow', body, settings, tsvColumns);
      }
    } catch (err) {
      throw new ProcessorStoreError(`insert into ${table} failed (token ${token})`, { cause: err });
    }
  }
  async function insert(table: string, values: unknown[], token: string): Promise<void> {
    if (values.length === 0) return;
    try {
      if (fenced) await fenced(table, values.map((v) => JSON.stringify(v)).join('\n'), token);
      else await client.insert({ table, values, format: 'JSONEachRow', clickhouse_settings: { insert_deduplication_token: token } });
    } catch (err) {
      throw new ProcessorStoreError(`insert into ${table} failed (token ${token})`, { cause: err });
    }
  }
  async function rows<T>(query: string, query_params: Record<string, unknown> = {}): Promise<T[]> {
    try {
      return await (await client.query({ query, query_params, format: 'JSONEachRow', clickhouse_settings: READ_SETTINGS })).json<T>();
    } catch (err) {
      throw new ProcessorStoreError('query failed', { cause: err });
    }
  }
  return {
    async insertStints(r, commitId, token) {
      if (r.length === 0) return;
      // Exact rollups (store/stint-rollup.ts): the touched quarters are marked dirty before the
      // stints are stored (a crash leaves them dirty) and again after (a rollup job that read the
      // stints meanwhile sees a newer mark). TSV (row-format.ts) unless fenced (JSON in the statement).
      await markStints(ch, r);
      if (fenced) await insertJson(TABLES.stints, r.map((row) => JSON.stringify({ ...row, commit_id: commitId })).join('\n'), token);
      else await insertJson(TABLES.stints, stintsTsv(r, commitId), token, STINT_COLUMNS);
      await markStints(ch, r);
    },
    insertEvents: (e, token) => insertJson(TABLES.queueEvents, e.map((ev) => JSON.stringify(ev)).join('\n'), token),
    insertEventsJson: (json, token) => insertJson(TABLES.queueEvents, json, token),
    insertCdr: (r, token) => insertJson(TABLES.cdr, r.map((rec) => JSON.stringify(rec)).join('\n'), token),
    async markFunnelDirty(marks) {
      for (const [site, quarters] of marks) await markDirty(ch, FUNNEL_KIND, site, quarters);
    },
    async cdrOffsets() {
      const r = await rows<{ fp: string; m: unknown }>(
        `SELECT replaceRegexpOne(event_id, ':[^:]*$', '') AS fp, max(offset) AS m FROM ${TABLES.cdr} GROUP BY fp`,
      );
      return new Map(r.map((x) => [x.fp, num(x.m)]));
    },
    async insertDeadLetters(d, token) {
      // Month partition by month, ascending (as queue_events): an insert is atomic only within one
      // partition, and a crash between two must leave the rejections watermark (highest stored
      // offset per source) below every row not stored yet; rejection times grow with offsets.
      const months = new Map<number, DeadLetterRow[]>();
      for (const row of d) {
        const date = new Date(row.rejected_at * 1000);
        const m = date.getUTCFullYear() * 12 + date.getUTCMonth();
        const list = months.get(m);
        if (list) list.push(row);
        else months.set(m, [row]);
      }
      const keys = [...months.keys()].sort((a, b) => a - b);
      for (const [i, m] of keys.entries()) await insert(TABLES.deadLetters, months.get(m) as DeadLetterRow[], keys.length === 1 ? token : `${token}:${i}`);
    },
    async insertAgentIntervals(sessions, pauses, commitId, token) {
      await insert(
        TABLES.agentSessions,
        sessions.map(({ site, agent, queue, start_ts, end_ts, end_reason }) => ({ site, agent, queue, start_ts, end_ts, end_reason, commit_id: commitId })),
        `${token}:sessions`,
      );
      await insert(TABLES.agentPauses, pauses.map((p) => ({ ...p, commit_id: commitId })), `${token}:pauses`);
    },
    async lastCommit(sites) {
      const where = sites ? 'WHERE site IN {sites:Array(String)}' : '';
      const and = sites ? 'AND site IN {sites:Array(String)}' : '';
      const sp = sites ? { sites: [...sites] } : {};
      const [top] = await rows<{ id: unknown }>(
        `SELECT greatest((SELECT max(commit_id) FROM ${TABLES.stints} ${where}), (SELECT max(commit_id) FROM ${TABLES.agentSessions} ${where}),
                         (SELECT max(commit_id) FROM ${TABLES.agentPauses} ${where})) AS id`,
        sp,
      );
      const id = num(top?.id ?? 0);
      if (id === 0) return { id, stintIds: [], sessionKeys: [], pauseKeys: [] };
      const p = { id, ...sp };
      const stintIds = await rows<{ stint_id: string }>(`SELECT stint_id FROM ${TABLES.stints} WHERE commit_id = {id:UInt64} ${and}`, p);
      const sessions = await rows<{ site: string; agent: string; queue: string; start_ts: unknown }>(
        `SELECT site, agent, queue, toUnixTimestamp(start_ts) AS start_ts FROM ${TABLES.agentSessions} WHERE commit_id = {id:UInt64} ${and}`,
        p,
      );
      const pauses = await rows<{ site: string; agent: string; queue: string; reason: string; start_ts: unknown }>(
        `SELECT site, agent, queue, reason, toUnixTimestamp(start_ts) AS start_ts FROM ${TABLES.agentPauses} WHERE commit_id = {id:UInt64} ${and}`,
        p,
      );
      return {
        id,
        stintIds: stintIds.map((r) => r.stint_id),
        sessionKeys: sessions.map((r) => sessionKey({ ...r, start_ts: num(r.start_ts) })),
        pauseKeys: pauses.map((r) => pauseKey({ ...r, start_ts: num(r.start_ts) })),
      };
    },
    async sites() {
      const r = await rows<{ site: string }>(
        `SELECT DISTINCT site FROM (SELECT DISTINCT site FROM ${TABLES.stints} UNION ALL SELECT DISTINCT site FROM ${TABLES.agentSessions}
                                    UNION ALL SELECT DISTINCT site FROM ${TABLES.agentPauses}) ORDER BY site`,
      );
      return r.map((x) => x.site);
    },
    async deadLetterOffsets() {
      const r = await rows<{ fp: string; m: unknown }>(
        `SELECT replaceRegexpOne(event_id, ':[^:]*$', '') AS fp, max(offset) AS m FROM ${TABLES.deadLetters} GROUP BY fp`,
      );
      return new Map(r.map((x) => [x.fp, num(x.m)]));
    },
    async recentRejections() {
      const recent = `rejected_at >= (SELECT max(rejected_at) FROM ${TABLES.deadLetters}) - ${REJECTION_MEMORY_S}`;
      const [samples, counters] = await Promise.all([
        rows<{ site: string; source: string; m: unknown; n: unknown }>(
          `SELECT site, source, toUnixTimestamp(toStartOfMinute(rejected_at)) AS m, count() AS n FROM ${TABLES.deadLetters}
           WHERE ${recent} AND NOT endsWith(event_id, '${COUNTER_ID_SUFFIX}') GROUP BY site, source, m`,
        ),
        rows<Record<keyof DeadLetterRow, unknown>>(
          `SELECT event_id, site, source, offset, line_no, raw, reason, toUnixTimestamp(rejected_at) AS rejected_at, lines
           FROM ${TABLES.deadLetters} FINAL WHERE ${recent} AND endsWith(event_id, '${COUNTER_ID_SUFFIX}')`,
        ),
      ]);
      return {
        rows: new Map(samples.map((x) => [budgetKey(x.site, x.source, num(x.m)), num(x.n)])),
        counters: counters.map((c) => ({
          event_id: String(c.event_id), site: String(c.site), source: String(c.source), offset: num(c.offset), line_no: num(c.line_no),
          raw: String(c.raw), reason: String(c.reason), rejected_at: num(c.rejected_at), lines: num(c.lines),
        })),
      };
    },
    async appliedOffsets() {
      const r = await rows<{ fp: string; m: unknown }>(
        `SELECT replaceRegexpOne(event_id, ':[^:]*$', '') AS fp, max(offset) AS m FROM ${TABLES.queueEvents} GROUP BY fp`,
      );
      return new Map(r.map((x) => [x.fp, num(x.m)]));
    },
    async replayStarts(horizonS) {
      const r = await rows<{ site: string; max_ts: unknown; last_qs: unknown }>(
        `SELECT site, toUnixTimestamp(max(ts)) AS max_ts,
                toUnixTimestamp(maxIf(ts, verb = 'QUEUESTART' AND NOT custom)) AS last_qs
         FROM ${TABLES.queueEvents} GROUP BY site`,
      );
      return new Map(r.map((x) => [x.site, Math.max(num(x.last_qs), num(x.max_ts) - horizonS)]));
    },
    async replayEvents(site, fromS, onEvent, only) {
      let n = 0;
      try {
        const rs = await client.query({
          query: `SELECT event_id, site, source, offset, toUnixTimestamp(ts) AS ts, callid, queue, agent, verb, custom,
                         wait_s, talk_s, ring_ms, position, orig_position, caller, info, data
                  FROM ${TABLES.queueEvents} FINAL
                  WHERE site = {site:String} AND ts >= toDateTime({from:Int64}, 'UTC')
                    ${only ? "AND ts < toDateTime({to:Int64}, 'UTC') AND verb IN {verbs:Array(String)}" : ''}
                  ORDER BY ts, replaceRegexpOne(event_id, ':[^:]*$', ''), offset`,
          query_params: { site, from: fromS, ...(only ? { to: only.toS, verbs: [...only.verbs] } : {}) },
          format: 'JSONEachRow',
          clickhouse_settings: READ_SETTINGS,
        });
        for await (const batch of rs.stream()) {
          for (const row of batch) {
            const r = row.json<Record<string, unknown>>();
            onEvent({
              event_id: String(r.event_id), site: String(r.site), source: String(r.source), offset: num(r.offset), ts: num(r.ts),
              callid: String(r.callid), queue: String(r.queue), agent: String(r.agent), verb: String(r.verb), custom: Boolean(r.custom),
              wait_s: numOrNull(r.wait_s), talk_s: numOrNull(r.talk_s), ring_ms: numOrNull(r.ring_ms), position: numOrNull(r.position),
              orig_position: numOrNull(r.orig_position), caller: String(r.caller), info: String(r.info), data: (r.data as string[]) ?? [],
            });
            n += 1;
          }
        }
      } catch (err) {
        throw new ProcessorStoreError(`replay of site ${site} failed`, { cause: err });
      }
      return n;
    },
    async storedLineKeys(site, fromS, toS) {
      // Without FINAL: a row not merged yet is the same key twice, which a Set absorbs. The time
      // range alone: a filter on the group's callids cost more to send and apply (measured,
      // 8,000 lines) than the few rows it left out; compact rows parse faster than objects.
      type Row = [number, string, string, string, string, string[]];
      let r: Row[];
      try {
        r = await (
          await client.query({
            query: `SELECT toUnixTimestamp(ts), callid, queue, agent, verb, data FROM ${TABLES.queueEvents}
                    WHERE site = {site:String} AND ts BETWEEN toDateTime({from:Int64}, 'UTC') AND toDateTime({to:Int64}, 'UTC')`,
            query_params: { site, from: fromS, to: toS },
            format: 'JSONCompactEachRow',
            clickhouse_settings: READ_SETTINGS,
          })
        ).json<Row>();
      } catch (err) {
        throw new ProcessorStoreError('stored line keys query failed', { cause: err });
      }
      return new Set(r.map(([ts, callid, queue, agent, verb, data]) => lineKey({ ts: num(ts), callid, queue, agent, verb, data })));
    },
    async insertAlert(a) {
      const cleared = a.state === 'cleared';
      const row = {
        alert_id: a.alert_id, site: a.site, queue: a.queue, metric: a.metric, threshold: a.threshold,
        raised_at: a.raised_at_ms, cleared_at: cleared ? a.cleared_at_ms : null,
        raised_value: a.raised_value, cleared_value: cleared ? a.cleared_value : null, peak_value: a.peak_value,
        version: cleared ? 1 : 0,
      };
      await insert(TABLES.alerts, [row], `alert:${a.alert_id}:${a.state}`);
    },
    async openAlerts() {
      const r = await rows<Record<string, unknown>>(
        `SELECT alert_id, site, queue, metric, threshold, toUnixTimestamp64Milli(raised_at) AS raised_ms, raised_value, peak_value
         FROM ${TABLES.alerts} FINAL WHERE cleared_at IS NULL ORDER BY site, queue, metric`,
      );
      return r.map((x) => ({
        type: 'alert' as const, state: 'raised' as const, alert_id: String(x.alert_id), site: String(x.site), queue: String(x.queue),
        metric: String(x.metric) as AlertMetric, threshold: num(x.threshold),
        raised_value: numOrNull(x.raised_value), cleared_value: null, peak_value: numOrNull(x.peak_value),
        raised_at_ms: num(x.raised_ms), cleared_at_ms: null,
      }));
    },
    async stintsSince(fromS) {
      const r = await rows<Record<string, unknown>>(
        `SELECT stint_id, site, queue, callid, toUnixTimestamp(enter_ts) AS enter_ts, toUnixTimestamp(end_ts) AS end_ts, outcome,
                wait_s, talk_s, agent, caller, transferred, enter_seen, end_event_id
         FROM ${TABLES.stints} FINAL WHERE enter_ts >= toDateTime({from:Int64}, 'UTC')`,
        { from: Math.max(0, fromS) },
      );
      return r.map((x) => ({
        stint_id: String(x.stint_id), site: String(x.site), queue: String(x.queue), callid: String(x.callid),
        enter_ts: num(x.enter_ts), end_ts: num(x.end_ts), outcome: String(x.outcome) as StintOutcome,
        wait_s: numOrNull(x.wait_s), talk_s: numOrNull(x.talk_s), agent: String(x.agent), caller: String(x.caller),
        transferred: Boolean(x.transferred), enter_seen: Boolean(x.enter_seen), end_event_id: String(x.end_event_id),
      }));
    },
    async acceptedLines(sinceS) {
      const r = await rows<Record<string, unknown>>(
        `SELECT site, source, 'queue_log' AS kind, count() AS lines, toUnixTimestamp(max(ts)) AS last_event_s
         FROM ${TABLES.queueEvents} FINAL WHERE ts >= toDateTime({since:Int64}, 'UTC')
         GROUP BY site, source
         UNION ALL
         SELECT site, source, 'cdr' AS kind, count() AS lines, toUnixTimestamp(max(start)) AS last_event_s
         FROM ${TABLES.cdr} FINAL WHERE start >= toDateTime({since:Int64}, 'UTC')
         GROUP BY site, source
         ORDER BY site, source, kind`,
        { since: Math.max(0, sinceS) },
      );
      return r.map((x) => ({
        site: String(x.site), source: String(x.source), kind: x.kind === 'cdr' ? 'cdr' : 'queue_log', lines: num(x.lines), last_event_s: num(x.last_event_s),
      }));
    },
  };
}
