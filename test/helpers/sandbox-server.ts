// A Gatehouse server on the sandbox for tests of commands (enrich, approvals, mcp over stdio):
// the deployment's one sandbox is the one a running server serves, so a command's test starts one
// on the same database first, as a user runs `npm start` before those commands.
import { createLogger } from '../../src/app/logger.js';
import { startGatehouse, type StartedGatehouse } from '../../src/app/start.js';
import { loadConfig } from '../../src/config/config.js';

/** Starts Gatehouse on the sandbox with these GATEHOUSE_* variables (any free port). */
export async function startSandboxServer(
  env: Record<string, string | undefined>,
): Promise<StartedGatehouse> {
  return startGatehouse(loadConfig({ env, flags: { port: 0, sandbox: true } }), {
    logger: createLogger({ level: 'silent' }),
    createDemoAgent: false,
  });
}
