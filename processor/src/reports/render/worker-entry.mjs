// Entry of a render worker thread: the code base is TypeScript run through tsx's loader (as
// bin/tablero.mjs does), and a worker thread starts without the parent's loader.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
