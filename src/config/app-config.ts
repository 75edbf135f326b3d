import type { IdentityRules } from '../identity/rules/identity-rules';
import type { StreamConfig } from '../stream/stream-config';
import type { Scope } from './scopes';

export type Profile = 'embedded' | 'production';
export type LakeEngineKind = 'duckdb' | 'athena';
export type OnlineStoreKind = 'embedded' | 'cassandra';
export type EventBusKind = 'embedded' | 'kafka';
export type CacheKind = 'memory' | 'redis';

export interface ApiKeyConfig {
  /** A label for logs and audit; never the key itself. */
  name: string;
  /** SHA-256 of the key, hex; keys are compared by digest so they never sit in memory twice. */
  sha256: string;
  scopes: readonly Scope[];
}

/** The validated, typed configuration every module receives. */
export interface AppConfig {
  profile: Profile;
  home: string;
  lakeRoot: string;
  storeDir: string;
  adapters: { lake: LakeEngineKind; store: OnlineStoreKind; bus: EventBusKind; cache: CacheKind };
  http: { host: string; port: number };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  apiKeys: readonly ApiKeyConfig[];
  /** True when no keys were configured and the embedded profile's development key is in use. */
  usingDevKey: boolean;
  /** DuckDB's resources; a stitch opens its engine with identityStitchMemoryLimit instead of memoryLimit. */
  duckdb: { memoryLimit: string; threads: number; identityStitchMemoryLimit: string };
  cassandra: { contactPoints: readonly string[]; localDataCenter: string; keyspace: string };
  kafka: { brokers: readonly string[]; clientId: string };
  redis: { url: string; keyPrefix: string };
  athena: { region: string; workGroup: string; database: string; outputLocation: string; endpoint?: string };
  /** Collector and stream consumers: write keys, limits, topics. */
  stream: StreamConfig;
  /** Identity stitching rules: blocklist, per-type limits, priority. */
  identity: IdentityRules;
}
