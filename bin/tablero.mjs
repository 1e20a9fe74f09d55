#!/usr/bin/env node
// Entry point of the `tablero` command. The code base is TypeScript run through tsx's loader,
// so a checkout runs without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
