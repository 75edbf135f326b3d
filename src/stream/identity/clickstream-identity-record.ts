import type { Identifier } from '../../identity/identifier';
import type { IdentityRecord } from '../../identity/incremental/identity-record';
import type { TraitIdentifier } from '../../identity/rules/identity-rules';
import { eventTimeMs, isJsonObject, type ClickstreamEvent, type JsonObject } from '../clickstream-event';

/** A JSON value as the lake reads it with json_extract_string: strings as they are, numbers as text. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Explicit traits over the SDK's cached context.traits, as lake processing merges them. */
function traitsOf(event: ClickstreamEvent): JsonObject {
  const context = isJsonObject(event.context) && isJsonObject(event.context.traits) ? event.context.traits : {};
  return { ...context, ...(isJsonObject(event.traits) ? event.traits : {}) };
}

/**
 * The identifiers one clickstream event carries together, exactly as batch stitching reads a
 * processed clickstream row (src/identity/batch/record-identifiers.sql.ts): the user id, an
 * identify's email and phone traits, the device id, the anonymous id, an alias's previous id
 * (the anonymous id the user had), and an identify's configured trait identifiers holding a
 * string (recordSourcesFor). Every event is a record, not only identify and alias: a track that
 * carries both ids links them in batch, so it must link them here too.
 */
export function clickstreamIdentityRecord(event: ClickstreamEvent, traitIdentifiers: readonly TraitIdentifier[] = []): IdentityRecord {
  const identifiers: Identifier[] = [];
  const add = (type: string, value: unknown) => {
    const raw = text(value);
    if (raw !== undefined) identifiers.push({ type, value: raw });
  };
  add('user_id', event.userId);
  if (event.type === 'identify') {
    const traits = traitsOf(event);
    add('email', traits.email);
    add('phone', traits.phone);
  }
  const device = isJsonObject(event.context) && isJsonObject(event.context.device) ? event.context.device.id : undefined;
  add('device_id', device);
  add('anonymous_id', event.anonymousId);
  if (event.type === 'alias' && event.previousId !== event.anonymousId) add('anonymous_id', event.previousId);
  if (event.type === 'identify' && traitIdentifiers.length > 0) {
    const traits = traitsOf(event);
    for (const { type, trait } of traitIdentifiers) {
      const value = traits[trait];
      if (typeof value === 'string') identifiers.push({ type, value });
    }
  }
  return { source: 'clickstream', recordId: event.messageId, time: eventTimeMs(event), identifiers };
}
