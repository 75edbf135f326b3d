import DataLoader from 'dataloader';
import { MAX_ENTITIES } from '../feature-request';
import type { OnlineFeatureReader } from '../online-feature-reader';
import type { StoredEntity } from '../served-feature';

const EMPTY: StoredEntity = new Map();

// One loader per GraphQL request, keyed by the request's context object: it dies with the
// request (no cross-request cache, so no stale reads or leaks between callers) and needs no
// request-scoped providers, which would rebuild resolvers on every request.
const loaders = new WeakMap<object, DataLoader<string, StoredEntity>>();

/**
 * The request's entity loader: every `features` field resolved in the same tick (say,
 * `customers(ids) { features(names) }`) becomes one reader call, hence one cache round trip and at
 * most one store read. It loads whole entities, so fields asking for different names still share.
 */
export function entityLoaderFor(context: object, reader: OnlineFeatureReader): DataLoader<string, StoredEntity> {
  let loader = loaders.get(context);
  if (!loader) {
    loader = new DataLoader<string, StoredEntity>(
      async (ids) => {
        const loaded = await reader.loadEntities(ids);
        return ids.map((id) => loaded.get(id) ?? EMPTY);
      },
      { maxBatchSize: MAX_ENTITIES },
    );
    loaders.set(context, loader);
  }
  return loader;
}

/** The entities of `ids` through the request's loader; a failed batch fails the field with its error. */
export async function loadThrough(loader: DataLoader<string, StoredEntity>, ids: readonly string[]): Promise<Map<string, StoredEntity>> {
  const loaded = await loader.loadMany(ids);
  const entities = new Map<string, StoredEntity>();
  loaded.forEach((entity, index) => {
    if (entity instanceof Error) throw entity;
    entities.set(ids[index] as string, entity);
  });
  return entities;
}
