// @tablero/processor: what the composition root and other packages use. The live contract
// (snapshots, subjects, KPI rows) is the ./contract subpath; the monthly reports and quality
// monitoring are ./reports and ./quality. The state machines, KPI math and calendars of core/
// stay inside: another package never re-derives a figure (conventions "One truth").
export { startProcessor, ProcessorError, DEFAULT_COMMIT_MESSAGES, type Processor, type ProcessorConfig, type ProcessorDeps, type ProcessorOptions, type ProcessorPartition } from './service.ts';
export { FencedError } from './store/owned-store.ts';
export type { ProcessorBus, ProcessorDurableMessage } from './bus/bus.ts';
// The one KPI read module of the stored path, and the stores behind it.
export { callsCsv, type CallsCsvOptions } from './store/calls-csv.ts';
export { callsXlsx, type CallsXlsxOptions } from './store/calls-xlsx.ts';
export { queryCallStory } from './store/call-story.ts';
export { queryCalls, streamCalls, cursorAfter, CallsQueryError, type CallsReadOptions } from './store/calls-query.ts';
export { queryKpis, queryWaitDistribution, queryAgentPerformance, KpiQueryError, type KpiReadOptions } from './store/kpi-query.ts';
export { createStore, ProcessorStoreError, type AcceptedLines, type ProcessorStore } from './store/store.ts';
export type { StintRow } from './core/stint-machine.ts';
// Versioned definitions (the settings page saves them; the resolver reads them).
export { saveSettingsVersion, saveCalendarVersion, listSettingsVersions, listCalendarVersions, loadCalendars, SettingsError, type SettingsVersion } from './store/settings-store.ts';
export { DEFAULT_QUEUE_SETTINGS, type ProcessorSettings, type QueueSettings } from './core/settings.ts';
export { CalendarError, type SiteCalendarSpec } from './core/calendar.ts';
// Escalations (PQRSD tickets): the service and the queries the dashboard serves.
export { createEscalationsApi, startEscalations, type EscalationsApi, type EscalationsService, type EscalationsDeps, type EscalationsOptions } from './escalations/index.ts';
export { queryFunnel, queryFunnelCalls, type FunnelReadOptions, type FunnelReadPlan } from './store/funnel-query.ts';
export { funnelRollup, rollFunnelAll, sweepFunnel, startFunnelSweeper, type FunnelSweeper } from './rollup/funnel-roll.ts';
export { parseFunnelConfig, type FunnelConfig, type FunnelSettings, type FunnelService, type IvrSource } from './core/funnel.ts';
export { queryFcr, type FcrReadOptions } from './store/fcr-query.ts';
export { parseTypificationSettings, DEFAULT_TYPIFICATION, type TypificationSettings } from './core/typification.ts';
export { startContactConsumer, queryContactKpis, contactAcceptedLines, contactSettingsView, loadContactSettingsVersions, saveContactSettings, contactSettingsAt, DEFAULT_CONTACT_SETTINGS, MAX_CONTACT_THRESHOLD_S, type ContactConsumer, type ContactSettingsVersion, type ContactSettings } from './contacts/index.ts';
export { DAY_S, QUARTER_S, markDirty, quartersOf, readRollupState, rollUpAll, runRollupCycle, splitRange, startRollupJob, type RollupSpec, type RollupState, type Runs } from './rollup/index.ts';
export { STINTS_KIND, markUnrolledStints, stintRollup } from './store/stint-rollup.ts';
