// The sandbox's simulated Apollo world: a deterministic people and organization database generated
// from a seed, and a mutable team CRM. The server (../server*) owns transport, auth, rate limits and
// webhook delivery; the world owns data and each action's business rules.

import { createIdGen } from './crm/ids.js';
import { userJson } from './crm/json.js';
import { settleOutreach } from './crm/outreach.js';
import { seedCrm } from './crm/seed.js';
import type { EnrichContext } from './enrich.js';
import { DAY_MS } from './format.js';
import { hash, salt, seed32 } from './hash.js';
import { buildOrgIndex, type OrgIndex } from './orgs.js';
import { handlers, type Handler } from './handlers.js';
import type { WorldResult } from './result.js';

export interface WorldOptions {
  seed: number;
  /** Epoch milliseconds; injectable for tests. */
  now: () => number;
}

/** One simulated Apollo team and database. */
export interface World {
  readonly seed: number;
  /** API keys act as the owner (an admin). */
  readonly team: { readonly id: string; readonly ownerUserId: string };
  /**
   * Runs one catalog action. `input` has ALREADY been parsed by action.input (zod transforms
   * applied, path params included as fields). Returns Apollo's response body, or an Apollo-shaped
   * error. `usage.stats` belongs to the server (it holds the rate counters): the world answers it
   * with a 422. An unknown action id is a programming error and throws.
   */
  run(actionId: string, input: Record<string, unknown>, ctx: { userId: string }): WorldResult;
  /** The user object for GET users/api_profile (undefined for an unknown user). */
  profile(userId: string): Record<string, unknown> | undefined;
  /** The team's users (for OAuth consent, tests). */
  users(): ReadonlyArray<Record<string, unknown>>;
}

// The organization index is immutable and costs ~0.2 s to build, so worlds with the same seed and
// anchor day share one (tests build many worlds). Bounded: the oldest entry is dropped.
const indexCache = new Map<string, OrgIndex>();
const INDEX_CACHE_SIZE = 4;

function orgIndexFor(s: number, anchorDay: number): OrgIndex {
  const key = `${s}:${anchorDay}`;
  let index = indexCache.get(key);
  if (!index) {
    index = buildOrgIndex(s, anchorDay);
    indexCache.set(key, index);
    if (indexCache.size > INDEX_CACHE_SIZE) indexCache.delete(indexCache.keys().next().value!);
  }
  return index;
}

/**
 * Creates a world. The same seed and the same clock reading at creation give the same world;
 * database dates are relative to the creation day.
 */
export function createWorld(options: WorldOptions): World {
  const s = seed32(options.seed);
  const createdAt = options.now();
  const index = orgIndexFor(s, Math.floor(createdAt / DAY_MS));
  const ids = createIdGen(s);
  const crm = seedCrm(s, index, ids, createdAt);
  let requests = 0;
  const ctx: EnrichContext = {
    crm,
    index,
    ids,
    now: options.now,
    nextRequestId() {
      requests++;
      const hi = BigInt(hash(s, salt.requestId, requests));
      const lo = BigInt(hash(s, salt.requestIdLow, requests));
      return BigInt.asIntN(64, (hi << 32n) | lo).toString();
    },
  };
  const owner = [...crm.users.values()][0]!;
  return {
    seed: options.seed,
    team: Object.freeze({ id: crm.team.id, ownerUserId: owner.id }),
    run: (actionId, input, { userId }) => dispatch(ctx, actionId, input, userId),
    profile: (userId) => {
      const u = crm.users.get(userId);
      return u ? userJson(crm, u) : undefined;
    },
    users: () => [...crm.users.values()].map((u) => userJson(crm, u)),
  };
}

function dispatch(
  ctx: EnrichContext,
  id: string,
  input: Record<string, unknown>,
  userId: string,
): WorldResult {
  const handler = (handlers as Record<string, Handler | undefined>)[id];
  if (!handler) throw new Error(`the sandbox world has no action ${id}`);
  // Emails that fell due since the last call go out first, so every answer is current.
  settleOutreach(ctx);
  return handler(ctx, input, userId);
}

export type { AsyncDelivery, WorldResult } from './result.js';
