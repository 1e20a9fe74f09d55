// Where the real sample files are (../shared/fixtures/real: outside this repository, read by
// tests only). Beside the repository by default; TABLERO_FIXTURES_DIR overrides it (scripts/test.mjs
// sets it for a clone made elsewhere from a local checkout).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REAL_FIXTURES_DIR = process.env.TABLERO_FIXTURES_DIR ?? fileURLToPath(new URL('../../../shared/fixtures/real/', import.meta.url));

/** Path of one real sample file, by its name in the fixtures folder. */
export const realFixture = (name: string): string => join(REAL_FIXTURES_DIR, name);

/** The real CDR samples (Master.csv by cdr_csv or cdr_custom) and their number of rows (README there). */
export const REAL_CDR_FIXTURES: ReadonlyArray<readonly [name: string, rows: number]> = [
  ['BugaDM__TelephonySwitching__Master.csv', 105],
  ['KelySaina__cdr__Master.csv', 14],
  ['asterisk__testsuite__cdrlib_good.csv', 5],
  ['asterisk__testsuite__self_test_Master.csv', 2],
  ['mineevburyat__dj-asterisk-cdr__Master.csv', 84],
  ['simularent__asterisk-for-speech-to-text__Master.csv', 269],
  ['tejdeepsingh__hackathon2025__Master.csv', 33],
];
