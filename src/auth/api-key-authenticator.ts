import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyConfig } from '../config/app-config';
import type { Principal } from './principal';

/** Turns an `Authorization: Bearer <key>` header into a principal, or undefined when it is not a known key. */
export class ApiKeyAuthenticator {
  private readonly keys: ReadonlyArray<{ digest: Buffer; principal: Principal }>;

  constructor(keys: readonly ApiKeyConfig[]) {
    this.keys = keys.map((key) => ({
      digest: Buffer.from(key.sha256, 'hex'),
      principal: { keyName: key.name, scopes: new Set(key.scopes) },
    }));
  }

  authenticate(authorization: string | undefined): Principal | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match?.[1]) return undefined;
    const digest = createHash('sha256').update(match[1]).digest();
    // Compare against every key in constant time so the response time does not hint at a match.
    let found: Principal | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(key.digest, digest)) found = key.principal;
    }
    return found;
  }
}
