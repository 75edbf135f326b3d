/**
 * When an adapter reads an entity's whole partition and keeps the asked names, instead of looking
 * each name up: from MIN_NAMES names, the whole partition is the cheaper read (one cursor walk in
 * LMDB; one slice instead of one per name in Cassandra, measured at about half the cost for 50 of
 * 51 features either way), unless the partition holds far more features than were asked for.
 */
const MIN_NAMES = 8;
const SLACK = 3;

/**
 * The most rows a whole-partition read of `names` should visit, or undefined when point reads are
 * better. A read that reaches the limit found a wide partition and is redone point by point.
 */
export function wholeEntityReadLimit(names: readonly string[]): number | undefined {
  return names.length >= MIN_NAMES ? SLACK * names.length + MIN_NAMES : undefined;
}
