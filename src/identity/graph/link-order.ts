/**
 * The order batch stitching applies links in: by first sighting — `time`, then `place` (the lake
 * engine packs source, the record's rank among records sharing its time and source, and the
 * position in the record into it; see LinkKeys) — then by the two nodes. Returns edge indices in
 * that order.
 *
 * A least-significant-digit radix sort on 16-bit digits of the two keys (integers below 2^53),
 * skipping digits every edge shares: three passes over ten million edges for a month of events,
 * where sorting them in the lake engine, with the record ids, cost a quarter of the stitch. Two
 * edges first seen at the same place come only from two records with the same time, source and
 * record id; those runs are sorted by their nodes afterwards.
 */
export function linkOrder(time: Float64Array, place: Float64Array, lo: Int32Array, hi: Int32Array): Int32Array {
  const count = time.length;
  let order = new Int32Array(count);
  for (let edge = 0; edge < count; edge++) order[edge] = edge;
  let spare = new Int32Array(count);
  const counts = new Int32Array(DIGITS + 1);
  // Least significant key first: place, then time; within each, low word then high word.
  for (const key of [place, time]) {
    for (const word of words(key)) {
      for (let shift = 0; shift < 32; shift += 16) {
        if (radixPass(word, shift, order, spare, counts)) [order, spare] = [spare, order];
      }
    }
  }
  sortTies(order, time, place, lo, hi);
  return order;
}

const DIGITS = 1 << 16;
const WORD = 2 ** 32;

/** A key's low and high 32 bits (the high word only when some key reaches it). */
function words(key: Float64Array): Uint32Array[] {
  const low = new Uint32Array(key.length);
  let max = 0;
  for (let index = 0; index < key.length; index++) {
    const value = key[index];
    if (!(value >= 0 && value <= Number.MAX_SAFE_INTEGER && Number.isInteger(value))) throw new Error(`link order: key ${value} is not an integer in [0, 2^53)`);
    low[index] = value % WORD;
    if (value > max) max = value;
  }
  if (max < WORD) return [low];
  const high = new Uint32Array(key.length);
  for (let index = 0; index < key.length; index++) high[index] = Math.floor(key[index] / WORD);
  return [low, high];
}

/** One stable counting pass on the 16-bit digit at `shift` of `word`; false (and nothing written) when every edge has the same digit. */
function radixPass(word: Uint32Array, shift: number, from: Int32Array, to: Int32Array, counts: Int32Array): boolean {
  counts.fill(0);
  const count = from.length;
  for (let index = 0; index < count; index++) counts[((word[from[index]] >>> shift) & 0xffff) + 1]++;
  for (let digit = 1; digit <= DIGITS; digit++) if (counts[digit] === count) return false;
  for (let digit = 1; digit <= DIGITS; digit++) counts[digit] += counts[digit - 1];
  for (let index = 0; index < count; index++) {
    const edge = from[index];
    to[counts[(word[edge] >>> shift) & 0xffff]++] = edge;
  }
  return true;
}

/** Sorts each run of edges with equal (time, place) by (lo, hi). */
function sortTies(order: Int32Array, time: Float64Array, place: Float64Array, lo: Int32Array, hi: Int32Array): void {
  let start = 0;
  for (let index = 1; index <= order.length; index++) {
    const ends = index === order.length || time[order[index]] !== time[order[start]] || place[order[index]] !== place[order[start]];
    if (!ends) continue;
    if (index - start > 1) order.subarray(start, index).sort((a, b) => lo[a] - lo[b] || hi[a] - hi[b]);
    start = index;
  }
}
