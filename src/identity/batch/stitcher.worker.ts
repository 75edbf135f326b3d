// Worker thread of runStitcherInWorker: runs runStitcher on the graph it is given and posts the
// result back, the answer's arrays transferred rather than copied.
import { parentPort, workerData } from 'node:worker_threads';
import type { TypeRoles } from '../graph/constrained-union-find';
import { runStitcher, type StitcherInput } from './run-stitcher';
import { buffersOf } from './run-stitcher-in-worker';

const { input, roles } = workerData as { input: StitcherInput; roles: TypeRoles };
const result = runStitcher(input, roles);
const { assigned, refused, merges } = result.answer;
parentPort?.postMessage(result, buffersOf([...assigned, ...refused, ...merges].map(([, values]) => values)));
