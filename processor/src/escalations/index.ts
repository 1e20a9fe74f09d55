// Escalations (PQRSD tickets, issue #7): business-day aging, live snapshots and overdue alerts,
// monthly indicators. Re-exported from the processor's entry point.
export { createEscalationsApi, type EscalationsApi } from './api.ts';
export { startEscalations, type EscalationsService, type EscalationsDeps, type EscalationsOptions } from './service.ts';
export type { EscalationsBus } from './bus.ts';
export {
  queryEscalationSnapshot, queryEscalationTicket, queryEscalationsByCall, queryEscalationMonthly, queryEscalationSettings, escalationModelAt,
  type EscalationQueryOptions, type TicketDetail,
} from './queries.ts';
export { saveEscalationSettings, loadEscalationSettings, TicketStoreError } from './store/ticket-store.ts';
export { checkEscalationSettings, defaultEscalationSettings, type EscalationSettings, type EscalationSettingsPatch } from './core/settings.ts';
export { createBusinessCalendar, dueDate, ageInBusinessDays, BusinessCalendarError, type BusinessCalendar } from './core/business-days.ts';
export { foldTicket, ageTicket, ageBucket, DEFAULT_TERMS, type TicketState, type EscalationTerms } from './core/tickets.ts';
export { MonthError, monthBounds } from './core/model.ts';
export { nationalHolidays, BUNDLED_HOLIDAYS, HOLIDAY_COUNTRIES, type HolidayCountry } from './holidays/bundled.ts';
export type { Holiday } from './holidays/colombia.ts';
