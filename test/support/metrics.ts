// Test support: one sample of a Prometheus text exposition.

/** The value of the sample line `series value` (series with its labels as printed), or null when absent. */
export function promSample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}
