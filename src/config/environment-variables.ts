import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { IDENTITY_STITCH_MEMORY_LIMIT } from '../identity/identity-config';
import { MEMORY_SIZE_PATTERN } from './memory-size';

/** Per-variable documentation, read by `c360 config --help` and by the validation messages. */
export interface VariableInfo {
  description: string;
  /** Sensitive values are never echoed back in errors or logs. */
  sensitive?: boolean;
}

export const VARIABLE_INFO = new Map<string, VariableInfo>();

function Describe(info: VariableInfo): PropertyDecorator {
  return (_target, property) => {
    VARIABLE_INFO.set(String(property), info);
  };
}

const ADAPTER_MESSAGE = (choices: string[]) => `must be one of ${choices.join(', ')}`;
const LIST = /^[^,\s]+(,[^,\s]+)*$/;

/**
 * Every environment variable c360 reads, validated once at start. Values stay strings here
 * (environment variables are strings); `toAppConfig` turns them into typed configuration, so a
 * bad value is reported exactly as the operator wrote it.
 */
export class EnvironmentVariables {
  @Describe({ description: 'Which adapters to use by default: embedded (one machine) or production (Athena, Cassandra, Kafka, Redis)' })
  @IsIn(['embedded', 'production'], { message: ADAPTER_MESSAGE(['embedded', 'production']) })
  C360_PROFILE = 'embedded';

  @Describe({ description: 'Folder holding all state of the embedded profile' })
  @IsString()
  C360_HOME = './data';

  @Describe({ description: 'Lake root folder (default $C360_HOME/lake)' })
  @IsOptional()
  @IsString()
  C360_LAKE?: string;

  @Describe({ description: 'Lake query engine: duckdb or athena (default from the profile)' })
  @IsOptional()
  @IsIn(['duckdb', 'athena'], { message: ADAPTER_MESSAGE(['duckdb', 'athena']) })
  C360_LAKE_ENGINE?: string;

  @Describe({ description: 'Online store: embedded or cassandra (default from the profile)' })
  @IsOptional()
  @IsIn(['embedded', 'cassandra'], { message: ADAPTER_MESSAGE(['embedded', 'cassandra']) })
  C360_ONLINE_STORE?: string;

  @Describe({ description: 'Event bus: embedded or kafka (default from the profile)' })
  @IsOptional()
  @IsIn(['embedded', 'kafka'], { message: ADAPTER_MESSAGE(['embedded', 'kafka']) })
  C360_EVENT_BUS?: string;

  @Describe({ description: 'Cache: memory or redis (default from the profile)' })
  @IsOptional()
  @IsIn(['memory', 'redis'], { message: ADAPTER_MESSAGE(['memory', 'redis']) })
  C360_CACHE?: string;

  @Describe({ description: 'Address the API listens on' })
  @IsString()
  C360_HOST = '127.0.0.1';

  @Describe({ description: 'Port the API listens on' })
  @Matches(/^\d+$/, { message: 'must be an integer between 1 and 65535' })
  C360_PORT = '3000';

  @Describe({ description: 'Least severe log level written: debug, info, warn or error' })
  @IsIn(['debug', 'info', 'warn', 'error'], { message: ADAPTER_MESSAGE(['debug', 'info', 'warn', 'error']) })
  C360_LOG_LEVEL = 'info';

  @Describe({
    description:
      'API keys as JSON: [{"name":"recsys","key":"…","scopes":["features:read"]}]. Required in production; the embedded profile falls back to a development key',
    sensitive: true,
  })
  @IsOptional()
  @IsString()
  C360_API_KEYS?: string;

  @Describe({ description: 'DuckDB memory limit, e.g. 4GB' })
  @Matches(MEMORY_SIZE_PATTERN, { message: 'must be a size such as 512MB or 4GB' })
  C360_DUCKDB_MEMORY_LIMIT = '4GB';

  @Describe({
    description: `DuckDB memory limit while identity is stitched (\`c360 identity stitch\`, the identity.stitch step); default ${IDENTITY_STITCH_MEMORY_LIMIT}, or C360_DUCKDB_MEMORY_LIMIT if smaller. The stitcher's arrays and DuckDB's overshoot come on top: the whole stitch peaks at 1.6-1.8 times this at 10M identifiers`,
  })
  @IsOptional()
  @Matches(MEMORY_SIZE_PATTERN, { message: 'must be a size such as 512MB or 2000MB' })
  C360_IDENTITY_STITCH_MEMORY_LIMIT?: string;

  @Describe({ description: 'DuckDB worker threads' })
  @Matches(/^\d+$/, { message: 'must be a positive integer' })
  C360_DUCKDB_THREADS = '2';

  @Describe({ description: 'Cassandra contact points, comma-separated host[:port]' })
  @Matches(LIST, { message: 'must be a comma-separated list of host[:port]' })
  C360_CASSANDRA_CONTACT_POINTS = '127.0.0.1:9042';

  @Describe({ description: 'Cassandra local data center' })
  @IsString()
  C360_CASSANDRA_LOCAL_DC = 'datacenter1';

  @Describe({ description: 'Cassandra keyspace' })
  @Matches(/^[a-z][a-z0-9_]{0,47}$/, { message: 'must be a lower-case CQL identifier' })
  C360_CASSANDRA_KEYSPACE = 'c360';

