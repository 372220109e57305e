import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';

import { oauthScopes, planLimits, plans, type Plan, type WindowLimits } from '../catalog/index.js';

import { createSandboxApp } from './app.js';
import { createControlRoutes } from './control.js';
import {
  balanceOf,
  createCreditAccount,
  defaultCreditLimit,
  type CreditAccount,
  type CreditBalance,
} from './credits.js';
import { createDeliveries, type DeliveryStatus } from './deliveries.js';
import { createFaults, type Faults } from './faults.js';
import { createKeyRing, type ScopedKey } from './keys.js';
import { createLedger, type CreditTotals } from './ledger.js';
import { createOAuthServer, defaultScopes, loopbackRedirects, type OAuthClient } from './oauth.js';
import { randomSecret } from './random.js';
import { createRateLimiter, type DayHeaderNames } from './rate-limiter.js';
import { buildRoutes, createRouteResolver, type ApiRoute } from './routes.js';
import type { Clock, SandboxWorld, WorldFactory } from './types.js';
import { createWorld } from './world/index.js';

export interface SandboxOptions {
  /** Seeds the world's data and the fault streams. Default 1. */
  seed?: number;
  /** The Apollo plan whose rate windows apply. Default `basic`. */
  plan?: Plan;
  /** Master API keys. Default: one random key. */
  masterKeys?: string[];
  /** Standard keys; endpoints are key scopes with or without `api/v1/`, or action ids. */
  scopedKeys?: Array<{ key: string; endpoints: string[] }>;
  /** Default: one random client accepting any http(s) redirect on localhost or 127.0.0.1. */
  oauthClients?: Array<{ clientId: string; clientSecret: string; redirectUris: string[] }>;
  /** Default Date.now; tests pass a manual clock. */
  clock?: Clock;
  /** Sends webhook deliveries. Default: the global fetch. */
  fetch?: typeof fetch;
  /** Per-route window overrides (action or endpoint id), merged over the plan's windows. */
  limits?: Partial<Record<string, Partial<WindowLimits>>>;
  /** Builds the simulated world. Default: the sandbox's seeded world. */
  createWorld?: WorldFactory;
  /** How injected latency waits. Default: a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * The team's credit allowance for the cycle; once spent, credit-spending calls get Apollo's
   * 422 "You have insufficient credits!". Default 100,000. Settable later over /__sandbox/credits.
   */
  creditLimit?: number;
  /**
   * Day-window header names: `observed` (default) sends x-rate-limit-24-hour, x-24-hour-usage and
   * x-24-hour-requests-left as live answers do; `documented` sends the x-rate-limit-daily,
   * x-daily-usage and x-daily-requests-left of Apollo's rate-limit page.
   */
  dayHeaders?: DayHeaderNames;
}

/** A running listener. */
export interface SandboxServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Everything `/__sandbox/state` reports. */
export interface SandboxState {
  plan: Plan;
  seed: number;
  credits: CreditTotals;
  /** The team's allowance for the cycle and what is left of it. */
  creditBalance: CreditBalance;
  counters: Record<string, unknown>;
  deliveries: DeliveryStatus[];
  faults: Record<string, unknown>;
}

export interface Sandbox {
  /** The HTTP app; tests call `app.request()`. */
  readonly app: Hono;
  readonly keys: { master: string[]; scoped: Array<{ key: string; endpoints: string[] }> };
  readonly oauthClients: ReadonlyArray<OAuthClient>;
  readonly plan: Plan;
  readonly world: SandboxWorld;
  readonly faults: Faults;
  /** The credits ledger. */
  credits(): CreditTotals;
  /** The team's credit balance (limit settable, e.g. to 0 to see Apollo's out-of-credits 422). */
  readonly creditAccount: CreditAccount;
  /** Counters, deliveries, faults and credits, as `/__sandbox/state` shows them. */
  state(): SandboxState;
  /** Delivers every pending asynchronous webhook now (retries without waiting). */
  flushDeliveries(): Promise<void>;
  listen(port: number, host?: string): Promise<SandboxServer>;
  /** Stops delivery timers; pending deliveries stay pending. */
  close(): void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** Builds a sandbox: a faithful, seeded, in-memory simulation of one Apollo team's API. */
export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const seed = options.seed ?? 1;
  const plan = options.plan ?? 'basic';
  if (!plans.includes(plan)) throw new Error(`unknown plan '${String(plan)}'`);
  const clock: Clock = options.clock ?? { now: () => Date.now() };
  const routes = buildRoutes();
  const keys = createKeyRing(routes, options.masterKeys, options.scopedKeys);
  const world = (options.createWorld ?? createWorld)({ seed, now: () => clock.now() });

