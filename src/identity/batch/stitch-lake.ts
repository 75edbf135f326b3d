import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { LakeCatalog } from '../../lake/lake-catalog';
import type { LakeColumns } from '../../lake/lake-columns.port';
import type { LakeEngine } from '../../lake/lake-engine.port';
import type { LakeLayout } from '../../lake/lake-layout';
import { lakeRelation, relationColumnNames } from '../../lake/lake-relation';
import { collectGarbage } from '../../shared/collect-garbage';
import { DomainError } from '../../shared/domain-error';
import { settleAll } from '../../shared/settle-all';
import { silentLogger, type Logger } from '../../shared/logger.port';
import { identityTableFile, type IdentityTable } from '../identity-tables';
import type { IdentityStore } from '../identity-store.port';
import { isIdentifierType } from '../identifier';
import { typeRoles } from '../graph/type-roles';
import type { TypeRoles } from '../graph/constrained-union-find';
import { CompiledRules, DEFAULT_RULES, type IdentityRules } from '../rules/identity-rules';
import { duckDbIdentifierHashSql, GraphTables, loadPreviousSql, previousTypesSql, type IdentifierHashSql } from './graph-tables.sql';
import { LinkKeys, type RecordBounds } from './link-keys';
import { OutputTables } from './output-tables.sql';
import { exportPreviousState } from './previous-state';
import { blockedTableSql, emptyRecordsSql, recordSourcesFor, recordsSelectSql, recordsTableSql, slotLayout } from './record-identifiers.sql';
import type { StitcherInput, StitcherResult } from './run-stitcher';
import { runStitcherInWorker } from './run-stitcher-in-worker';
import { withStitchWorkspace, type StitchWorkspace } from './stitch-workspace';
import { syncStore, type StoreSyncSummary } from './store-sync';

export interface StitchLakeOptions {
  /** Where the previous assignment comes from and the result goes; without one, every customer is new and nothing is stored. */
  store?: IdentityStore;
  rules?: IdentityRules;
  logger?: Logger;
  now?: () => number;
  /** How identifiers are hashed into join keys; tests substitute a weak hash to exercise the rehash on a collision. */
  identifierHashSql?: IdentifierHashSql;
}

export interface StitchSummary {
  records: number;
  identifiers: number;
  edges: number;
  customers: number;
  newCustomers: number;
  keptCustomers: number;
  /** Customers merged away until now that the lake split off again: they continue under their own id (see newCustomersSql). */
  revivedCustomers: number;
  mergedCustomers: number;
  /**
   * Links the rules refused: the lake's by reason; store-only identifiers kept from the customer the
   * store gave them (attachStoreOnly); links of the stream's merges the lake has no record of yet (pendingLinksSql).
   */
  refusedLinks: { capped: Record<string, number>; indirect: number; separated: number; storeOnly: number; pendingStream: number };
  blockedValues: number;
  malformedValues: number;
  store: StoreSyncSummary | null;
  ms: Record<string, number>;
}

function recordBounds([row]: ReadonlyArray<Record<string, unknown>>): RecordBounds {
  const time = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return { minTime: time(row?.min_time), maxTime: time(row?.max_time), untimed: row?.untimed === true, maxRank: Number(row?.max_rank ?? 0) };
}

async function count(engine: LakeEngine, sql: string): Promise<number> {
  const [row] = await engine.query(sql);
  return Number(Object.values(row ?? {})[0] ?? 0);
}

/**
 * Writes the identity zone's tables side by side, each next to its final place, and renames them in
 * only once all are written: readers never see half a file, and a failed write leaves the previous
 * stitch's files, never a map and edges of two stitches (edges name identifiers by the map's id_key).
 * Every write settles before a failure propagates (settleAll), so none still runs when the
 * workspace is removed; the partial files go with the failure.
 */
async function writeIdentityZone(engine: LakeEngine, layout: LakeLayout, writes: ReadonlyArray<readonly [IdentityTable, (file: string) => string]>): Promise<void> {
  const files = writes.map(([table]) => identityTableFile(layout, table));
  const partials = files.map((file) => `${file}.${process.pid}.partial`);
  for (const file of files) mkdirSync(path.dirname(file), { recursive: true });
  try {
    await settleAll(writes.map(([, sql], index) => engine.execute(sql(partials[index]))));
  } catch (error) {
    for (const partial of partials) rmSync(partial, { force: true });
    throw error;
  }
  partials.forEach((partial, index) => renameSync(partial, files[index]));
}

