import { createHash } from 'node:crypto';
import type { Profile } from '../config/app-config';
import type { ConfigProblem } from '../config/config.error';
import { isEventType, type EventType } from './clickstream-event';

/** The write key the embedded profile accepts when none are configured (like the development API key). */
export const DEV_WRITE_KEY = 'c360-dev-write-key';

export interface WriteKeyConfig {
  /** The source's name, for logs and metrics; never the key itself. */
  name: string;
  /** SHA-256 of the key, hex. */
  sha256: string;
}

/** Where the collector publishes, following the RudderStack Kafka destination's topic routing. */
export interface StreamTopics {
  /** Default topic (the destination's "Topic Name"). */
  events: string;
  /** `event_type_to_topic_map`: a call type's own topic. */
  byType: Readonly<Partial<Record<EventType, string>>>;
  /** `event_to_topic_map`: a track event name's own topic; wins over the type's. */
  byEvent: Readonly<Record<string, string>>;
  deadLetters: string;
}

export interface StreamConfig {
  writeKeys: readonly WriteKeyConfig[];
  usingDevWriteKey: boolean;
  /** Largest request body accepted (after gzip decoding), bytes. */
  maxRequestBytes: number;
  /** Events per second per write key; 0 is unlimited. */
  rateLimitPerSecond: number;
  topics: StreamTopics;
  /** Consumer group of the real-time feature consumers. */
  group: string;
  /** Partitions of topics c360 creates. */
  partitions: number;
  /** Whether `c360 serve` also runs the consumers (otherwise `c360 stream consume` does). */
  consumeInServe: boolean;
}

/** The stream variables of EnvironmentVariables, as validated strings. */
export interface StreamVariables {
  C360_WRITE_KEYS?: string;
  C360_COLLECTOR_MAX_REQUEST_BYTES: string;
  C360_COLLECTOR_RATE_LIMIT: string;
  C360_STREAM_TOPIC: string;
  C360_STREAM_TOPICS_BY_TYPE?: string;
  C360_STREAM_TOPICS_BY_EVENT?: string;
  C360_DEAD_LETTER_TOPIC: string;
  C360_STREAM_GROUP: string;
  C360_STREAM_PARTITIONS: string;
  C360_STREAM_CONSUME: string;
}

const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

function integer(env: StreamVariables, variable: keyof StreamVariables, min: number, max: number, problems: ConfigProblem[]): number {
  const text = env[variable] ?? '';
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) problems.push({ variable, expected: `must be an integer between ${min} and ${max}`, got: JSON.stringify(text) });
  return value;
}

function parseWriteKeys(raw: string | undefined, profile: Profile, problems: ConfigProblem[]): { keys: WriteKeyConfig[]; usingDev: boolean } {
  const expected = 'must be a JSON array of {"name","key"} with keys of 16+ characters and distinct names';
  if (raw === undefined || raw.trim() === '') {
    // Production without write keys fails closed: the collector answers 401 to every call (an API
    // that collects nothing is a valid deployment); only the embedded profile gets a development key.
    return profile === 'production' ? { keys: [], usingDev: false } : { keys: [{ name: 'development', sha256: sha256(DEV_WRITE_KEY) }], usingDev: true };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    problems.push({ variable: 'C360_WRITE_KEYS', expected: `${expected} (it is not valid JSON)`, got: '(hidden)' });
    return { keys: [], usingDev: false };
  }
  const entries: unknown[] = Array.isArray(parsed) ? parsed : [];
  const keys = entries.flatMap((entry) => {
    const { name, key } = (entry ?? {}) as { name?: unknown; key?: unknown };
    return typeof name === 'string' && name !== '' && typeof key === 'string' && key.length >= 16 ? [{ name, sha256: sha256(key) }] : [];
  });
  if (entries.length === 0 || keys.length !== entries.length || new Set(keys.map((key) => key.name)).size !== keys.length) {
    problems.push({ variable: 'C360_WRITE_KEYS', expected, got: '(hidden)' });
  }
  return { keys, usingDev: false };
}

/** `a=b,c=d` pairs; names may hold spaces (track event names do), topics may not. */
function parseTopicMap(variable: keyof StreamVariables, raw: string | undefined, problems: ConfigProblem[], isName: (name: string) => boolean): Record<string, string> {
  const map: Record<string, string> = {};
  if (raw === undefined || raw.trim() === '') return map;
  for (const pair of raw.split(',')) {
    const at = pair.lastIndexOf('=');
    const name = pair.slice(0, at).trim();
    const topic = pair.slice(at + 1).trim();
    if (at <= 0 || !isName(name) || !TOPIC.test(topic)) {
      problems.push({ variable, expected: 'must be comma-separated name=topic pairs, topics of [A-Za-z0-9._-]', got: JSON.stringify(raw) });
      return {};
    }
    map[name] = topic;
  }
  return map;
}

function topicName(env: StreamVariables, variable: 'C360_STREAM_TOPIC' | 'C360_DEAD_LETTER_TOPIC', problems: ConfigProblem[]): string {
  if (!TOPIC.test(env[variable])) problems.push({ variable, expected: 'must be a Kafka topic name: 1-249 characters of [A-Za-z0-9._-]', got: JSON.stringify(env[variable]) });
  return env[variable];
}

/** Typed stream configuration; every problem is added to `problems` (load-config reports them all at once). */
export function parseStreamConfig(env: StreamVariables, profile: Profile, problems: ConfigProblem[]): StreamConfig {
  const { keys, usingDev } = parseWriteKeys(env.C360_WRITE_KEYS, profile, problems);
  return {
    writeKeys: keys,
    usingDevWriteKey: usingDev,
    maxRequestBytes: integer(env, 'C360_COLLECTOR_MAX_REQUEST_BYTES', 32 * 1024, 64 * 1024 * 1024, problems),
    rateLimitPerSecond: integer(env, 'C360_COLLECTOR_RATE_LIMIT', 0, 10_000_000, problems),
    topics: {
      events: topicName(env, 'C360_STREAM_TOPIC', problems),
      byType: parseTopicMap('C360_STREAM_TOPICS_BY_TYPE', env.C360_STREAM_TOPICS_BY_TYPE, problems, isEventType),
      byEvent: parseTopicMap('C360_STREAM_TOPICS_BY_EVENT', env.C360_STREAM_TOPICS_BY_EVENT, problems, (name) => name !== ''),
      deadLetters: topicName(env, 'C360_DEAD_LETTER_TOPIC', problems),
    },
    group: env.C360_STREAM_GROUP,
    partitions: integer(env, 'C360_STREAM_PARTITIONS', 1, 1024, problems),
    // C360_STREAM_CONSUME is validated as true|false by its decorator.
    consumeInServe: env.C360_STREAM_CONSUME === 'true',
  };
}

/** Every topic events may be published to, for ensureTopics and for the consumers' subscription. */
export function eventTopics(topics: StreamTopics): string[] {
  return [...new Set([topics.events, ...Object.values(topics.byType), ...Object.values(topics.byEvent)])];
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
