// Where the real sample files are (../shared/fixtures/real: outside this repository, read by
// tests only). Beside the repository by default; TABLERO_FIXTURES_DIR overrides it (scripts/test.mjs
// sets it for a clone made elsewhere from a local checkout).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REAL_FIXTURES_DIR = process.env.TABLERO_FIXTURES_DIR ?? fileURLToPath(new URL('../../../shared/fixtures/real/', import.meta.url));

/** Path of one real sample file, by its name in the fixtures folder. */
export const realFixture = (name: string): string => join(REAL_FIXTURES_DIR, name);
