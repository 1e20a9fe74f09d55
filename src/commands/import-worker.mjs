// Entry of the import's worker thread (src/commands/import-thread.ts): the code base is
// TypeScript run through tsx's loader, registered here for this thread as bin/tablero.mjs does.
import { register } from 'tsx/esm/api';

register();
const { runImportThread } = await import('./import-thread.ts');
await runImportThread();
