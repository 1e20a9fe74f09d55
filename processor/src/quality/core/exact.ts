// Integer helpers of the quality math (common denominators of form weights). Rounding is in
// core/rounding.ts, the one rounding of every figure.

export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return Math.abs(a);
}

export function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}
