import { getAction } from '../catalog/index.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../ports/index.js';
import { createSandbox, type Sandbox, type SandboxOptions } from '../sandbox/index.js';
import { createWorld } from '../sandbox/world/index.js';

import { fixedCredential, storedCredential } from './adapters.js';
import { createApp, type GatehouseApp, type UpstreamWiring } from './create-app.js';
import { listen, type RunningServer } from './server.js';
import { openStore, type StoreServices } from './services.js';

/** The demo agent `gatehouse start` creates once when it runs on the embedded sandbox. */
export const demoAgent = { name: 'demo', grants: ['people', 'organizations'] } as const;

/** A running Gatehouse: server, store and (maybe) the embedded sandbox. */
export interface StartedGatehouse {
  readonly url: string;
  readonly server: RunningServer;
  readonly app: GatehouseApp;
  readonly store: StoreServices;
  /** Present when Gatehouse runs against its embedded sandbox. */
  readonly sandbox: Sandbox | null;
  /** The demo agent's token, only on the start that created it. */
  readonly demoToken: string | null;
  readonly upstreamLabel: string;
  /** Stops accepting calls, finishes calls in flight, flushes the audit, closes the store. */
  close(): Promise<void>;
}

/** Options beyond the configuration (tests pass a sandbox configuration or a logger). */
export interface StartOptions {
  readonly logger: Logger;
  readonly sandboxOptions?: SandboxOptions;
  /** Create the demo agent when running on the sandbox (default true). */
  readonly createDemoAgent?: boolean;
}

/** An upstream answered by the in-process sandbox: no port, no network. */
export function sandboxUpstream(sandbox: Sandbox): UpstreamWiring {
  const base = 'http://sandbox.gatehouse.internal';
  return {
    baseUrl: base,
    label: 'the embedded sandbox',
    fetch: async (input, init) => sandbox.app.fetch(new Request(input, init)),
    credential: fixedCredential({ kind: 'apikey', key: sandbox.keys.master[0]! }),
  };
}

/**
 * Starts Gatehouse. With no Apollo connection stored (or with `sandbox` set) it runs against an
 * embedded sandbox and creates a demo agent once; otherwise it proxies to the configured upstream
 * with the stored, sealed credential.
 */
export async function startGatehouse(
  config: Config,
  options: StartOptions,
): Promise<StartedGatehouse> {
  const { logger } = options;
  const store = await openStore(config, logger);
  let sandbox: Sandbox | null = null;
  try {
    const connection = await store.connection.info();
    let upstream: UpstreamWiring;
    if (config.sandbox || !connection) {
      sandbox = createSandbox({ seed: config.sandboxSeed, createWorld, ...options.sandboxOptions });
      upstream = sandboxUpstream(sandbox);
    } else {
      upstream = {
        baseUrl: config.upstreamUrl,
        label: new URL(config.upstreamUrl).host,
        credential: storedCredential(store),
      };
    }
    let demoToken: string | null = null;
    if (sandbox && options.createDemoAgent !== false && !(await store.agents.get(demoAgent.name))) {
      const created = await store.agents.create({
        name: demoAgent.name,
        description: 'Demo agent created by gatehouse start for the embedded sandbox',
        grants: demoAgent.grants.map((target) => ({
          target,
          level: 'read' as const,
          requiresApproval: false,
        })),
        by: 'gatehouse start',
      });
      if (created.ok) demoToken = created.value.token;
    }
    const app = createApp({ config, logger, store, upstream });
    const server = await listen(app, config.port, config.host, logger);
    let closing: Promise<void> | null = null;
    return {
      url: server.url,
      server,
      app,
      store,
      sandbox,
      demoToken,
      upstreamLabel: upstream.label,
      close() {
        closing ??= (async () => {
          await server.close();
          sandbox?.close();
          await store.close();
        })();
        return closing;
      },
    };
  } catch (e) {
    sandbox?.close();
    await store.close();
    throw e;
  }
}

/** A curl that searches people through Gatehouse, for the start banner and the README. */
export function exampleCurl(baseUrl: string, token: string): string {
  const path = getAction('people.search')!.path;
  return `curl -s ${baseUrl}${path} -H 'X-Api-Key: ${token}' -H 'Content-Type: application/json' -d '{"person_titles":["VP Sales"],"person_locations":["Germany"],"per_page":5}'`;
}
