// The asteriskcdrdb `cdr` table source: the CDR kind of the database table reader (db-source.ts),
// under the names the first version exported.
import type { IngestBus } from '../bus/port.ts';
import type { Logger } from 'pino';
import { startDbTableSource, type DbTableOptions, type DbTableSource, type DbTableStatus } from './db-source.ts';

export { DbSourceError as CdrDbSourceError, sourceName } from './db-source.ts';
export type CdrDbOptions = Omit<DbTableOptions, 'kind'>;
export type CdrDbStatus = DbTableStatus;
export type CdrDbSource = DbTableSource;

export function startCdrDbSource(deps: { bus: IngestBus; log: Logger }, o: CdrDbOptions): CdrDbSource {
  return startDbTableSource(deps, { ...o, kind: 'cdr' });
}
