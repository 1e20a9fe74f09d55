// Source kind -> its parser spec.
import { QUEUE_LOG_KIND, type KindSpec, type SourceKind } from './kinds.ts';

export function kindSpec(kind: SourceKind): KindSpec<unknown> {
  switch (kind) {
    case 'queue_log':
      return QUEUE_LOG_KIND as KindSpec<unknown>;
    case 'cdr':
      throw new Error('cdr sources are not supported yet');
  }
}