/**
 * Batch identity stitching: the processed zone's records → identity graph → customers, written to
 * the identity zone (identity_map, identity_edges, identity_blocked) and, with a store, synced to
 * the identity store. Edges are extracted and numbered by the lake engine; linking runs in process
 * on integer arrays (see ConstrainedUnionFind); customer ids continue from the store's previous
 * assignment (see assignCustomers). Runs on the DuckDB lake engine, which reads the local lake.
 */
export async function stitchLake(engine: LakeEngine, layout: LakeLayout, options: StitchLakeOptions = {}): Promise<StitchSummary> {
  const columns = engine.columns;
  if (engine.dialect !== 'duckdb' || !columns) throw new DomainError('UNAVAILABLE', 'identity stitching runs on the DuckDB lake engine (C360_LAKE_ENGINE=duckdb)');
  const run: StitchRun = {
    rules: new CompiledRules(options.rules ?? DEFAULT_RULES),
    store: options.store,
    logger: options.logger ?? silentLogger,
    now: options.now ?? Date.now,
    hashSql: options.identifierHashSql ?? duckDbIdentifierHashSql,
  };
  try {
    return await withStitchWorkspace(engine, layout, (workspace) => stitchInWorkspace(engine, columns, layout, workspace, run));
  } finally {
    // A statement that failed with insertion order off left it off for the whole engine (see withoutInsertionOrder).
    await engine.execute('RESET preserve_insertion_order');
  }
}

/** What the in-process half reports: the stitcher's counts and how many edges it linked. */
type StitchedCounts = Omit<StitcherResult, 'answer'> & { edges: number };

/**
 * The in-process half: reads the numbered graph into typed arrays, links it (runStitcher, on a worker thread) and writes
 * the answer back as tables. Its arrays (about 0.6 GB at ten million edges) are reachable from here
 * only, so they can be collected (collectGarbage) before the lake engine writes the outputs, its own peak.
 */
async function stitchInProcess(
  engine: LakeEngine,
  columns: LakeColumns,
  tables: GraphTables,
  keys: LinkKeys,
  roles: TypeRoles,
  lap: (phase: string) => void,
): Promise<StitchedCounts> {
  // Side by side on connections of their own: DuckDB fills one result's chunks while this thread copies another's.
  const [[typeCode, inLake, previousOf], [edgeA, edgeB, firstTime, firstPlace], [separationNodes, separationTokens], [pendingA, pendingB]] = await settleAll([
    columns.readNumberColumns(tables.nodeColumnsSql(), ['int32', 'int32', 'int32']),
    columns.readNumberColumns(tables.edgeColumnsSql(keys), ['int32', 'int32', 'float64', 'float64']),
    columns.readNumberColumns(tables.separationColumnsSql(), ['int32', 'int32']),
    columns.readNumberColumns(tables.pendingLinkColumnsSql(), ['int32', 'int32']),
  ] as const);
  const input: StitcherInput = {
    nodes: { typeCode, inLake, previousOf },
    edges: { a: edgeA, b: edgeB, firstTime, firstPlace },
    separations: { nodes: separationNodes, tokens: separationTokens },
    pendingLinks: { a: pendingA, b: pendingB },
    previousCustomers: await count(engine, `SELECT count(*) FROM ${tables.table('previous_numbered')}`),
  };
  lap('graphLoad');
  const edges = edgeA.length;
  // The stitcher links on a worker thread, one core, while the lake engine looks up the edges'
  // record ids (edgeRowsSql) on the other. Both settle before either's failure propagates.
  const [{ answer, ...counts }] = await settleAll([
    runStitcherInWorker(input, roles),
    (async () => {
      for (const sql of tables.edgeRowsSql()) await engine.execute(sql);
    })(),
  ]);
  lap('stitch');
  for (const [table, answerColumns] of Object.entries(answer)) await columns.writeIntegerTable(tables.schema, table, answerColumns);
  return { ...counts, edges };
}