  const oauthClients: OAuthClient[] = (
    options.oauthClients ?? [
      {
        clientId: randomSecret(),
        clientSecret: randomSecret(32),
        redirectUris: loopbackRedirects,
      },
    ]
  ).map((c) => Object.freeze({ ...c, redirectUris: [...c.redirectUris] }));
  const knownScopes = new Set<string>([...defaultScopes, ...oauthScopes]);
  for (const r of routes) if (r.oauthScope) knownScopes.add(r.oauthScope);
  const oauth = createOAuthServer({
    clock,
    clients: oauthClients,
    knownScopes,
    consentingUserId: () => world.team.ownerUserId,
  });

  for (const id of Object.keys(options.limits ?? {})) {
    if (!routes.some((r) => r.id === id)) throw new Error(`limits: unknown action '${id}'`);
  }
  const limitCache = new Map<string, WindowLimits>();
  const limitsFor = (route: ApiRoute): WindowLimits => {
    let limits = limitCache.get(route.id);
    if (!limits) {
      limits = Object.freeze({
        ...planLimits[plan][route.rateClass],
        ...options.limits?.[route.id],
      });
      limitCache.set(route.id, limits);
    }
    return limits;
  };

  const limiter = createRateLimiter({ dayHeaders: options.dayHeaders ?? 'observed' });
  const ledger = createLedger();
  const creditAccount = createCreditAccount(ledger, {
    limit: options.creditLimit ?? defaultCreditLimit,
    startedAt: clock.now(),
  });
  const deliveries = createDeliveries({
    clock,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    ledger,
  });
  const faults = createFaults(
    seed,
    routes.map((r) => r.id),
  );

  const state = (): SandboxState => ({
    plan,
    seed,
    credits: ledger.totals(),
    creditBalance: balanceOf(creditAccount),
    counters: limiter.snapshot(clock.now()),
    deliveries: deliveries.list(),
    faults: faults.list(),
  });

  const control = createControlRoutes({
    keys,
    faults,
    state,
    flush: () => deliveries.flush(),
    credits: creditAccount,
  });

  const app = createSandboxApp({
    routes,
    resolve: createRouteResolver(routes),
    world,
    keys,
    oauth,
    plan,
    limiter,
    limitsFor,
    ledger,
    credits: creditAccount,
    deliveries,
    faults,
    clock,
    sleep: options.sleep ?? realSleep,
    control,
  });

  return {
    app,
    keys: {
      master: [...keys.master],
      scoped: keys.scoped.map((k: ScopedKey) => ({ key: k.key, endpoints: [...k.endpoints] })),
    },
    oauthClients,
    plan,
    world,
    faults,
    credits: () => ledger.totals(),
    creditAccount,
    state,
    flushDeliveries: () => deliveries.flush(),
    close: () => deliveries.stop(),

    async listen(port, host = '127.0.0.1') {
      const server = createAdaptorServer({ fetch: app.fetch, hostname: host }) as Server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      return {
        url: `http://${urlHost(host)}:${address.port}`,
        close: () =>
          new Promise<void>((resolve, reject) => {
            server.close((err) => (err ? reject(err) : resolve()));
            server.closeIdleConnections();
          }),
      };
    },
  };
}
