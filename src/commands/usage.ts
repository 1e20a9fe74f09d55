/** Bad usage or bad input: the CLI prints the message on one line and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function stringList(v: unknown): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

export function intOption(name: string, v: unknown, min = 0): number | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  if (!/^-?\d+$/.test(s) || Number(s) < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${s}'`);
  return Number(s);
}

export function numberOption(name: string, v: unknown, min = 0): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= min) throw new UsageError(`--${name} must be a number > ${min}, got '${String(v)}'`);
  return n;
}
