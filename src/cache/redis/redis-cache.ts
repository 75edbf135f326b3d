import { Redis, type RedisOptions } from 'ioredis';
import type { AppConfig } from '../../config/app-config';
import { type Logger, silentLogger } from '../../shared/logger.port';
import { CacheError } from '../cache.error';
import type { Cache, CacheEntry } from '../cache.port';
import { ttlMilliseconds } from '../cache-ttl';

/** Timeouts; the defaults suit a cache in front of a single-digit-millisecond read path. */
export interface RedisCacheOptions {
  /** How long start-up waits for Redis to accept the connection. */
  connectTimeoutMs?: number;
  /** How long one command may take before it fails (and the caller reads the store instead). */
  commandTimeoutMs?: number;
  /** Where connection errors go (callers also see them as rejected commands). */
  logger?: Logger;
}

/** The production cache: Redis through ioredis, every key under `config.redis.keyPrefix`. */
export class RedisCache implements Cache {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly client: Redis,
    private readonly keyPrefix: string,
  ) {}

  /** Connects and waits until Redis answers; rejects with a CacheError naming the (password-free) URL otherwise. */
  static async connect(config: AppConfig['redis'], options: RedisCacheOptions = {}): Promise<RedisCache> {
    const logger = options.logger ?? silentLogger;
    const client = new Redis(config.url, clientOptions(options));
    // Always listen: without a listener ioredis prints raw stack traces to stderr on every failed
    // reconnect. The last error also explains a failed start, as connect() only says "Connection is
    // closed". Reconnects back off to one per 5 s, so an outage logs a bounded number of lines.
    let lastError: Error | undefined;
    client.on('error', (error: Error) => {
      lastError = error;
      logger.warn('redis cache connection error', { url: describeUrl(config.url), error: error.message });
    });
    try {
      await client.connect();
    } catch (error) {
      // Stop ioredis's reconnect loop, or a failed start would keep the process alive.
      client.disconnect();
      const cause = lastError ?? error;
      throw new CacheError(`Redis did not answer at ${describeUrl(config.url)} (C360_REDIS_URL): ${messageOf(cause)}`, { cause });
    }
    return new RedisCache(client, config.keyPrefix);
  }

  async getMany(keys: readonly string[]): Promise<Array<string | undefined>> {
    this.assertOpen();
    if (keys.length === 0) return []; // MGET needs at least one key
    const values = await this.run('MGET', () => this.client.mget(keys.map((key) => this.keyPrefix + key)));
    return values.map((value) => value ?? undefined);
  }

  async setMany(entries: readonly CacheEntry[]): Promise<void> {
    this.assertOpen();
    const ttls = entries.map(ttlMilliseconds); // before sending, so a bad entry writes nothing
    if (entries.length === 0) return;
    // A pipeline, not MULTI: cache fills are independent, so one round trip is all we need and
    // atomicity would only hold Redis longer. PX keeps sub-second TTLs exact, as in memory.
    const pipeline = this.client.pipeline();
    entries.forEach((entry, i) => pipeline.set(this.keyPrefix + entry.key, entry.value, 'PX', ttls[i]));
    const results = await this.run('SET', () => pipeline.exec());
    const failure = results?.find(([error]) => error !== null)?.[0];
    if (failure) throw new CacheError(`Redis SET failed: ${failure.message}`, { cause: failure });
  }

  async delete(keys: readonly string[]): Promise<void> {
    this.assertOpen();
    if (keys.length === 0) return;
    // UNLINK frees values (up to hundreds of KB of JSON) off Redis's main thread, unlike DEL.
    await this.run('UNLINK', () => this.client.unlink(...keys.map((key) => this.keyPrefix + key)));
  }

  close(): Promise<void> {
    // QUIT lets replies in flight arrive; it rejects when Redis is already unreachable (offline
    // queue off), and then dropping the socket is all that is left to do.
    this.closing ??= this.client.quit().then(
      () => undefined,
      () => this.client.disconnect(),
    );
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing) throw new CacheError('the Redis cache is closed');
  }

  /** Runs one command, turning any client error into a CacheError the caller can fall back on. */
  private async run<T>(command: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new CacheError(`Redis ${command} failed: ${messageOf(error)}`, { cause: error });
    }
  }
}

/** Connection settings, each chosen for a look-aside cache on the request path. */
function clientOptions(options: RedisCacheOptions): RedisOptions {
  return {
    // Connect explicitly below, so start-up fails loudly instead of retrying in the background.
    lazyConnect: true,
    // Fail start-up in seconds, not ioredis's default 10 s, when nothing answers.
    connectTimeout: options.connectTimeoutMs ?? 2000,
    // A hung Redis (no RST, e.g. a partition) must not stall requests: past this, reading the
    // store is faster than waiting for the cache.
    commandTimeout: options.commandTimeoutMs ?? 500,
    // Off: we only hand out a connected client, so the queue would matter only while Redis is
    // down, and then a look-aside cache should fail fast (callers fall back to the store)
    // rather than pile up requests in memory and answer them late.
    enableOfflineQueue: false,
    // Commands in flight when the connection drops get one retry after a reconnect (a blip or a
    // failover), then fail; every command we send is idempotent, so a retry is safe.
    maxRetriesPerRequest: 1,
    // Shows up in CLIENT LIST, which helps whoever operates Redis find us.
    connectionName: 'c360-cache',
  };
}

/** The URL without user or password: C360_REDIS_URL is a sensitive variable. */
function describeUrl(url: string): string {
  try {
    const { protocol, host, pathname } = new URL(url);
    return `${protocol}//${host}${pathname}`;
  } catch {
    return '(an unparseable URL)';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
