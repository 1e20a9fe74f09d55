import type { Command } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { waitForStopSignal } from '../runtime.ts';
import { startSimulator } from '@tablero/ingest/simulator';
import { UsageError, intOption, numberOption } from './usage.ts';

export const simulateCommand: Command = {
  summary: 'write a live, realistic queue_log and Master.csv into a directory',
  usage: `Usage: tablero simulate --out DIR [--calls-per-hour N] [--agents N] [--queues N] [--speed X] [--seed N]
  --speed X   simulated seconds per real second (default 1 = real time)`,
  options: {
    out: { type: 'string' },
    'calls-per-hour': { type: 'string' },
    agents: { type: 'string' },
    queues: { type: 'string' },
    speed: { type: 'string' },
    seed: { type: 'string' },
  },
  async run(values) {
    if (typeof values.out !== 'string' || !values.out) throw new UsageError('--out DIR is required');
    const cfg = loadConfig();
    const log = createLogger(cfg.LOG_LEVEL, 'tablero-simulate');
    const sim = await startSimulator({
      outDir: values.out,
      callsPerHour: intOption('calls-per-hour', values['calls-per-hour'], 1),
      agents: intOption('agents', values.agents, 1),
      queues: intOption('queues', values.queues, 1),
      speed: numberOption('speed', values.speed, 0),
      seed: intOption('seed', values.seed, 0),
      log,
    });
    process.stderr.write(`simulating into ${sim.queueLogPath} and ${sim.cdrPath}; Ctrl+C to stop\n`);
    await waitForStopSignal(log);
    await sim.stop();
    const s = sim.stats();
    process.stderr.write(`stopped: ${s.calls} calls, ${s.linesWritten} lines written\n`);
    return 0;
  },
};
