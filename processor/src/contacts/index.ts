// Contacts of other channels (issue 17): the store consumer, the one KPI read and the settings.
export { startContactConsumer, type ContactConsumer } from './consumer.ts';
export { queryContactKpis, CONTACT_LOOKAHEAD_S } from './contact-query.ts';
export { contactAcceptedLines, contactSettingsView, loadContactSettingsVersions, saveContactSettings, contactSettingsAt, ContactStoreError, type ContactSettingsVersion } from './store/contact-store.ts';
export { DEFAULT_CONTACT_SETTINGS, MAX_CONTACT_THRESHOLD_S, checkContactSettings, type ContactSettings, type ChannelSettings, type ThresholdBasis } from './core/settings.ts';
export { businessDays, businessSeconds, type BusinessDays } from './core/business-time.ts';
