// The one caller-number mask (conventions "One truth"): the server decides who sees a number,
// and every surface that hides one hides it the same way. Re-exported by ./contract.ts, so the
// dashboard uses it without importing processor internals.

/** Caller numbers keep their last 3 digits for roles that do not need them (`3001234567` -> `*******567`). */
export function maskCaller(caller: string): string {
  if (caller.length <= 3) return '*'.repeat(caller.length);
  return '*'.repeat(caller.length - 3) + caller.slice(-3);
}
