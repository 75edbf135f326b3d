import { boundsPredicate, type DayBounds } from './day-range';
import { jsonObjectChecks, present, presentIdentifier, utcTimestamp } from './sql-fragments';

/** The RudderStack/Segment call types the processed zone accepts. */
export const CLICKSTREAM_TYPES = ['track', 'page', 'screen', 'identify', 'alias', 'group'] as const;

/** Scalar fields, extracted in one json_extract_string call so each line is parsed once for them. */
const SCALARS = [
  ['message_id', '$.messageId'],
  ['type', '$.type'],
  ['event', '$.event'],
  ['name', '$.name'],
  ['channel', '$.channel'],
  ['anonymous_id', '$.anonymousId'],
  ['user_id', '$.userId'],
  ['previous_id', '$.previousId'],
  ['group_id', '$.groupId'],
  ['timestamp', '$.timestamp'],
  ['original_timestamp', '$.originalTimestamp'],
  ['sent_at', '$.sentAt'],
  ['received_at', '$.receivedAt'],
  ['device_id', '$.context.device.id'],
  ['os_name', '$.context.os.name'],
  ['promotion_id', '$.properties.promotion_id'],
  ['order_id', '$.properties.order_id'],
  ['revenue', '$.properties.revenue'],
] as const;

/** Objects kept as JSON text: free-form, so columns would explode; downstream reads them with json functions. */
const OBJECTS = [
  ['properties', '$.properties'],
  ['traits', '$.traits'],
  ['context_traits', '$.context.traits'],
  ['context', '$.context'],
] as const;

const scalar = (name: (typeof SCALARS)[number][0]): string => `s[${SCALARS.findIndex(([n]) => n === name) + 1}]`;
const object = (name: (typeof OBJECTS)[number][0]): string => `o[${OBJECTS.findIndex(([n]) => n === name) + 1}]`;
const isObject = (json: string): string => `coalesce(json_type(${json}) = 'OBJECT', false)`;

/** Processed clickstream columns, in file order. */
export const CLICKSTREAM_COLUMNS = [
  'message_id',
  'type',
  'event',
  'name',
  'anonymous_id',
  'user_id',
  'previous_id',
  'group_id',
  'event_time',
  'original_timestamp',
  'sent_at',
  'received_at',
  'channel',
  'device_id',
  'os_name',
  'promotion_id',
  'order_id',
  'revenue',
  'properties',
  'traits',
  'context',
] as const;

