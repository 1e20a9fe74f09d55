// The `tablero` command: the composition root. It parses arguments, reads the configuration and
// wires the services (ingest, processor, dashboard) with a bus and a ClickHouse client.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from './config.ts';
import { UsageError } from './commands/usage.ts';

interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  allowPositionals?: boolean;
  run: (values: Record<string, unknown>, positionals: string[]) => Promise<number>;
}

const commands: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./commands/start.ts')).startCommand,
  ingest: async () => (await import('./commands/services.ts')).ingestCommand,
  processor: async () => (await import('./commands/services.ts')).processorCommand,
  dashboard: async () => (await import('./commands/services.ts')).dashboardCommand,
  simulate: async () => (await import('./commands/simulate.ts')).simulateCommand,
  import: async () => (await import('./commands/import.ts')).importCommand,
  kpis: async () => (await import('./commands/kpis.ts')).kpisCommand,
  funnel: async () => (await import('./commands/funnel.ts')).funnelCommand,
  fcr: async () => (await import('./commands/fcr.ts')).fcrCommand,
  contacts: async () => (await import('./commands/contacts.ts')).contactsCommand,
  calls: async () => (await import('./commands/calls.ts')).callsCommand,
  export: async () => (await import('./commands/export.ts')).exportCommand,
  campaign: async () => (await import('./commands/campaign.ts')).campaignCommand,
  training: async () => (await import('./commands/campaign.ts')).trainingCommand,
  user: async () => (await import('./commands/user.ts')).userCommand,
  kiosk: async () => (await import('./commands/user.ts')).kioskCommand,
  migrate: async () => (await import('./commands/migrate.ts')).migrateCommand,
  audit: async () => (await import('./commands/audit.ts')).auditCommand,
};

async function help(): Promise<string> {
  const lines = ['Tablero: real-time analytics for Asterisk contact centers', '', 'Usage: tablero <command> [options]', ''];
  for (const [name, load] of Object.entries(commands)) {
    const cmd = await load();
    lines.push(`  ${name.padEnd(10)} ${cmd.summary}`);
  }
  lines.push('', 'Run `tablero <command> --help` for the options of one command.');
  return lines.join('\n');
}

/** Runs the CLI and returns the exit code: 0 ok, 1 runtime failure, 2 bad usage or input. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${await help()}\n`);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`tablero: unknown command '${name}' (try 'tablero --help')\n`);
    return 2;
  }
  const cmd = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${cmd.usage}\n`);
    return 0;
  }
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: cmd.options,
      allowPositionals: cmd.allowPositionals ?? false,
      allowNegative: true,
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`tablero ${name}: ${(err as Error).message}\n${cmd.usage}\n`);
    return 2;
  }
  try {
    return await cmd.run(values, positionals);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`tablero ${name}: ${err.message}\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
    process.stderr.write(`tablero ${name}: ${message}${cause}\n`);
    return 1;
  }
}

export type { Command };
