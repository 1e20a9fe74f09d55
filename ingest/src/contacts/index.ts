// Contacts of other channels (issue 17): parsing and publishing, for the CLI and the dashboard's push route.
export { contactFromRecord, parseContactCsvHeader, parseContactCsvRow, normalizeChannel, contactVersion, CONTACT_CSV_COLUMNS, type ContactParse } from './parse.ts';
export { createContactPushHandler, importContactFiles, ContactInputError, CONTACT_BATCH_SIZE, type ContactPushRequest, type ContactPublishResult, type ContactImportSummary, type ContactImportOptions } from './publish.ts';