  @Describe({ description: 'Kafka brokers, comma-separated host:port' })
  @Matches(LIST, { message: 'must be a comma-separated list of host:port' })
  C360_KAFKA_BROKERS = '127.0.0.1:9092';

  @Describe({ description: 'Kafka client id' })
  @IsString()
  C360_KAFKA_CLIENT_ID = 'c360';

  @Describe({ description: 'Redis URL', sensitive: true })
  @Matches(/^rediss?:\/\//, { message: 'must be a redis:// or rediss:// URL' })
  C360_REDIS_URL = 'redis://127.0.0.1:6379';

  @Describe({ description: 'Prefix of every Redis key c360 writes' })
  @IsString()
  C360_REDIS_KEY_PREFIX = 'c360:';

  @Describe({ description: 'AWS region of Athena' })
  @IsString()
  AWS_REGION = 'us-east-1';

  @Describe({ description: 'Athena workgroup' })
  @IsString()
  C360_ATHENA_WORKGROUP = 'primary';

  @Describe({ description: 'Athena (Glue) database holding the lake tables' })
  @IsString()
  C360_ATHENA_DATABASE = 'c360';

  @Describe({ description: 'S3 location for Athena query results, s3://bucket/prefix/' })
  @IsOptional()
  @Matches(/^s3:\/\/[a-z0-9.-]+(\/.*)?$/, { message: 'must be an s3://bucket/prefix URL' })
  C360_ATHENA_OUTPUT_LOCATION?: string;

  @Describe({ description: 'Athena endpoint override (tests use a local Athena-protocol server)' })
  @IsOptional()
  @Matches(/^https?:\/\//, { message: 'must be an http(s) URL' })
  C360_ATHENA_ENDPOINT?: string;

  @Describe({
    description:
      'Collector write keys as JSON: [{"name":"web","key":"…"}]; SDKs send one as the Basic-auth user name. Without any, production refuses every call (401) and the embedded profile accepts a development key',
    sensitive: true,
  })
  @IsOptional()
  @IsString()
  C360_WRITE_KEYS?: string;

  @Describe({ description: 'Largest collector request body in bytes, after gzip decoding (Segment and RudderStack allow 500 KB); larger ones get 413' })
  @Matches(/^\d+$/, { message: 'must be an integer' })
  C360_COLLECTOR_MAX_REQUEST_BYTES = '512000';

  @Describe({ description: 'Events per second each write key may send before the collector answers 429 (0: no limit)' })
  @Matches(/^\d+$/, { message: 'must be a non-negative integer' })
  C360_COLLECTOR_RATE_LIMIT = '0';

  @Describe({ description: 'Default topic of accepted events (the RudderStack Kafka destination\'s "Topic Name")' })
  @IsString()
  C360_STREAM_TOPIC = 'c360-events';

  @Describe({ description: 'Topics by call type, e.g. identify=c360-identifies,alias=c360-identifies (RudderStack\'s event_type_to_topic_map)' })
  @IsOptional()
  @IsString()
  C360_STREAM_TOPICS_BY_TYPE?: string;

  @Describe({ description: 'Topics by track event name, e.g. Order Completed=c360-orders (RudderStack\'s event_to_topic_map; wins over the type\'s topic)' })
  @IsOptional()
  @IsString()
  C360_STREAM_TOPICS_BY_EVENT?: string;

  @Describe({ description: 'Topic of dead letters: events refused by the collector or the consumers, with the reason and the original payload' })
  @IsString()
  C360_DEAD_LETTER_TOPIC = 'c360-dead-letters';

  @Describe({ description: 'Consumer group of the real-time feature consumers' })
  @IsString()
  C360_STREAM_GROUP = 'c360-stream-features';

  @Describe({ description: 'Partitions of the topics c360 creates' })
  @Matches(/^\d+$/, { message: 'must be a positive integer' })
  C360_STREAM_PARTITIONS = '3';

  @Describe({ description: 'Whether `c360 serve` also runs the stream consumers (false: run `c360 stream consume` separately)' })
  @IsIn(['true', 'false'], { message: ADAPTER_MESSAGE(['true', 'false']) })
  C360_STREAM_CONSUME = 'true';

  @Describe({ description: 'Extra junk identifier values for identity stitching, comma-separated; /regex/ entries are patterns. Added to the defaults (null, undefined, 0, all-zero UUIDs, test@test.com, …)' })
  @IsOptional()
  @IsString()
  C360_IDENTITY_BLOCKLIST?: string;

  @Describe({ description: 'Identifiers of a type one customer may hold, e.g. email=5,phone=5,device_id=10,anonymous_id=100,*=10 (user_id is always 1)' })
  @IsOptional()
  @IsString()
  C360_IDENTITY_MAX_PER_TYPE?: string;

  @Describe({ description: 'Identifier types strongest first, e.g. user_id,email,phone,device_id,anonymous_id: when a limit would be exceeded the weakest is left out' })
  @IsOptional()
  @IsString()
  C360_IDENTITY_PRIORITY?: string;

  @Describe({ description: 'Identifier types read from identify traits, beside the built-in ones, e.g. loyalty_id=loyaltyCard,member_id=insuranceMemberId (type=trait, comma-separated)' })
  @IsOptional()
  @IsString()
  C360_IDENTITY_TRAIT_IDS?: string;

  @Describe({ description: 'Secret mixed into new customer ids so they do not reveal the identifier they derive from', sensitive: true })
  @IsOptional()
  @IsString()
  C360_IDENTITY_ID_SALT?: string;
}

