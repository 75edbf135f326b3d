import { randomBytes } from 'node:crypto';
import type { FeatureRegistry } from '../features/feature-registry';
import type { Logger } from '../shared/logger.port';
import { checkDefinition, type SegmentLookup } from './definition/check-definition';
import type { CheckedCondition } from './definition/segment-condition';
import { validateFields } from './segment-input';
import { SegmentsException, SegmentsExceptionCode } from './segments.exception';
import type { SegmentAction, SegmentAuditEntry, SegmentContent, SegmentRepository, StoredSegment } from './segment-repository.port';

export interface CreateSegmentRequest {
  /** A readable id (`lapsed-high-value`); minted as `seg_` + 12 hex digits when absent. */
  id?: string | null;
  name: string;
  description?: string | null;
  definition: unknown;
}

export interface UpdateSegmentRequest {
  name?: string | null;
  description?: string | null;
  definition?: unknown;
  /** The version the change is based on; a concurrent change makes it fail with VERSION_CONFLICT instead of being overwritten. */
  expectedVersion?: number | null;
}

export interface SegmentCatalogOptions {
  now?: () => number;
  newId?: () => string;
}

const mintId = (): string => `seg_${randomBytes(6).toString('hex')}`;
const contentOf = (segment: StoredSegment): SegmentContent => ({ name: segment.name, description: segment.description, definition: segment.definition, status: segment.status });

/**
 * The segment definitions: create, change and archive them (each change checked, versioned and
 * audited with who, when, before and after), and look them up with their checked definitions.
 */
export class SegmentCatalog {
  private readonly now: () => number;
  private readonly newId: () => string;

  constructor(
    private readonly repository: SegmentRepository,
    private readonly registry: FeatureRegistry,
    private readonly logger: Logger,
    options: SegmentCatalogOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? mintId;
  }

  /** The segment, archived or not, or undefined. */
  find(id: string): Promise<StoredSegment | undefined> {
    return this.repository.get(id);
  }

  /** The segment; SEGMENT_NOT_FOUND otherwise. */
  async get(id: string): Promise<StoredSegment> {
    const segment = await this.repository.get(id);
    if (!segment) throw new SegmentsException(SegmentsExceptionCode.SEGMENT_NOT_FOUND, `no segment ${JSON.stringify(id)}`, { segmentId: id });
    return segment;
  }

  async list(includeArchived = false): Promise<StoredSegment[]> {
    return (await this.repository.list()).filter((segment) => includeArchived || segment.status === 'active');
  }

  async history(id: string): Promise<SegmentAuditEntry[]> {
    await this.get(id);
    return this.repository.history(id);
  }

  /** The checked form of a definition (features resolved, references inlined); throws with every problem otherwise. */
  check(definition: unknown, self?: string): Promise<CheckedCondition> {
    return checkDefinition(definition, { registry: this.registry, segments: this.lookup(), self });
  }

  async create(request: CreateSegmentRequest, actor: string): Promise<StoredSegment> {
    const fields = validateFields({ id: request.id, name: request.name, description: request.description });
    const id = fields.id ?? this.newId();
    await this.check(request.definition, id);
    const at = new Date(this.now()).toISOString();
    const content: SegmentContent = { name: (fields.name ?? '').trim(), description: fields.description ?? '', definition: request.definition, status: 'active' };
    if (content.name === '') throw new SegmentsException(SegmentsExceptionCode.BAD_ARGUMENT, 'a segment needs a name', { field: 'name' });
    const segment: StoredSegment = { id, ...content, version: 1, createdAt: at, createdBy: actor, updatedAt: at, updatedBy: actor };
    await this.save(segment, 0, 'created', null, actor);
    return segment;
  }

