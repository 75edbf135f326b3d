import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parse as parseDotenv } from 'dotenv';
import type { ApiKeyConfig, AppConfig, CacheKind, EventBusKind, LakeEngineKind, OnlineStoreKind, Profile } from './app-config';
import { ConfigError, type ConfigProblem } from './config.error';
import { EnvironmentVariables, VARIABLE_INFO } from './environment-variables';
import { isScope, SCOPES } from './scopes';
import { parseStreamConfig } from '../stream/stream-config';
import { IDENTITY_STITCH_MEMORY_LIMIT, parseIdentityConfig } from '../identity/identity-config';
import { memorySizeBytes, smallerMemorySize } from './memory-size';

/** The key the embedded profile accepts when no keys are configured; it lacks `pii:read` on purpose. */
export const DEV_API_KEY = 'c360-dev-key';

type Env = Record<string, string | undefined>;

/** Reads `.env` from `cwd` (if present) beneath the real environment, which wins. */
export function readEnvironment(processEnv: Env = process.env, cwd = process.cwd()): Env {
  const file = path.join(cwd, '.env');
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return { ...fromFile, ...processEnv };
}

function shown(variable: string, value: unknown): string {
  if (value === undefined) return 'nothing';
  return VARIABLE_INFO.get(variable)?.sensitive ? '(hidden)' : JSON.stringify(value);
}

function integerIn(env: EnvironmentVariables, variable: 'C360_PORT' | 'C360_DUCKDB_THREADS', min: number, max: number, problems: ConfigProblem[]): number {
  const value = Number(env[variable]);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push({ variable, expected: `must be an integer between ${min} and ${max}`, got: shown(variable, env[variable]) });
  }
  return value;
}

// Below this DuckDB fails its first statement (out of memory, naming no variable): say so at start instead.
const MIN_MEMORY = '128MB';

function memoryAtLeastMinimum(env: EnvironmentVariables, variable: 'C360_DUCKDB_MEMORY_LIMIT' | 'C360_IDENTITY_STITCH_MEMORY_LIMIT', problems: ConfigProblem[]): void {
  const value = env[variable];
  // A malformed size is reported by its pattern already: its bytes are NaN, below nothing.
  if (value !== undefined && memorySizeBytes(value) < memorySizeBytes(MIN_MEMORY)) problems.push({ variable, expected: `must be at least ${MIN_MEMORY}`, got: shown(variable, value) });
}

