// Summaries of repeated timings for the page benchmarks.
export const round = (x) => Math.round(x * 1000) / 1000;
const sorted = (xs) => [...xs].sort((a, b) => a - b);
export const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
export const quantile = (xs, q) => sorted(xs)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
export const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Median, spread and extremes of `xs` (milliseconds). */
export const summary = (xs) => ({
  runs: xs.length,
  median_ms: round(median(xs)),
  p95_ms: round(quantile(xs, 0.95)),
  p25_ms: round(quantile(xs, 0.25)),
  p75_ms: round(quantile(xs, 0.75)),
  min_ms: round(Math.min(...xs)),
  max_ms: round(Math.max(...xs)),
});
