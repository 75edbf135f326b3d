import { createHash, timingSafeEqual } from 'node:crypto';
import type { WriteKeyConfig } from '../stream-config';

/** The source a write key belongs to; its name goes to logs and metrics, never the key. */
export interface Source {
  name: string;
}

/** The write key of `Authorization: Basic base64(<writeKey>:)`, as both SDKs send it. */
export function basicAuthUser(authorization: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const user = decoded.split(':', 1)[0];
  return user === '' ? undefined : user;
}

/** Recognizes the configured write keys by their SHA-256 digest, in constant time per key. */
export class WriteKeyAuthenticator {
  private readonly keys: ReadonlyArray<{ digest: Buffer; source: Source }>;

  constructor(keys: readonly WriteKeyConfig[]) {
    this.keys = keys.map((key) => ({ digest: Buffer.from(key.sha256, 'hex'), source: { name: key.name } }));
  }

  authenticate(writeKey: string | undefined): Source | undefined {
    if (writeKey === undefined || writeKey === '') return undefined;
    const digest = createHash('sha256').update(writeKey).digest();
    let found: Source | undefined;
    for (const key of this.keys) if (timingSafeEqual(key.digest, digest)) found = key.source;
    return found;
  }
}