function parseApiKeys(raw: string | undefined, profile: Profile, problems: ConfigProblem[]): { keys: ApiKeyConfig[]; usingDevKey: boolean } {
  const expected = `must be a JSON array of {"name","key","scopes"} with scopes among ${SCOPES.join(', ')}`;
  if (raw === undefined || raw.trim() === '') {
    if (profile === 'production') {
      problems.push({ variable: 'C360_API_KEYS', expected: 'is required in the production profile', got: 'nothing' });
      return { keys: [], usingDevKey: false };
    }
    const devScopes = SCOPES.filter((scope) => scope !== 'pii:read');
    return { keys: [{ name: 'development', sha256: sha256(DEV_API_KEY), scopes: devScopes }], usingDevKey: true };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    problems.push({ variable: 'C360_API_KEYS', expected: `${expected} (it is not valid JSON)`, got: '(hidden)' });
    return { keys: [], usingDevKey: false };
  }
  const entries = Array.isArray(parsed) ? parsed : [];
  const keys: ApiKeyConfig[] = [];
  for (const [index, entry] of entries.entries()) {
    const item = entry as { name?: unknown; key?: unknown; scopes?: unknown };
    const scopes = Array.isArray(item.scopes) ? item.scopes : [];
    const badScope = scopes.find((scope) => typeof scope !== 'string' || !isScope(scope));
    if (typeof item.name !== 'string' || typeof item.key !== 'string' || item.key.length < 16 || scopes.length === 0 || badScope !== undefined) {
      const why = badScope !== undefined ? `; entry ${index} has unknown scope ${JSON.stringify(badScope)}` : `; entry ${index} needs a name, a key of 16+ characters and scopes`;
      problems.push({ variable: 'C360_API_KEYS', expected: expected + why, got: '(hidden)' });
      continue;
    }
    keys.push({ name: item.name, sha256: sha256(item.key), scopes: scopes as ApiKeyConfig['scopes'] });
  }
  if (!Array.isArray(parsed) || entries.length === 0) {
    problems.push({ variable: 'C360_API_KEYS', expected, got: '(hidden)' });
  }
  return { keys, usingDevKey: false };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Validates the environment and returns typed configuration, or throws a ConfigError naming
 * every bad variable (all of them at once, so an operator fixes them in one go).
 */
export function loadConfig(rawEnv: Env = readEnvironment()): AppConfig {
  const known = Object.fromEntries(Object.entries(rawEnv).filter(([name]) => VARIABLE_INFO.has(name) && rawEnv[name] !== ''));
  const env = plainToInstance(EnvironmentVariables, known);
  const problems: ConfigProblem[] = validateSync(env, { forbidUnknownValues: true }).map((error) => ({
    variable: error.property,
    expected: Object.values(error.constraints ?? {}).join('; '),
    got: shown(error.property, error.value),
  }));

  const profile = env.C360_PROFILE as Profile;
  const production = profile === 'production';
  const port = integerIn(env, 'C360_PORT', 1, 65535, problems);
  const threads = integerIn(env, 'C360_DUCKDB_THREADS', 1, 256, problems);
  memoryAtLeastMinimum(env, 'C360_DUCKDB_MEMORY_LIMIT', problems);
  memoryAtLeastMinimum(env, 'C360_IDENTITY_STITCH_MEMORY_LIMIT', problems);
  const { keys, usingDevKey } = parseApiKeys(env.C360_API_KEYS, profile, problems);
  const adapters = {
    lake: (env.C360_LAKE_ENGINE ?? (production ? 'athena' : 'duckdb')) as LakeEngineKind,
    store: (env.C360_ONLINE_STORE ?? (production ? 'cassandra' : 'embedded')) as OnlineStoreKind,
    bus: (env.C360_EVENT_BUS ?? (production ? 'kafka' : 'embedded')) as EventBusKind,
    cache: (env.C360_CACHE ?? (production ? 'redis' : 'memory')) as CacheKind,
  };
  if (adapters.lake === 'athena' && !env.C360_ATHENA_OUTPUT_LOCATION) {
    problems.push({ variable: 'C360_ATHENA_OUTPUT_LOCATION', expected: 'is required when the lake engine is athena (s3://bucket/prefix/)', got: 'nothing' });
  }
  const stream = parseStreamConfig(env, profile, problems);
  const identity = parseIdentityConfig(env, production, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const home = path.resolve(env.C360_HOME);
  return {
    profile,
    home,
    lakeRoot: path.resolve(env.C360_LAKE ?? path.join(home, 'lake')),
    storeDir: path.join(home, 'store'),
    adapters,
    http: { host: env.C360_HOST, port },
    logLevel: env.C360_LOG_LEVEL as AppConfig['logLevel'],
    apiKeys: keys,
    usingDevKey,
    duckdb: {
      memoryLimit: env.C360_DUCKDB_MEMORY_LIMIT,
      threads,
      identityStitchMemoryLimit: env.C360_IDENTITY_STITCH_MEMORY_LIMIT ?? smallerMemorySize(IDENTITY_STITCH_MEMORY_LIMIT, env.C360_DUCKDB_MEMORY_LIMIT),
    },
    cassandra: {
      contactPoints: env.C360_CASSANDRA_CONTACT_POINTS.split(','),
      localDataCenter: env.C360_CASSANDRA_LOCAL_DC,
      keyspace: env.C360_CASSANDRA_KEYSPACE,
    },
    kafka: { brokers: env.C360_KAFKA_BROKERS.split(','), clientId: env.C360_KAFKA_CLIENT_ID },
    redis: { url: env.C360_REDIS_URL, keyPrefix: env.C360_REDIS_KEY_PREFIX },
    athena: {
      region: env.AWS_REGION,
      workGroup: env.C360_ATHENA_WORKGROUP,
      database: env.C360_ATHENA_DATABASE,
      outputLocation: env.C360_ATHENA_OUTPUT_LOCATION ?? '',
      endpoint: env.C360_ATHENA_ENDPOINT,
    },
    stream,
    identity,
  };
}
