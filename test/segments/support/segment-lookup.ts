import type { ReferencedSegment, SegmentLookup } from '../../../src/segments/definition/check-definition';

/** Segments by id for the checker, from plain definitions: `{ id: definition }`. */
export function lookupOf(segments: Record<string, unknown>, archived: readonly string[] = []): SegmentLookup {
  return {
    async find(id: string): Promise<ReferencedSegment | undefined> {
      if (!Object.hasOwn(segments, id)) return undefined;
      return { id, version: 1, archived: archived.includes(id), definition: segments[id] };
    },
  };
}
