/**
 * T5's relative-position buckets, exactly as Hugging Face's `T5Attention._relative_position_bucket` computes them
 * for the relative position key − query. Bidirectional (the encoder) spends half the buckets on each sign;
 * unidirectional (the decoder) keeps only the past (a future key counts as distance 0). Of the n buckets for a
 * distance r, the first n/2 are exact, the rest are log-spaced up to max_distance and clamped there:
 *
 *   bucket(r) = r                                                              r < n/2
 *             = min(n − 1, n/2 + trunc(log(r / (n/2)) / log(max / (n/2)) · (n − n/2)))   otherwise
 *
 * PyTorch runs the log arithmetic in float32 and truncates toward zero; every step below is rounded to float32
 * the same way, so a distance whose exact value lands on a bucket boundary falls on the same side as it does there.
 */

/** The bucket of one relative position (key − query). */
export function relativePositionBucket(relative: number, bidirectional: boolean, numBuckets: number, maxDistance: number): number {
  let buckets = numBuckets;
  let bucket = 0;
  let distance: number;
  if (bidirectional) {
    buckets = Math.floor(buckets / 2);
    if (relative > 0) bucket += buckets;
    distance = Math.abs(relative);
  } else {
    distance = -Math.min(relative, 0);
  }
  const maxExact = Math.floor(buckets / 2);
  if (distance < maxExact) return bucket + distance;
  const f = Math.fround;
  // torch: (log(r.float() / max_exact) / math.log(max_distance / max_exact) * (n − max_exact)).to(long)
  const ratio = f(f(distance) / maxExact);
  const scaled = f(f(f(Math.log(ratio)) / f(Math.log(maxDistance / maxExact))) * (buckets - maxExact));
  const large = maxExact + Math.trunc(scaled);
  return bucket + Math.min(large, buckets - 1);
}

/** bucket[q · keyLength + k] for relative position k − q: the index table of one [query, key] position bias. */
export function relativePositionBuckets(
  queryLength: number,
  keyLength: number,
  bidirectional: boolean,
  numBuckets: number,
  maxDistance: number,
): Int32Array {
  const out = new Int32Array(queryLength * keyLength);
  for (let q = 0; q < queryLength; q++) {
    for (let k = 0; k < keyLength; k++) out[q * keyLength + k] = relativePositionBucket(k - q, bidirectional, numBuckets, maxDistance);
  }
  return out;
}
