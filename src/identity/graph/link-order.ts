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
  // Least significant first: place, then time; within each, 16-bit digits from the lowest.
  const digits = [...keyDigits(place), ...keyDigits(time)];
  let order = new Int32Array(count);
  for (let edge = 0; edge < count; edge++) order[edge] = edge;
  let spare = new Int32Array(count);
  const counts = new Int32Array(DIGITS + 1);
  // Each pass reads its digit in the order the passes before it left, and carries the digits still to
  // come along into the new order, so every read is sequential (gathering them, digit[order[i]], read
  // at random). With keyDigits' single pass this took ten million edges from 1.6 s to 1.1 s.
  let pending: Uint16Array[] = digits;
  let moved: Uint16Array[] = digits.slice(1).map(() => new Uint16Array(count));
  while (pending.length > 0) {
    const [digit, ...later] = pending;
    counts.fill(0);
    for (let index = 0; index < count; index++) counts[digit[index] + 1]++;
    for (let value = 1; value <= DIGITS; value++) counts[value] += counts[value - 1];
    const targets = moved.slice(0, later.length);
    for (let index = 0; index < count; index++) {
      const at = counts[digit[index]]++;
      spare[at] = order[index];
      for (let next = 0; next < later.length; next++) targets[next][at] = later[next][index];
    }
    [order, spare] = [spare, order];
    // The arrays just read become the next pass's targets.
    moved = [...later, digit];
    pending = targets;
  }
  sortTies(order, time, place, lo, hi);
  return order;
}

const DIGITS = 1 << 16;
const WORD = 2 ** 32;

/**
 * A key's 16-bit digits, lowest first, leaving out those every edge shares (a pass over them would
 * change nothing). Keys must be integers in [0, 2^53). Which digits vary is noted while they are
 * split off: testing each afterwards with a callback per element cost 0.5 s at ten million edges.
 */
function keyDigits(key: Float64Array): Uint16Array[] {
  const count = key.length;
  const digits = [0, 1, 2, 3].map(() => new Uint16Array(count));
  const [d0, d1, d2, d3] = digits;
  let varies = 0;
  for (let index = 0; index < count; index++) {
    const value = key[index];
    if (!(value >= 0 && value <= Number.MAX_SAFE_INTEGER && Number.isInteger(value))) throw new Error(`link order: key ${value} is not an integer in [0, 2^53)`);
    const low = value % WORD;
    const high = Math.floor(value / WORD);
    d0[index] = low & 0xffff;
    d1[index] = low >>> 16;
    d2[index] = high & 0xffff;
    d3[index] = high >>> 16;
    // Bit k set once digit k of some key differs from the first key's.
    varies |= (d0[index] !== d0[0] ? 1 : 0) | (d1[index] !== d1[0] ? 2 : 0) | (d2[index] !== d2[0] ? 4 : 0) | (d3[index] !== d3[0] ? 8 : 0);
  }
  return digits.filter((_, k) => (varies & (1 << k)) !== 0);
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
