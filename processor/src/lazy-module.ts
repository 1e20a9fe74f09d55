// Heavy libraries loaded on their first use, not when the module that uses them is imported:
// exceljs (~0.4 s to load here), pdfkit with fontkit (~0.12 s) and ECharts (~0.5 s) serve only the
// report and export writers, and `tablero kpis`, `tablero export --format csv` and the live path of
// `tablero start` never need them (issue 18 "Start" and "Memory"). CommonJS builds, so the first
// use loads them synchronously and the writers keep their signatures.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A getter of the CommonJS module `id`, required on the first call. */
export function lazyModule<T>(id: string): () => T {
  let m: T | undefined;
  return () => (m ??= require(id) as T);
}
