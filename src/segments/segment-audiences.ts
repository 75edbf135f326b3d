import type { LakeEngine } from '../lake/lake-engine.port';
import type { LakeLayout } from '../lake/lake-layout';
import type { OnlineStore } from '../store/online-store.port';
import { featuresDay } from './audience/features-day';
import { MembershipSnapshots, type MembersPage } from './audience/membership-snapshots';
import { DEFAULT_SAMPLE, MAX_SAMPLE, previewSegment, type SegmentPreview } from './audience/preview';
import { readMemberships } from './online/online-memberships';
import type { SegmentCatalog } from './segment-catalog';
import { SegmentsException, SegmentsExceptionCode } from './segments.exception';
import type { StoredSegment } from './segment-repository.port';

export interface PreviewRequest {
  definition: unknown;
  /** The as-of day (default: the newest with materialized features). */
  date?: string | null;
  sample?: number | null;
}

export interface MembershipAnswer {
  member: boolean;
  /** When the membership was last evaluated (ISO-8601), or null when the customer never was. */
  evaluatedAt: string | null;
}

/**
 * Who is in a segment: previews of a definition on the lake, members of the daily snapshot page
 * by page, and single-customer answers from the online store (kept current in real time).
 */
export class SegmentAudiences {
  readonly snapshots: MembershipSnapshots;

  constructor(
    private readonly catalog: SegmentCatalog,
    private readonly engine: LakeEngine,
    private readonly layout: LakeLayout,
    private readonly store: OnlineStore,
  ) {
    this.snapshots = new MembershipSnapshots(engine, layout);
  }

  async preview(request: PreviewRequest): Promise<SegmentPreview> {
    const sample = request.sample ?? DEFAULT_SAMPLE;
    if (!Number.isInteger(sample) || sample < 0 || sample > MAX_SAMPLE) throw new SegmentsException(SegmentsExceptionCode.BAD_ARGUMENT, `sample must be 0-${MAX_SAMPLE}`, { field: 'sample' });
    const checked = await this.catalog.check(request.definition);
    return previewSegment(this.engine, this.layout, checked, featuresDay(this.engine, this.layout, request.date), sample);
  }

  async members(segmentId: string, first: number, after?: string | null, date?: string | null): Promise<MembersPage> {
    await this.catalog.get(segmentId);
    return this.snapshots.members(segmentId, first, after, date);
  }

  async isMember(segmentId: string, customerId: string): Promise<MembershipAnswer> {
    await this.catalog.get(segmentId);
    const membership = (await readMemberships(this.store, [customerId])).get(customerId);
    return { member: membership?.segments.includes(segmentId) ?? false, evaluatedAt: membership ? new Date(membership.eventTime).toISOString() : null };
  }

  /** The active segments a customer is in now, by the online store. */
  async segmentsOf(customerId: string): Promise<StoredSegment[]> {
    const ids = (await readMemberships(this.store, [customerId])).get(customerId)?.segments ?? [];
    const segments = await Promise.all(ids.map((id) => this.catalog.find(id)));
    return segments.filter((segment): segment is StoredSegment => segment !== undefined && segment.status === 'active');
  }
}
