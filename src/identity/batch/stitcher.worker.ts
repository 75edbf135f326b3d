// Worker thread of runStitcherInWorker: runs runStitcher on the graph it is given and posts the
// result back, the answer's arrays transferred rather than copied.
import { parentPort, workerData } from 'node:worker_threads';
import type { TypeRoles } from '../graph/constrained-union-find';
import { answerBuffers, runStitcher, type StitcherInput } from './run-stitcher';

const { input, roles } = workerData as { input: StitcherInput; roles: TypeRoles };
const result = runStitcher(input, roles);
parentPort?.postMessage(result, answerBuffers(result.answer));