/** Parses a batch of clickstream lines: flattened columns, plus `reason` for unusable lines. */
export function clickstreamParseSelect(lines: string): string {
  const types = CLICKSTREAM_TYPES.map((t) => `'${t}'`).join(', ');
  return `WITH checked AS (
      SELECT file_seq, line_no, text, ${jsonObjectChecks('text')}
      FROM ${lines}
    ), extracted AS (
      SELECT *,
        CASE WHEN valid_json AND is_object THEN json_extract_string(text, [${SCALARS.map(([, p]) => `'${p}'`).join(', ')}]) END AS s,
        CASE WHEN valid_json AND is_object THEN json_extract(text, [${OBJECTS.map(([, p]) => `'${p}'`).join(', ')}]) END AS o
      FROM checked
    ), typed AS (
      SELECT file_seq, line_no, text, blank, valid_json, is_object,
        ${present(scalar('message_id'))} AS message_id,
        lower(${present(scalar('type'))}) AS type,
        ${present(scalar('event'))} AS event,
        ${present(scalar('name'))} AS name,
        ${present(scalar('channel'))} AS channel,
        ${presentIdentifier(scalar('anonymous_id'))} AS anonymous_id,
        ${presentIdentifier(scalar('user_id'))} AS user_id,
        ${presentIdentifier(scalar('previous_id'))} AS previous_id,
        ${present(scalar('group_id'))} AS group_id,
        ${scalar('timestamp')} AS raw_timestamp,
        ${scalar('original_timestamp')} AS raw_original_timestamp,
        ${utcTimestamp(scalar('timestamp'))} AS parsed_timestamp,
        ${utcTimestamp(scalar('original_timestamp'))} AS original_timestamp,
        ${utcTimestamp(scalar('sent_at'))} AS sent_at,
        ${utcTimestamp(scalar('received_at'))} AS received_at,
        ${presentIdentifier(scalar('device_id'))} AS device_id,
        ${present(scalar('os_name'))} AS os_name,
        ${present(scalar('promotion_id'))} AS promotion_id,
        ${present(scalar('order_id'))} AS order_id,
        try_cast(${scalar('revenue')} AS DOUBLE) AS revenue,
        CASE WHEN ${isObject(object('properties'))} THEN ${object('properties')}::VARCHAR END AS properties,
        -- explicit traits win over the SDK's cached context.traits, as in RudderStack's own merge
        CASE
          WHEN ${isObject(object('traits'))} AND ${isObject(object('context_traits'))}
            THEN json_merge_patch(${object('context_traits')}, ${object('traits')})::VARCHAR
          WHEN ${isObject(object('traits'))} THEN ${object('traits')}::VARCHAR
          WHEN ${isObject(object('context_traits'))} THEN ${object('context_traits')}::VARCHAR
        END AS traits,
        CASE WHEN ${isObject(object('context'))} THEN ${object('context')}::VARCHAR END AS context
      FROM extracted
    ), timed AS (
      SELECT *, coalesce(parsed_timestamp, original_timestamp) AS event_time FROM typed
    )
    SELECT file_seq, line_no,
      ${CLICKSTREAM_COLUMNS.join(', ')},
      strftime(event_time, '%Y-%m-%d') AS dt,
      CASE
        WHEN blank THEN 'blank_line'
        WHEN NOT valid_json THEN 'invalid_json'
        WHEN NOT is_object THEN 'not_an_object'
        WHEN message_id IS NULL THEN 'missing_field:messageId'
        WHEN type IS NULL THEN 'missing_field:type'
        WHEN type NOT IN (${types}) THEN 'unknown_type'
        WHEN event_time IS NULL AND raw_timestamp IS NULL AND raw_original_timestamp IS NULL THEN 'missing_field:timestamp'
        WHEN event_time IS NULL THEN 'unparseable_timestamp'
        WHEN type = 'track' AND event IS NULL THEN 'missing_field:event'
        WHEN type = 'alias' AND previous_id IS NULL THEN 'missing_field:previousId'
        WHEN type = 'group' AND group_id IS NULL THEN 'missing_field:groupId'
        WHEN user_id IS NULL AND anonymous_id IS NULL THEN 'missing_field:userId|anonymousId'
      END AS reason,
      CASE
        WHEN type IS NOT NULL AND type NOT IN (${types}) THEN 'type=' || type
        WHEN event_time IS NULL AND (raw_timestamp IS NOT NULL OR raw_original_timestamp IS NOT NULL)
          THEN 'timestamp=' || coalesce(raw_timestamp, '(absent)') || ', originalTimestamp=' || coalesce(raw_original_timestamp, '(absent)')
      END AS detail
    FROM timed`;
}


/**
 * Events deduplicated by messageId: SDK retries and replays resend the same message, and the copy
 * the server received first is the one that counts (ties: file order, then line). Winners are
 * chosen over everything landed; only then is the event-day range applied. The ranking reads only
 * the narrow key columns, so the window does not carry the wide JSON columns.
 */
export function clickstreamDedupSql(staged: string, losers: string): string {
  return `CREATE OR REPLACE TABLE ${losers} AS
    SELECT file_seq, line_no FROM (
      SELECT file_seq, line_no,
        row_number() OVER (PARTITION BY message_id ORDER BY received_at ASC NULLS LAST, file_seq, line_no) AS copy
      FROM ${staged}
    ) WHERE copy > 1`;
}

export function clickstreamSelectSql(staged: string, losers: string, bounds: DayBounds): string {
  return `SELECT s.* FROM ${staged} AS s
    ANTI JOIN ${losers} AS l ON s.file_seq = l.file_seq AND s.line_no = l.line_no
    WHERE ${boundsPredicate('s.dt', bounds)}`;
}
