// @tablero/processor/campaigns: the outbound campaigns service, for the composition root.
export { createCampaignsService, type CampaignsServiceDeps } from './service.ts';
