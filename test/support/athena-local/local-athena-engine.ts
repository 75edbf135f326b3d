import { AthenaLakeEngine, type AthenaLakeEngineOptions } from '../../../src/lake/athena/athena-lake-engine';
import type { AthenaLocalServer } from './athena-local-server';

/** What the tests configure: the `athena` section of AppConfig, pointed at the local server. */
export const LOCAL_ATHENA = { region: 'us-east-1', workGroup: 'c360-test', database: 'c360', outputLocation: 's3://c360-test-results/athena/' };

/**
 * The real adapter on the real SDK, talking to the local server. The credentials are dummies passed
 * explicitly, so the default AWS chain (and any real keys on the machine) is never consulted.
 */
export function localAthenaEngine(server: AthenaLocalServer, options: AthenaLakeEngineOptions = {}): AthenaLakeEngine {
  return AthenaLakeEngine.create(
    { ...LOCAL_ATHENA, endpoint: server.endpoint },
    { credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-secret' }, pollInitialMs: 5, pollMaxMs: 25, ...options },
  );
}
