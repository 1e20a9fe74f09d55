// The one rounding of every figure (kpi-definitions §11): ratios are computed from integers as
// exact fractions and rounded once, half away from zero (half up for the non-negative counts
// and sums of the KPIs), so 201/200 gives 1.01 and -201/200 gives -1.01 where binary floating
// point would give 1 (1.005 is stored as 1.00499999...). KPIs, escalation indicators and quality
// scores all round here.

/** num / den rounded half away from zero to an integer. den must not be 0. */
export function roundDiv(num: bigint, den: bigint): bigint {
  if (den === 0n) throw new RangeError('division by zero');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const neg = num < 0n;
  const a = neg ? -num : num;
  const q = (2n * a + den) / (2n * den);
  return neg ? -q : q;
}

/** num / den as a number with `decimals` decimals, rounded half away from zero; null when den is 0. */
export function ratio(num: bigint | number, den: bigint | number, decimals = 2): number | null {
  const d = BigInt(den);
  if (d === 0n) return null;
  const scale = 10n ** BigInt(decimals);
  return Number(roundDiv(BigInt(num) * scale, d)) / Number(scale);
}

/** A percentage (2 decimals) of two counts; null when den is 0. */
export function pct(num: number, den: number): number | null {
  return ratio(BigInt(num) * 100n, BigInt(den));
}

/** num * scale / den with 2 decimals (the KPI ratios: scale 100 for a percentage); null when den is 0. */
export function ratio2(num: number, den: number, scale = 1): number | null {
  return ratio(BigInt(num) * BigInt(scale), BigInt(den));
}

/** A figure with at most 2 decimals (a score) as integer hundredths, exactly. */
export function toHundredths(x: number): bigint {
  return BigInt(Math.round(x * 100));
}

export function fromHundredths(h: bigint): number {
  return Number(h) / 100;
}
