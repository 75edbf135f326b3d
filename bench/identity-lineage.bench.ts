// What a daily stitch with a store pays to keep merged-away ids leading to their seeds' holders
// (OutputTables.touchedSql: pointer_changes, pointers_after, lineage_after, lineage_links, touched),
// on synthetic tables of a daily run's size: ten million identifiers in `final`, 2.5 million
// customers, of which `--merged` are merged away in chains of one to three, and `--moved` of those
// have had their seed moved to another customer by the lake (each is re-pointed). Each statement
// is timed alone, `--rounds` times; medians are printed as JSON.
//   node dist-x/bench/identity-lineage.bench.js [--identifiers 10000000] [--customers 2500000] [--merged 0,100000] [--moved 1000] [--rounds 3]
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { GraphTables } from '../src/identity/batch/graph-tables.sql';
import { OutputTables } from '../src/identity/batch/output-tables.sql';
import { RECORD_SOURCES, slotLayout } from '../src/identity/batch/record-identifiers.sql';
import { CompiledRules, DEFAULT_RULES } from '../src/identity/rules/identity-rules';
import { DuckDbLakeEngine } from '../src/lake/duckdb/duckdb-lake-engine';

const { values: args } = parseArgs({
  options: {
    identifiers: { type: 'string', default: '10000000' },
    customers: { type: 'string', default: '2500000' },
    merged: { type: 'string', default: '0,100000' },
    moved: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
  },
});
const IDENTIFIERS = Number(args.identifiers);
const CUSTOMERS = Number(args.customers);
const MOVED = Number(args.moved);
const ROUNDS = Number(args.rounds);
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Customer c (0-based) is `c_<c>`, seeded by identifier `a<c>` (anonymous_id), its anchor too. The last `merged`
 * customers are merged away in chains of up to three: the k-th of them into live customer k mod the
 * live count when k is a multiple of 3, else into the one before it. Each one's seed is held by its
 * chain's live end, except the first `moved`, whose seeds customer 0 holds (the lake moved them).
 * The other identifiers are spread over the live customers.
 */
function tablesSql(schema: string, typeCode: (type: string) => number, merged: number): string[] {
  const live = CUSTOMERS - merged;
  const anonymous = typeCode('anonymous_id');
  const k = (column: string) => `(${column} - ${live})`;
  const liveOf = (expr: string) => `((${expr}) % ${Math.max(1, live)})`;
  return [
    `DROP SCHEMA IF EXISTS ${schema} CASCADE`,
    `CREATE SCHEMA ${schema}`,
    `CREATE OR REPLACE TABLE ${schema}.previous_customers AS
      SELECT 'c_' || c AS customer_id, 'anonymous_id' AS seed_type, 'a' || c AS seed_value, c::BIGINT AS first_seen,
        CASE WHEN c < ${live} THEN NULL WHEN ${k('c')} % 3 = 0 THEN 'c_' || ${liveOf(k('c'))} ELSE 'c_' || (c - 1) END AS merged_into,
        1000::BIGINT AS updated_at
      FROM range(${CUSTOMERS}) AS t(c)`,
    `CREATE OR REPLACE TABLE ${schema}.previous_numbered AS SELECT 'c_' || c AS customer_id, c AS previous_index FROM range(${live}) AS t(c)`,
    // Seeds of the live customers, of the merged-away ones (held by their chain's end, or by c_0 when
    // moved), then the other identifiers, spread over the live customers. Nothing moved: no touched rows.
    `CREATE OR REPLACE TABLE ${schema}.final AS
      SELECT i AS node, ${anonymous}::UTINYINT AS type_code, 'a' || i AS id_value, true AS in_lake, i::BIGINT AS first_seen,
        p AS previous_index, p AS final_previous, -1 AS final_seed, 'c_' || p AS customer_id
      FROM (
        SELECT i, CASE WHEN i < ${live} THEN i WHEN i < ${CUSTOMERS} THEN (CASE WHEN ${k('i')} < ${MOVED} THEN 0 ELSE ${liveOf(`${k('i')} - ${k('i')} % 3`)} END) ELSE ${liveOf('i')} END AS p
        FROM range(${Math.max(IDENTIFIERS, CUSTOMERS)}) AS t(i)
      )`,
    // Each merge brought the merged customer's seed, its anchor (see touchedSql), and one more identifier.
    `CREATE OR REPLACE TABLE ${schema}.merge_anchors AS
      SELECT 'c_' || c AS customer_id, 'anonymous_id' AS id_type, v AS id_value
      FROM range(${live}, ${CUSTOMERS}) AS t(c), LATERAL (SELECT unnest(['a' || c, 'x' || c]) AS v)`,
    // Where each anchor is, as GraphTables.newCustomersSql leaves it: kept customers' nodes.
    `CREATE OR REPLACE TABLE ${schema}.anchor_nodes AS
      SELECT a.customer_id, f.final_previous, f.final_seed FROM ${schema}.merge_anchors AS a JOIN ${schema}.final AS f ON f.id_value = a.id_value`,
    `CREATE OR REPLACE TABLE ${schema}.new_customers (seed BIGINT, seed_type VARCHAR, seed_value VARCHAR, first_seen BIGINT, customer_id VARCHAR, revived BOOLEAN)`,
    `CREATE OR REPLACE TABLE ${schema}.merges (edge BIGINT, from_index BIGINT, into_index BIGINT)`,
    `CREATE OR REPLACE TABLE ${schema}.previous_dropped (id_type VARCHAR, id_value VARCHAR, customer_id VARCHAR)`,
  ];
}

async function main(): Promise<void> {
  const lakeRoot = mkdtempSync(path.join(os.tmpdir(), 'c360-bench-lineage-'));
  const engine = await DuckDbLakeEngine.open({ lakeRoot, memoryLimit: '2000MB', threads: 2 });
  try {
    const rules = new CompiledRules(DEFAULT_RULES);
    const typeNames = ['user_id', 'email', 'phone', 'device_id', 'anonymous_id'];
    const graph = new GraphTables('lineage', rules, slotLayout(RECORD_SOURCES, rules), typeNames);
    for (const merged of args.merged.split(',').map(Number)) {
      const started = performance.now();
      for (const sql of tablesSql('lineage', (type) => graph.code(type), merged)) await engine.execute(sql);
      const prepareMs = Math.round(performance.now() - started);
      const outputs = new OutputTables(graph, 'bench');
      const names = ['pointer_changes', 'pointers_after', 'lineage_after', 'lineage_links', 'touched'];
      const ms: number[][] = names.map(() => []);
      let repointed = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const statements = outputs.touchedSql();
        for (const [index, sql] of statements.entries()) {
          const at = performance.now();
          await engine.execute(sql);
          ms[index].push(performance.now() - at);
        }
        const [row] = await engine.query('SELECT count(*) FILTER (WHERE new_into IS NOT NULL) AS n FROM lineage.pointer_changes');
        repointed = Number(row?.n ?? 0);
      }
      console.log(
        JSON.stringify({
          bench: 'identity lineage',
          identifiers: Math.max(IDENTIFIERS, CUSTOMERS),
          customers: CUSTOMERS,
          merged,
          repointed,
          prepareMs,
          medianMs: Object.fromEntries(names.map((name, index) => [name, Math.round(median(ms[index]))])),
          totalMedianMs: Math.round(median(ms[0].map((_, round) => ms.reduce((sum, each) => sum + each[round], 0)))),
        }),
      );
    }
  } finally {
    await engine.close();
    rmSync(lakeRoot, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
