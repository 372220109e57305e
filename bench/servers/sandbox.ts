// The sandbox as its own process for benchmarks: unlimited windows, prints {url, key} as JSON.
import { actions } from '../../src/catalog/index.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { createWorld } from '../../src/sandbox/world/index.js';

const unlimited = { minute: null, hour: null, day: null };
const sandbox = createSandbox({
  seed: 11,
  createWorld,
  limits: Object.fromEntries(actions.map((a) => [a.id, unlimited])),
});
const server = await sandbox.listen(0, '127.0.0.1');
process.stdout.write(`${JSON.stringify({ url: server.url, key: sandbox.keys.master[0] })}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
