// Test support for the world: calls an action the way the server does (input parsed by the
// catalog's schema) and checks the 200 body against the catalog's output schema as it travels on
// the wire (RawNumber request ids become JSON numbers).

import { getAction } from '../../../src/catalog/index.js';
import { toJson } from '../../../src/sandbox/json.js';
import { createWorld, type World, type WorldResult } from '../../../src/sandbox/world/index.js';

/** A fixed clock reading for tests: 2026-11-23T12:00:00Z. */
export const T0 = Date.UTC(2026, 10, 23, 12);

/** A world on a fixed clock (the database and CRM depend only on the seed and this clock). */
export function newWorld(seed = 7, now: () => number = () => T0): World {
  return createWorld({ seed, now });
}

/** A result whose body is also available as parsed wire JSON. */
export type Called = WorldResult & { json: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Runs an action as the server would; throws if the input is invalid or a 200 breaks the schema. */
export function call(
  world: World,
  actionId: string,
  raw: Record<string, unknown>,
  userId = world.team.ownerUserId,
): Called {
  const action = getAction(actionId);
  if (!action) throw new Error(`no action ${actionId}`);
  const parsed = action.input.safeParse(raw);
  if (!parsed.success) throw new Error(`${actionId} input: ${JSON.stringify(parsed.error.issues)}`);
  const result = world.run(actionId, parsed.data as Record<string, unknown>, { userId });
  const json = JSON.parse(toJson(result.body));
  if (result.ok) {
    const out = action.output.safeParse(json);
    if (!out.success)
      throw new Error(`${actionId} output: ${JSON.stringify(out.error.issues.slice(0, 5))}`);
  }
  return { ...result, json };
}