  async update(id: string, request: UpdateSegmentRequest, actor: string): Promise<StoredSegment> {
    const fields = validateFields({ name: request.name, description: request.description });
    const current = await this.get(id);
    if (current.status === 'archived') throw new SegmentsException(SegmentsExceptionCode.SEGMENT_ARCHIVED, `segment ${id} is archived; create a new one instead`, { segmentId: id });
    this.assertVersion(current, request.expectedVersion);
    if (request.definition !== undefined) await this.check(request.definition, id);
    const content: SegmentContent = {
      name: fields.name?.trim() ?? current.name,
      description: fields.description ?? current.description,
      definition: request.definition === undefined ? current.definition : request.definition,
      status: current.status,
    };
    if (JSON.stringify(content) === JSON.stringify(contentOf(current))) return current;
    return this.change(current, content, 'updated', actor);
  }

  async archive(id: string, actor: string, expectedVersion?: number | null): Promise<StoredSegment> {
    const current = await this.get(id);
    if (current.status === 'archived') return current;
    this.assertVersion(current, expectedVersion);
    const users = (await this.list()).filter((other) => other.id !== id && this.references(other.definition, id));
    if (users.length > 0) {
      throw new SegmentsException(SegmentsExceptionCode.SEGMENT_IN_USE, `segment ${id} is used by ${users.map((user) => user.id).join(', ')}; change or archive those first`, { segmentId: id });
    }
    return this.change(current, { ...contentOf(current), status: 'archived' }, 'archived', actor);
  }

  private lookup(): SegmentLookup {
    return {
      find: async (id) => {
        const segment = await this.repository.get(id);
        return segment && { id: segment.id, version: segment.version, archived: segment.status === 'archived', definition: segment.definition };
      },
    };
  }

  /** Whether a stored definition references `id` as a segment (not merely mentions the text). */
  private references(definition: unknown, id: string): boolean {
    if (Array.isArray(definition)) return definition.some((item) => this.references(item, id));
    if (typeof definition !== 'object' || definition === null) return false;
    const node = definition as Record<string, unknown>;
    if (node.segment === id) return true;
    return Object.values(node).some((value) => this.references(value, id));
  }

  private assertVersion(current: StoredSegment, expected: number | null | undefined): void {
    if (expected !== undefined && expected !== null && expected !== current.version) {
      throw new SegmentsException(SegmentsExceptionCode.VERSION_CONFLICT, `segment ${current.id} is at version ${current.version}, not ${expected}; reload it and apply the change again`, {
        segmentId: current.id,
        version: current.version,
      });
    }
  }

  private async change(current: StoredSegment, content: SegmentContent, action: SegmentAction, actor: string): Promise<StoredSegment> {
    const segment: StoredSegment = { ...current, ...content, version: current.version + 1, updatedAt: new Date(this.now()).toISOString(), updatedBy: actor };
    await this.save(segment, current.version, action, contentOf(current), actor);
    return segment;
  }

  private async save(segment: StoredSegment, expectedVersion: number, action: SegmentAction, before: SegmentContent | null, actor: string): Promise<void> {
    const audit: SegmentAuditEntry = { segmentId: segment.id, version: segment.version, action, actor, at: segment.updatedAt, before, after: contentOf(segment) };
    const outcome = await this.repository.save(segment, expectedVersion, audit);
    switch (outcome) {
      case 'saved':
        this.logger.info(`segments: ${action}`, { segmentId: segment.id, version: segment.version, actor });
        return;
      case 'duplicate-id':
        throw new SegmentsException(SegmentsExceptionCode.DUPLICATE_NAME, `a segment with id ${segment.id} exists already`, { segmentId: segment.id });
      case 'duplicate-name':
        throw new SegmentsException(SegmentsExceptionCode.DUPLICATE_NAME, `another segment is named ${JSON.stringify(segment.name)}`, { field: 'name' });
      case 'version-conflict':
        throw new SegmentsException(SegmentsExceptionCode.VERSION_CONFLICT, `segment ${segment.id} changed while this change was made; reload it and apply the change again`, { segmentId: segment.id });
    }
  }
}
