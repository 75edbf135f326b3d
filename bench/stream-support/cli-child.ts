// Runs one `c360 …` command in this process (arguments after the script), for benchmarks that
// start the API and the consumers as separate processes, as a deployment would.
import { main } from '../../src/cli/main';

void main([process.argv[0], 'c360', ...process.argv.slice(2)]);
