// Table names, defined once. Migrations in ../migrations create them.
export const TABLES = {
  queueEvents: 'queue_events',
  /** Accepted CDR rows (migration 090). */
  cdr: 'cdr',
  /** The call funnel's rollup rows (migration 123; marks and generations in rollup_marks / rollup_done). */
  funnelRoll: 'funnel_roll',
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
  /** Closed quarters of the quarterly complaints report (migration 104). */
  reportQuarters: 'report_quarters',
  exportRuns: 'export_runs',
  exportSchedules: 'export_schedules',
  /** Escalations (PQRSD tickets, migrations 050-052). */
  ticketEvents: 'ticket_events',
  escalationSettingsVersions: 'escalation_settings_versions',
  escalationAlerts: 'escalation_alerts',
  /** Quality (evaluations, calibration, surveys; migrations 060-065). */
  qaForms: 'qa_forms',
  qaEvaluations: 'qa_evaluations',
  qaSamples: 'qa_samples',
  qaCalibrationSessions: 'qa_calibration_sessions',
  surveyAnswers: 'survey_answers',
  qaTeamMembers: 'qa_team_members',
  qaSettings: 'qa_settings',
  /** Server-side sessions, start and end rows (migration 070). */
  sessions: 'sessions',
  /** Who did what, when and from where (migration 070). */
  auditLog: 'audit_log',
  /** Contacts of other channels and their per-channel settings (migrations 100-101). */
  contacts: 'contacts',
  contactSettingsVersions: 'contact_settings_versions',
  /** Outbound campaigns: campaigns, contact lists, results, settings (migration 106). */
  campaigns: 'campaigns',
  campaignContacts: 'campaign_contacts',
  campaignResults: 'campaign_results',
  campaignSettings: 'campaign_settings',
  /** Training / knowledge test scores per agent (migration 107). */
  trainingScores: 'training_scores',
  /** Exact rollups (migrations 120-122): dirty marks, rolled generations, the stint rollup. */
  rollupMarks: 'rollup_marks',
  rollupDone: 'rollup_done',
  stintRollup: 'stint_rollup',
  /** Epoch (lease revision) of each partition holder, checked by every owned insert (migration 130). */
  partitionFences: 'partition_fences',
} as const;