/** Labels the touched customers with the store sync's units (see OutputTables.unitsSql). */
async function numberUnits(engine: LakeEngine, outputs: OutputTables): Promise<void> {
  const units = outputs.unitsSql();
  for (const sql of units.startSql) await engine.execute(sql);
  // Labels only fall, so this ends; with no links (a first stitch) the first round changes nothing.
  do {
    for (const sql of units.roundSql) await engine.execute(sql);
  } while ((await count(engine, units.changedSql)) > 0);
  for (const sql of units.numberSql) await engine.execute(sql);
}

/** One stitch's settings, resolved from StitchLakeOptions. */
interface StitchRun {
  rules: CompiledRules;
  store: IdentityStore | undefined;
  logger: Logger;
  now: () => number;
  hashSql: IdentifierHashSql;
}

async function stitchInWorkspace(engine: LakeEngine, columns: LakeColumns, lakeLayout: LakeLayout, workspace: StitchWorkspace, run: StitchRun): Promise<StitchSummary> {
  const { rules, store, logger, now } = run;
  const ms: Record<string, number> = {};
  let phase = performance.now();
  // Logged as each phase ends: a large stitch runs for minutes, and operators (and the benchmark's memory sampler) follow it.
  const lap = (name: string) => {
    const at = performance.now();
    ms[name] = Math.round(at - phase);
    phase = at;
    logger.info('identity.stitch: phase done', { phase: name, ms: ms[name] });
  };
  const sources = recordSourcesFor(rules);
  const layout = slotLayout(sources, rules);
  const present = new Set(new LakeCatalog(engine, lakeLayout).tableNames());
  const selects: string[] = [];
  for (const source of sources.filter((candidate) => present.has(candidate.table))) {
    const relation = lakeRelation(engine, lakeLayout, 'processed', source.table);
    // A lake table's files may differ in columns (see recordIdSql): the relation has them all.
    selects.push(recordsSelectSql(source, relation, new Set(await relationColumnNames(engine, relation)), rules, layout));
  }
  // Reading the lake's records needs nothing from the store, so it runs while the store is exported
  // (an embedded store's export is a child process of its own, a daily run's longest step). Both
  // settle before either's failure propagates: the export writes into the workspace.
  const [previous] = await settleAll([
    exportPreviousState(store, workspace.path()),
    (async () => {
      await engine.execute(recordsTableSql(workspace.schema, selects.length > 0 ? selects : [emptyRecordsSql(layout)]));
      await engine.execute(blockedTableSql(workspace.schema, layout, rules));
    })(),
  ]);
  lap('records');
  for (const sql of loadPreviousSql(workspace.schema, previous)) await engine.execute(sql);
  const previousTypes = (await engine.query(previousTypesSql(workspace.schema))).map((row) => String(row.id_type)).filter(isIdentifierType);
  lap('previousState');

  // Type codes in priority order; the union-find keeps one counter per code.
  const typeNames = [...new Set([...layout.map((slot) => slot.type), ...previousTypes])].sort((a, b) => rules.compare({ type: a, value: '' }, { type: b, value: '' }));
  if (typeNames.length > 255) throw new DomainError('BAD_USER_INPUT', `identity stitching supports up to 255 identifier types, found ${typeNames.length}`);
  const tables = new GraphTables(workspace.schema, rules, layout, typeNames, run.hashSql);
  const records = await count(engine, `SELECT count(*) FROM ${tables.table('records')}`);

  for (const sql of tables.nodesSql()) await engine.execute(sql);
  await engine.execute(tables.pendingLinksSql((await count(engine, `SELECT count(*) FROM ${tables.table('stream_links')}`)) > 0));
  lap('nodes');
  let hashSeed = 0;
  for (; ; hashSeed++) {
    await engine.execute(tables.nodeKeysSql(hashSeed));
    if ((await count(engine, tables.hashCollisionsSql())) === 0) break;
    // Two identifiers share a 64-bit hash (about one run in a million at ten million identifiers): rehash.
    if (hashSeed >= 8) throw new Error('identity.stitch: identifier hashes keep colliding; nothing was written');
    logger.warn('identity.stitch: identifier hash collision, rehashing', { seed: hashSeed + 1 });
  }
  await engine.execute(tables.recordTiesSql());
  const keys = new LinkKeys(recordBounds(await engine.query(tables.recordBoundsSql())), tables.maxPosition());
  for (const sql of tables.linkRecordsSql(keys, hashSeed)) await engine.execute(sql);
  for (const sql of tables.edgesSql(keys)) await engine.execute(sql);
  lap('edges');

  const stitched = await stitchInProcess(engine, columns, tables, keys, typeRoles(typeNames, rules), lap);
  collectGarbage();
  const salted = ({ sql, salts }: { sql: string; salts: number }) => engine.execute(sql, Array.from({ length: salts }, () => rules.rules.idSalt));
  for (const statement of tables.newCustomersSql()) await salted(statement);
  for (let attempt = 1; (await count(engine, tables.takenNewIdsSql())) > 0; attempt++) {
    // A seed whose first id is taken: an earlier customer of it was merged away (or split off) since.
    if (attempt > 32) throw new Error('identity.stitch: new customers keep drawing ids existing customers have; nothing was written');
    await salted(tables.nextAttemptSql(attempt));
  }
  for (const statement of tables.finalSql(store !== undefined)) await salted(statement);
  if ((await count(engine, tables.duplicateIdsSql())) > 0) {
    throw new Error('identity.stitch: two customers would share an id (a hash collision); nothing was written');
  }
  lap('final');
  const outputs = new OutputTables(tables, randomUUID());
  // Side by side on two connections: writing Parquet leaves a core idle part of the time.
  await writeIdentityZone(engine, lakeLayout, [
    ['identity_edges', (file) => outputs.edgesSql(file)],
    ['identity_map', (file) => outputs.identityMapSql(file)],
    ['identity_blocked', (file) => outputs.blockedSql(file)],
  ]);
  const [totals] = await engine.query(outputs.summarySql());
  lap('lakeOutputs');

  let storeSummary: StoreSyncSummary | null = null;
  if (store) {
    const changes = {
      changedAssignments: workspace.path('changed-assignments.jsonl'),
      droppedAssignments: workspace.path('dropped-assignments.jsonl'),
      touchedCustomers: workspace.path('touched-customers.jsonl'),
      touchedMembers: workspace.path('touched-members.jsonl'),
      merges: workspace.path('merges.jsonl'),
    };
    for (const sql of outputs.touchedSql()) await engine.execute(sql);
    await numberUnits(engine, outputs);
    await engine.execute(outputs.changedAssignmentsSql(changes.changedAssignments));
    await engine.execute(outputs.droppedAssignmentsSql(changes.droppedAssignments));
    await engine.execute(outputs.touchedCustomersSql(changes.touchedCustomers));
    await engine.execute(outputs.touchedMembersSql(changes.touchedMembers));
    await engine.execute(outputs.mergesSql(changes.merges));
    storeSummary = await syncStore(store, changes, now(), rules.rules);
    if (storeSummary.deferredUnits > 0) {
      logger.warn('identity.stitch: customers another writer changed since the store was read were left as it has them, for the next stitch', {
        units: storeSummary.deferredUnits,
        customers: storeSummary.deferredCustomers,
      });
    }
    lap('store');
  }

  const capped = Object.fromEntries([...stitched.cappedByType].map(([code, refused]) => [typeNames[code] ?? String(code), refused]));
  const summary: StitchSummary = {
    records,
    identifiers: Number(totals?.identifiers ?? 0),
    edges: stitched.edges,
    customers: Number(totals?.customers ?? 0),
    newCustomers: stitched.newCustomers - Number(totals?.revived_customers ?? 0),
    keptCustomers: stitched.keptCustomers,
    revivedCustomers: Number(totals?.revived_customers ?? 0),
    mergedCustomers: stitched.mergedCustomers,
    refusedLinks: { capped, indirect: stitched.indirect, separated: stitched.separated, storeOnly: stitched.storeOnlyRefused, pendingStream: stitched.pendingRefused },
    blockedValues: Number(totals?.blocked_values ?? 0),
    malformedValues: Number(totals?.malformed_values ?? 0),
    store: storeSummary,
    ms,
  };
  logger.info('identity.stitch: done', { records: summary.records, identifiers: summary.identifiers, edges: summary.edges, customers: summary.customers, merged: summary.mergedCustomers });
  return summary;
}
