// `c360 stream consume` as its own process, configured by the environment, for tests that kill it.
import { main } from '../../../src/cli/main';

void main([process.argv[0], 'c360', 'stream', 'consume', ...process.argv.slice(2)]);
