/**
 * Fixed log-scale histograms of durations (first response, resolution), kept per cell of the
 * daily rollup, so percentiles over months of tickets come from a few thousand rows. Bucket 0
 * holds [0, 30 s); bucket k ≥ 1 holds [30·1.2^(k−1), 30·1.2^k) seconds; the last bucket is open
 * (≈ 90 days and more). Percentiles interpolate inside a bucket: within ±10 % of the exact value.
 */
export const BUCKETS = 70;
const BASE = 30;
const RATIO = 1.2;

export function bucketOf(seconds: number): number {
  if (seconds < BASE) return 0;
  return Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(seconds / BASE) / Math.log(RATIO) + 1e-9));
}

export function bucketBounds(bucket: number): [number, number] {
  if (bucket === 0) return [0, BASE];
  return [BASE * RATIO ** (bucket - 1), BASE * RATIO ** bucket];
}

export function emptyHistogram(): number[] {
  return new Array<number>(BUCKETS).fill(0);
}

export function addHistograms(into: number[], other: readonly number[]): number[] {
  for (let i = 0; i < BUCKETS; i++) into[i] = Number(into[i] ?? 0) + Number(other[i] ?? 0);
  return into;
}

/** The k-th smallest value (0-based), taking each bucket's values as spread evenly over it. */
function valueAt(hist: readonly number[], k: number): number {
  let before = 0;
  for (let b = 0; b < BUCKETS; b++) {
    const c = Number(hist[b] ?? 0);
    if (c === 0) continue;
    if (k < before + c) {
      const [lo, hi] = bucketBounds(b);
      return lo + ((k - before + 0.5) / c) * (hi - lo);
    }
    before += c;
  }
  return NaN;
}

/**
 * The p-th percentile (0..1) in the manner of `percentile_cont`: linear interpolation between
 * the values at ranks ⌊p·(n−1)⌋ and ⌈p·(n−1)⌉, each estimated inside its bucket (so within
 * 10 % of the true value: a bucket spans a factor of 1.2).
 */
export function percentile(hist: readonly number[], p: number): number | null {
  const n = hist.reduce((a, b) => a + Number(b), 0);
  if (n === 0) return null;
  const rank = p * (n - 1);
  const lo = Math.floor(rank);
  const low = valueAt(hist, lo);
  const high = valueAt(hist, Math.ceil(rank));
  return Math.round((low + (high - low) * (rank - lo)) * 100) / 100;
}
