// Store-backed commands load configuration and open the database through here; kept apart from
// io.ts so commands that need no database (sandbox) never load it.
import { createLogger } from '../app/logger.js';
import { openStore, type StoreServices } from '../store/open-store.js';
import type { Logger } from '../ports/index.js';
import { loadConfig, type Config } from '../config/config.js';

import type { CliIO } from './io.js';

/** Options every store-backed command accepts. */
export const storeOptions = {
  db: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** A command's configuration: gatehouse.config.json < GATEHOUSE_* variables < its flags. */
export function commandConfig(
  io: CliIO,
  flags: { db?: string | undefined; sandbox?: boolean | undefined },
): Config {
  return loadConfig({ env: io.env, file: 'gatehouse.config.json', flags });
}

/** Commands print results on stdout; operational warnings (or `level`) go to stderr. */
export function commandLogger(io: CliIO, level: Config['logLevel'] = 'warn'): Logger {
  return createLogger({ level, destination: { write: (s: string) => io.err(s.trimEnd()) } });
}

/** Loads configuration and opens the store for one command, closing it afterwards. */
export async function withStore<T>(
  io: CliIO,
  flags: { db?: string | undefined },
  run: (store: StoreServices, config: Config) => Promise<T>,
): Promise<T> {
  const config = commandConfig(io, { db: flags.db });
  const store = await openStore(config, commandLogger(io));
  try {
    return await run(store, config);
  } finally {
    await store.close();
  }
}
