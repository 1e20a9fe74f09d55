// A real all-in-one run for the funnel's browser tests: the hand-worked Asterisk 18+ calls
// (processor/src/testing/cdr-legs.ts: the eight calls A-H) written as a Master.csv and a queue_log,
// imported before start, with two services configured (101 and 102, by context and DID, the IVR
// option read from the queue_log).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cdrCsv, funnelLegSets } from '../../processor/src/testing/cdr-legs.ts';
import { runTablero, startTablero, type TableroProcess } from './tablero-process.ts';

/** The two services and a third, 103, that no call reaches (a DID the calls never dial): zero rows. */
export const FUNNEL_SERVICES_WITH_IDLE = JSON.stringify({
  default: {
    services: [
      { service: '101', contexts: ['from-pstn'], dids: ['6014400101'], agent_options: ['0', '2'] },
      { service: '102', contexts: ['from-pstn'], dids: ['6014400102'], agent_options: ['0'] },
      { service: '103', contexts: ['from-pstn'], dids: ['6014400103'], agent_options: ['0'] },
    ],
    ivr: { source: 'queue_log' },
  },
});

export const FUNNEL_SERVICES = JSON.stringify({
  default: {
    services: [
      { service: '101', contexts: ['from-pstn'], dids: ['6014400101'], agent_options: ['0', '2'] },
      { service: '102', contexts: ['from-pstn'], dids: ['6014400102'], agent_options: ['0'] },
    ],
    ivr: { source: 'queue_log' },
  },
});

/** Imports the eight calls starting at `atS` into a fresh data directory and starts `tablero start` on it. */
export async function startFunnelRun(atS: number, env: Record<string, string> = {}): Promise<{ dir: string; tablero: TableroProcess }> {
  const dir = mkdtempSync(join(tmpdir(), 'tablero-funnel-'));
  const { a20 } = funnelLegSets(atS);
  writeFileSync(join(dir, 'Master.csv'), `${a20.legs.map(cdrCsv).join('\n')}\n`);
  writeFileSync(join(dir, 'queue_log'), `${a20.queueLog.join('\n')}\n`);
  const dataDir = join(dir, 'data');
  const imported = await runTablero(['import', join(dir, 'Master.csv'), join(dir, 'queue_log')], { dataDir });
  if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
  const tablero = await startTablero({ args: ['--no-simulate'], dataDir, env: { TABLERO_FUNNEL: FUNNEL_SERVICES, ...env } });
  return { dir, tablero };
}
