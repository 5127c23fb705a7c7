/** The duration histograms: buckets, and percentiles within 10 % of `percentile_cont`. */
import { BUCKETS, bucketBounds, bucketOf, emptyHistogram, percentile } from './histogram.js';

/** percentile_cont: linear interpolation between the sorted values at rank p·(n−1). */
function exact(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

describe('duration histograms', () => {
  it('puts every duration in the bucket whose bounds hold it', () => {
    for (const seconds of [0, 29, 30, 35, 3600, 86_400, 7_776_000]) {
      const [lo, hi] = bucketBounds(bucketOf(seconds));
      if (bucketOf(seconds) < BUCKETS - 1) expect(seconds >= lo && seconds < hi).toBe(true);
    }
    expect(bucketOf(1e12)).toBe(BUCKETS - 1);
  });

  it('gives medians and p90 within 10 % of the exact ones', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 50; round++) {
      const values = Array.from({ length: 20 + Math.floor(random() * 500) }, () =>
        Math.floor(60 + random() ** 2 * 200_000),
      );
      const hist = emptyHistogram();
      for (const v of values) hist[bucketOf(v)]! += 1;
      for (const p of [0.5, 0.9]) {
        const want = exact(values, p);
        expect(Math.abs(percentile(hist, p)! - want) / want).toBeLessThanOrEqual(0.1);
      }
    }
    expect(percentile(emptyHistogram(), 0.5)).toBeNull();
  });
});
