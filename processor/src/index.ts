// @tablero/processor: stint reconstruction, agent state, KPI definitions, live snapshots,
// idempotent ClickHouse writes and KPI queries. Consumers of the snapshots import ./contract only.
export { startProcessor, ProcessorError, type Processor, type ProcessorConfig, type ProcessorDeps, type ProcessorOptions } from './service.ts';
export type { ProcessorBus, ProcessorDurableMessage } from './bus/bus.ts';
export { queryKpis, queryWaitDistribution, queryAgentPerformance, parseBound, KpiQueryError, WAIT_EDGES_S, type KpiReadOptions } from './store/kpi-query.ts';
export { createStore, ProcessorStoreError, type AcceptedLines, type ProcessorStore } from './store/store.ts';
export { applyEvent, createStintState, liveQueueState, stintId, eventFingerprint, type StintRow, type StintState, type StintOutcome, type LiveQueueState } from './core/stint-machine.ts';
export { applyAgentEvent, createAgentState, agentCountsByQueue, agentStatuses, setMemberAlias, type AgentState, type AgentSessionRow, type AgentPauseRow, type AgentStatusRow } from './core/agent-state.ts';
export { addStint, emptySums, figures, mergeSums, ratio2, type KpiSums, type KpiDef } from './core/kpi-math.ts';
export {
  DEFAULT_QUEUE_SETTINGS, defaultProcessorSettings, defaultSiteSettings, queueSettings, mergeQueueSettings, checkQueueSettingsPatch, toDefinition,
  type QueueSettings, type QueueSettingsPatch, type SiteSettings, type ProcessorSettings, type AlertThresholds, type SumsDefinition,
} from './core/settings.ts';
export { createCalendar, defaultCalendar, periodKey, startOfLocalDay, CalendarError, type SiteCalendar, type SiteCalendarSpec, type OpeningRange, type PeriodBy } from './core/calendar.ts';
export * from './contract.ts';
export { saveSettingsVersion, saveCalendarVersion, listSettingsVersions, loadSettings, loadCalendars, SettingsError, type SettingsVersion } from './store/settings-store.ts';
export { agentStatus, type AgentStatus } from './core/agent-state.ts';
export { DEFAULT_ALERT_RULES, evaluateAlerts, createAlertState, type AlertRules, type AlertFigures, type AlertState } from './core/alerts.ts';
// Escalations (PQRSD tickets, issue #7).
export * from './escalations/index.ts';
