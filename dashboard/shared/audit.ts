// The audit trail's actions and their names in Spanish and English: one list for the server (the
// store, the CSV/XLSX files) and the SPA (the audit page), so a new action is named in one place.

export const AUDIT_ACTIONS = [
  // Sign-in (the login throttle counts these).
  'login',
  'login_failed',
  'login_locked',
  'logout',
  // Users.
  'user_created',
  'user_removed',
  'user_disabled',
  'user_enabled',
  'role_changed',
  'password_changed',
  'password_reset',
  'user_queues_changed',
  'user_lang_changed',
  // Access tokens.
  'kiosk_token_created',
  'kiosk_token_revoked',
  'source_tokens_changed',
  // Definitions and calendars.
  'settings_saved',
  'calendar_saved',
  'escalation_settings_saved',
  'contact_settings_saved',
  // Quality.
  'qa_settings_saved',
  'qa_teams_saved',
  'qa_form_published',
  'qa_form_version_published',
  'qa_sample_drawn',
  'qa_evaluation_submitted',
  'qa_evaluation_edited',
  'qa_calibration_created',
  'qa_calibration_scored',
  'training_score_saved',
  'training_scores_imported',
  // Reports.
  'month_closed',
  'quarter_closed',
  'export_schedule_saved',
  // Outbound campaigns.
  'campaign_created',
  'campaign_changed',
  'campaign_contacts_imported',
  'campaign_results_imported',
  'campaign_settings_saved',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export function isAuditAction(s: unknown): s is AuditAction {
  return typeof s === 'string' && (AUDIT_ACTIONS as readonly string[]).includes(s);
}

/** The actions of the users report (ICETEX control: users created, changed and removed). */
export const USER_ACTIONS: readonly AuditAction[] = [
  'user_created', 'user_removed', 'user_disabled', 'user_enabled', 'role_changed', 'password_changed', 'password_reset', 'user_queues_changed', 'user_lang_changed',
];

export const AUDIT_ACTION_NAMES: Record<'es' | 'en', Record<AuditAction, string>> = {
  es: {
    login: 'Inicio de sesión',
    login_failed: 'Inicio de sesión fallido',
    login_locked: 'Bloqueo por intentos fallidos',
    logout: 'Cierre de sesión',
    user_created: 'Usuario creado',
    user_removed: 'Usuario eliminado',
    user_disabled: 'Usuario deshabilitado',
    user_enabled: 'Usuario habilitado',
    role_changed: 'Rol cambiado',
    password_changed: 'Contraseña cambiada por su titular',
    password_reset: 'Contraseña restablecida por un administrador',
    user_queues_changed: 'Colas del usuario cambiadas',
    user_lang_changed: 'Idioma del usuario cambiado',
    kiosk_token_created: 'Enlace de kiosco creado',
    kiosk_token_revoked: 'Enlace de kiosco revocado',
    source_tokens_changed: 'Tokens de fuentes cambiados',
    settings_saved: 'Configuración de cola guardada',
    calendar_saved: 'Calendario de sede guardado',
    escalation_settings_saved: 'Configuración de escalamientos guardada',
    contact_settings_saved: 'Umbrales de canales de contacto guardados',
    qa_settings_saved: 'Configuración de calidad guardada',
    qa_teams_saved: 'Equipos de calidad guardados',
    qa_form_published: 'Formulario de calidad publicado',
    qa_form_version_published: 'Versión de formulario publicada',
    qa_sample_drawn: 'Muestra de calidad sorteada',
    qa_evaluation_submitted: 'Evaluación registrada',
    qa_evaluation_edited: 'Evaluación editada',
    qa_calibration_created: 'Sesión de calibración creada',
    qa_calibration_scored: 'Calificación de calibración registrada',
    training_score_saved: 'Resultado de capacitación registrado',
    training_scores_imported: 'Resultados de capacitación importados',
    month_closed: 'Mes cerrado',
    quarter_closed: 'Trimestre cerrado',
    export_schedule_saved: 'Exportación programada guardada',
    campaign_created: 'Campaña creada',
    campaign_changed: 'Campaña modificada',
    campaign_contacts_imported: 'Lista de contactos de campaña importada',
    campaign_results_imported: 'Resultados de campaña importados',
    campaign_settings_saved: 'Configuración de campañas guardada',
  },
  en: {
    login: 'Login',
    login_failed: 'Failed login',
    login_locked: 'Lockout after failed logins',
    logout: 'Logout',
    user_created: 'User created',
    user_removed: 'User removed',
    user_disabled: 'User disabled',
    user_enabled: 'User enabled',
    role_changed: 'Role changed',
    password_changed: 'Password changed by its owner',
    password_reset: 'Password reset by an administrator',
    user_queues_changed: 'User queues changed',
    user_lang_changed: 'User language changed',
    kiosk_token_created: 'Kiosk link created',
    kiosk_token_revoked: 'Kiosk link revoked',
    source_tokens_changed: 'Source tokens changed',
    settings_saved: 'Queue settings saved',
    calendar_saved: 'Site calendar saved',
    escalation_settings_saved: 'Escalation settings saved',
    contact_settings_saved: 'Contact channel thresholds saved',
    qa_settings_saved: 'Quality settings saved',
    qa_teams_saved: 'Quality teams saved',
    qa_form_published: 'Quality form published',
    qa_form_version_published: 'Form version published',
    qa_sample_drawn: 'Quality sample drawn',
    qa_evaluation_submitted: 'Evaluation submitted',
    qa_evaluation_edited: 'Evaluation edited',
    qa_calibration_created: 'Calibration session created',
    qa_calibration_scored: 'Calibration scoring submitted',
    training_score_saved: 'Training result entered',
    training_scores_imported: 'Training results imported',
    month_closed: 'Month closed',
    quarter_closed: 'Quarter closed',
    export_schedule_saved: 'Export schedule saved',
    campaign_created: 'Campaign created',
    campaign_changed: 'Campaign changed',
    campaign_contacts_imported: 'Campaign contact list imported',
    campaign_results_imported: 'Campaign results imported',
    campaign_settings_saved: 'Campaign settings saved',
  },
};

/** Column headers of the audit files (CSV, XLSX), in their stable order. */
export const AUDIT_FILE_COLUMNS: Record<'es' | 'en', readonly string[]> = {
  es: ['Fecha y hora', 'Quién', 'Código de acción', 'Acción', 'Sobre qué', 'Desde (dirección)', 'Antes', 'Después', 'Otros datos'],
  en: ['Date and time', 'Who', 'Action code', 'Action', 'Target', 'From (address)', 'Before', 'After', 'Other facts'],
};

export const AUDIT_FILE_TITLES: Record<'es' | 'en', { audit: string; users: string; sheet: string }> = {
  es: { audit: 'Registro de auditoría', users: 'Usuarios creados, modificados y eliminados', sheet: 'Auditoría' },
  en: { audit: 'Audit trail', users: 'Users created, changed and removed', sheet: 'Audit' },
};
