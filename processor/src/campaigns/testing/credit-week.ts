// Test support: the hand-worked campaign "Ofertas de crédito" (2026-03-02 to 03-06, Bogotá,
// UTC-5) read by the core, service, route and browser tests: five listed contacts, outbound CDR
// legs of two agents' phones and a results file. The expected figures are worked out by hand in
// core/figures.test.ts. Not a test file.

/** Epoch seconds of a Bogotá local time on March 2026 (UTC-5, no DST). */
export const bog = (day: number, h: number, m = 0): number => Date.UTC(2026, 2, day, h + 5, m) / 1000;

export const TZ = 'America/Bogota';
export const PREFIXES = ['57', '9'];

export const CONTACTS_CSV = [
  'contact_id;phone;nombre;producto',
  'C1;300 111 2233;Ana Pérez;Libranza',
  'C2;+57 300 222 3344;Luis Gómez;Vivienda',
  'C3;(300) 333-4455;Marta Ruiz;Libre inversión',
  'C4;3004445566;"Rojas; Pedro";Libranza',
  'C5;3005556677;Sofía Díaz;Vivienda',
].join('\r\n');

/** One CDR leg as the processor stores it (the fields the campaign read uses). */
export interface CampaignLeg {
  uid: string;
  channel: string;
  dst: string;
  start: number;
  disposition: 'ANSWERED' | 'NO ANSWER' | 'BUSY' | 'FAILED';
}

export const LEGS: CampaignLeg[] = [
  { uid: 'L1', channel: 'SIP/1001-00000001', dst: '93001112233', start: bog(2, 9), disposition: 'NO ANSWER' },
  { uid: 'L2', channel: 'SIP/1001-00000002', dst: '93001112233', start: bog(3, 10), disposition: 'ANSWERED' },
  { uid: 'L3', channel: 'SIP/1002-00000003', dst: '573002223344', start: bog(2, 11), disposition: 'BUSY' },
  { uid: 'L4', channel: 'SIP/1002-00000004', dst: '3002223344', start: bog(3, 11, 30), disposition: 'ANSWERED' },
  { uid: 'L5', channel: 'SIP/1001-00000005', dst: '3003334455', start: bog(3, 15), disposition: 'ANSWERED' },
  // Not attempts: a Local/ helper leg, a number not on the list, a day after the campaign.
  { uid: 'L6', channel: 'Local/3003334455@out-00000006;1', dst: '3003334455', start: bog(3, 15), disposition: 'ANSWERED' },
  { uid: 'L7', channel: 'SIP/1001-00000007', dst: '3009999999', start: bog(3, 16), disposition: 'ANSWERED' },
  { uid: 'L8', channel: 'SIP/1002-00000008', dst: '3004445566', start: bog(9, 9), disposition: 'ANSWERED' },
];

/** Results recorded by the agents (local Bogotá times), R4 and R5 from a phone the CDR does not see. */
export const RESULTS_CSV = [
  'contact_id,result,at,agent,note',
  'C1,success,2026-03-03 10:02,SIP/1001,acepta la oferta',
  'C2,refused,2026-03-03 11:31,SIP/1002,',
  'C3,wrong_number,2026-03-03 15:05,SIP/1001,no es el titular',
  'C4,no_answer,2026-03-04 09:00,SIP/1002,',
  'C4,callback,2026-03-05 09:00,SIP/1002,llamar el lunes',
].join('\n');
