// Runs Gatehouse as its own process for crash tests: configuration from GATEHOUSE_* variables,
// prints "LISTENING <url>" once it accepts calls.
import { createLogger } from '../../src/app/logger.js';
import { startGatehouse } from '../../src/app/start.js';
import { loadConfig } from '../../src/config/config.js';

const config = loadConfig({ env: process.env });
const started = await startGatehouse(config, {
  logger: createLogger({ level: 'silent' }),
  createDemoAgent: false,
});
process.stdout.write(`LISTENING ${started.url}\n`);
process.on('SIGTERM', () => void started.close().then(() => process.exit(0)));
