// A Gatehouse on the embedded sandbox and Debian's Chromium, as the console's browser tests use
// them: a fresh data folder (the CLI's env points at it), an admin token, screenshots under
// test-artifacts/console/, and one close for all of it.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { createLogger } from '../../src/app/logger.js';
import { startGatehouse, type StartedGatehouse } from '../../src/app/start.js';
import { loadConfig, type Config } from '../../src/config/config.js';

import { ensureChromium } from './chromium.js';

export const consoleArtifacts = join(process.cwd(), 'test-artifacts', 'console');

export interface ConsoleRun {
  readonly g: StartedGatehouse;
  readonly browser: Browser;
  readonly dir: string;
  /** For `runCliWith`: the same database and key file, run as the OS user olivia. */
  readonly env: Record<string, string>;
  /** Saves a full-page screenshot as test-artifacts/console/<name>.png. */
  shot(page: Page, name: string): Promise<Buffer>;
  close(): Promise<void>;
}

/** Starts Gatehouse (sandbox, port 0, `flags` on top) and Chromium. */
export async function startConsoleRun(
  name: string,
  flags: Partial<Record<keyof Config, unknown>> = {},
): Promise<ConsoleRun> {
  const executablePath = ensureChromium();
  mkdirSync(consoleArtifacts, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), `gatehouse-${name}-`));
  const env = {
    GATEHOUSE_DB: join(dir, 'g.db'),
    GATEHOUSE_KEY_FILE: join(dir, 'k'),
    USER: 'olivia',
  };
  const g = await startGatehouse(
    loadConfig({
      flags: {
        db: env.GATEHOUSE_DB,
        keyFile: env.GATEHOUSE_KEY_FILE,
        port: 0,
        sandbox: true,
        ...flags,
      },
    }),
    { logger: createLogger({ level: 'silent' }), createDemoAgent: false },
  );
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  return {
    g,
    browser,
    dir,
    env,
    shot: (page, shotName) =>
      page.screenshot({ path: join(consoleArtifacts, `${shotName}.png`), fullPage: true }),
    async close() {
      await browser.close();
      await g.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
