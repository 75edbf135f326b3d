import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TypeRoles } from '../graph/constrained-union-find';
import type { StitcherInput, StitcherResult } from './run-stitcher';

/** The distinct buffers under typed arrays: a transfer list names each once. */
export function buffersOf(arrays: ReadonlyArray<ArrayBufferView>): ArrayBuffer[] {
  return [...new Set(arrays.map((array) => array.buffer as ArrayBuffer))];
}

/**
 * runStitcher on a worker thread, so that the main thread stays free to drive the lake engine
 * meanwhile (see stitchLake). The input's arrays are transferred, not copied: the caller must not
 * read them afterwards.
 */
export function runStitcherInWorker(input: StitcherInput, roles: TypeRoles): Promise<StitcherResult> {
  const { nodes, edges, separations, pendingLinks } = input;
  const transferList = buffersOf([
    ...[nodes.typeCode, nodes.inLake, nodes.previousOf],
    ...[edges.a, edges.b, edges.firstTime, edges.firstPlace],
    ...[separations.nodes, separations.tokens, pendingLinks.a, pendingLinks.b],
  ]);
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'stitcher.worker.js'), { workerData: { input, roles }, transferList });
    let result: StitcherResult | undefined;
    worker.once('message', (message: StitcherResult) => (result = message));
    worker.once('error', reject);
    worker.once('messageerror', reject);
    worker.once('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`identity.stitch: the stitcher's worker thread exited with code ${code} and no answer`))));
  });
}
