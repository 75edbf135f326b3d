import { after } from 'node:test';
import { AthenaLocalServer } from '../../support/athena-local/athena-local-server';
import { localAthenaEngine } from '../../support/athena-local/local-athena-engine';
import { CONTRACT_FIXTURES, describeLakeEngineContract, type ContractFixture } from '../lake-engine.contract';

// Athena itself cannot be reached from here: the shared suite runs the real adapter and SDK
// against the local server, whose SQL runs on DuckDB.
const servers = new Map<string, Promise<AthenaLocalServer>>();

after(async () => {
  for (const server of servers.values()) await (await server).close();
});

/**
 * In Athena the fixtures would be Glue tables over their S3 folders; the local server's stand-in
 * is a view over the same files, with the column types the contract declares.
 */
function fixtureRelation(fixture: ContractFixture): string {
  const files = `'${fixture.dir}/*'`;
  const columns = Object.entries(fixture.columns)
    .map(([name, type]) => `'${name}': '${type}'`)
    .join(', ');
  switch (fixture.name) {
    case 'parquet':
      return `read_parquet(${files})`;
    case 'csv':
      return `read_csv(${files}, header = true, columns = {${columns}})`;
    case 'json':
      return `read_json(${files}, format = 'newline_delimited', columns = {${columns}})`;
  }
}

async function startServer(lakeRoot: string): Promise<AthenaLocalServer> {
  const server = await AthenaLocalServer.start({ lakeRoot, queuedMs: 5, runningMs: 10 });
  for (const fixture of CONTRACT_FIXTURES) await server.defineTable(`contract_${fixture.name}`, fixtureRelation(fixture));
  return server;
}

describeLakeEngineContract('Athena (real SDK, local Athena-protocol server on DuckDB)', async (lakeRoot) => {
  let server = servers.get(lakeRoot);
  if (!server) {
    server = startServer(lakeRoot);
    servers.set(lakeRoot, server);
  }
  return localAthenaEngine(await server);
});
