// The limits of a KPI query's parameters (GET /api/kpis and the Reports routes): the server
// refuses beyond them (server/core/kpi-query.ts) and the Reports form checks the same before
// asking (src/features/reports/report-model.ts). One definition for both.

/** A site id: 1 to 64 letters, digits, `_` or `-`. */
export const SITE_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_QUEUES = 500;
export const MAX_QUEUE_LENGTH = 128;
