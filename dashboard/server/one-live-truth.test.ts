// Guard (conventions "One truth"): agent states and waiting callers come from the processor's
// supervisor view, so no file of the dashboard server reads or folds stored queue events, by
// table name or by the sql package's constant for it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
// Spelled in parts so this file does not name what it looks for.
const NAMES = [['queue', 'events'].join('_'), ['queue', 'Events'].join('')];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('dashboard server', () => {
  it('has source, query and test files to look at', () => {
    const names = files(ROOT).map((f) => relative(ROOT, f));
    expect(names).toContain('routes/supervisor.ts');
    expect(names.filter((n) => n.endsWith('.sql')).length).toBeGreaterThan(0);
  });

  it('never references the stored queue events', () => {
    const offenders = files(ROOT)
      .filter((f) => NAMES.some((n) => readFileSync(f, 'utf8').includes(n)))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });
});
