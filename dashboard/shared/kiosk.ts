// The label of the kiosk link `tablero start` creates with the first admin. Stored as data (the
// same in every language); the settings page shows it in the user's language.
export const FIRST_START_KIOSK_LABEL = 'wallboard (created at first start)';
