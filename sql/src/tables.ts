// Table names, defined once. Migrations in ../migrations create them.
export const TABLES = {
  queueEvents: 'queue_events',
  stints: 'stints',
  deadLetters: 'dead_letters',
  users: 'users',
  kioskTokens: 'kiosk_tokens',
} as const;
