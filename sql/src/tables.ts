// Table names, defined once. Migrations in ../migrations create them.
export const TABLES = {
  queueEvents: 'queue_events',
  stints: 'stints',
  deadLetters: 'dead_letters',
  users: 'users',
  kioskTokens: 'kiosk_tokens',
  agentSessions: 'agent_sessions',
  agentPauses: 'agent_pauses',
  settingsVersions: 'settings_versions',
  calendarVersions: 'calendar_versions',
  /** Queue alerts (processor, migration 012). */
  alerts: 'alerts',
  reportMonths: 'report_months',
  exportRuns: 'export_runs',
  exportSchedules: 'export_schedules',
} as const;
