import { identityMapFile } from '../../features/sql/feature-sources';
import type { LakeEngine } from '../../lake/lake-engine.port';
import type { LakeLayout } from '../../lake/lake-layout';
import { sqlString } from '../../lake/lake-relation';
import { featuresOf } from '../definition/segment-condition';
import type { SegmentCatalog } from '../segment-catalog';
import { SegmentsException, SegmentsExceptionCode } from '../segments.exception';
import { SEGMENT_TABLES, segmentPartitionDays, segmentPartitionFile } from '../sql/segment-sources';
import { adEmail, adPhone, hashedIdentifiers, type AdPlatform } from './ad-identifiers';

export interface AudienceExportRequest {
  segmentId: string;
  /** The snapshot day; the newest when absent. */
  date?: string | null;
  platform: AdPlatform;
  /** Health-based audiences may not go to ad platforms unless someone says, on the record, that this one may. */
  allowHealth?: boolean;
  chunkSize?: number;
}

/** One member as an ad platform matches it: hashed identifiers only, plus c360's own pseudonymous id. */
export interface ExportedMember {
  customerId: string;
  emailSha256: string[];
  phoneSha256: string[];
}

export interface AudienceExportSummary {
  segmentId: string;
  date: string;
  platform: AdPlatform;
  members: number;
  exported: number;
  /** Members with neither an email nor a phone: no platform can match them, so they are left out. */
  withoutIdentifiers: number;
}

/**
 * A segment's members of a daily snapshot with their emails and phones from the identity map,
 * normalized and SHA-256 hashed the way the platform expects, streamed in customer order. Plain
 * identifiers never leave this function. A segment whose rule reads health features is refused
 * unless `allowHealth`: Google and Meta forbid targeting on health, and the data is sensitive.
 */
export async function exportAudience(catalog: SegmentCatalog, engine: LakeEngine, layout: LakeLayout, request: AudienceExportRequest, emit: (member: ExportedMember) => Promise<void>): Promise<AudienceExportSummary> {
  const segment = await catalog.get(request.segmentId);
  const health = featuresOf(await catalog.check(segment.definition, segment.id)).filter((feature) => feature.sensitivity === 'health');
  if (health.length > 0 && !request.allowHealth) {
    throw new SegmentsException(
      SegmentsExceptionCode.BAD_ARGUMENT,
      `segment ${segment.id} selects on health features (${health.map((feature) => feature.name).join(', ')}); ad platforms forbid health-based targeting. Pass --allow-health only if this audience may lawfully be sent`,
      { segmentId: segment.id },
    );
  }
  const days = segmentPartitionDays(layout, SEGMENT_TABLES.membership);
  const date = request.date ?? days[days.length - 1];
  if (date === undefined || !days.includes(date)) throw new SegmentsException(SegmentsExceptionCode.NOT_MATERIALIZED, `no segment snapshot${request.date ? ` for ${request.date}` : ''}; run \`c360 segments materialize --date D\` first`);
  const snapshot = sqlString(segmentPartitionFile(layout, SEGMENT_TABLES.membership, date));
  const identities = sqlString(identityMapFile(layout));
  const chunkSize = request.chunkSize ?? 5_000;
  const summary: AudienceExportSummary = { segmentId: segment.id, date, platform: request.platform, members: 0, exported: 0, withoutIdentifiers: 0 };
  let after: string | null = null;
  for (;;) {
    const rows = await engine.query(
      `SELECT m.customer_id,
         coalesce(list(i.id_value) FILTER (WHERE i.id_type = 'email'), []) AS emails,
         coalesce(list(i.id_value) FILTER (WHERE i.id_type = 'phone'), []) AS phones
       FROM read_parquet(${snapshot}) AS m
       LEFT JOIN read_parquet(${identities}) AS i ON i.customer_id = m.customer_id AND i.id_type IN ('email', 'phone')
       WHERE m.segment_id = ? ${after === null ? '' : 'AND m.customer_id > ?'}
       GROUP BY m.customer_id ORDER BY m.customer_id LIMIT ${chunkSize}`,
      after === null ? [segment.id] : [segment.id, after],
    );
    for (const row of rows) {
      const emailSha256 = hashedIdentifiers((row.emails as string[]) ?? [], (raw) => adEmail(raw, request.platform));
      const phoneSha256 = hashedIdentifiers((row.phones as string[]) ?? [], (raw) => adPhone(raw, request.platform));
      summary.members++;
      if (emailSha256.length + phoneSha256.length === 0) {
        summary.withoutIdentifiers++;
        continue;
      }
      summary.exported++;
      await emit({ customerId: String(row.customer_id), emailSha256, phoneSha256 });
    }
    if (rows.length < chunkSize) return summary;
    after = String(rows[rows.length - 1]?.customer_id);
  }
}

/** CSV rows of a member: emails and phones paired up, one row per pair (Customer Match takes several rows per person). */
export function csvRows(member: ExportedMember): string[] {
  const rows = Math.max(member.emailSha256.length, member.phoneSha256.length);
  return Array.from({ length: rows }, (_, index) => `${csvField(member.customerId)},${member.emailSha256[index] ?? ''},${member.phoneSha256[index] ?? ''}`);
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const CSV_HEADER = 'customer_id,email_sha256,phone_sha256';
