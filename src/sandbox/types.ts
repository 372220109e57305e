// The contract between the transport (this folder) and the simulated world (./world/). The
// transport authenticates, paces, parses and validates; the world owns the data and the business
// rules of each action. Declared structurally here so each side can be tested without the other.

/** Time source; tests pass a manual clock. */
export interface Clock {
  now(): number;
}

/** One asynchronous (phone / waterfall) enrichment result the world wants delivered later. */
export interface AsyncDelivery {
  /** Signed 64-bit integer, as decimal digits. */
  requestId: string;
  webhookUrl: string;
  delayMs: number;
  payload: unknown;
  credits: number;
}

/** What the world answers for one action. */
export type WorldResult =
  | { ok: true; body: unknown; credits: number; async?: AsyncDelivery[] }
  | { ok: false; status: 400 | 404 | 422; body: unknown };

/** The simulated Apollo team the sandbox serves. */
export interface SandboxWorld {
  readonly seed: number;
  /** API keys act as the team's owner (Apollo: the longest-standing admin). */
  readonly team: { readonly id: string; readonly ownerUserId: string };
  /** Runs one action; `input` has already been parsed by the action's input schema. */
  run(actionId: string, input: Record<string, unknown>, ctx: { userId: string }): WorldResult;
  profile(userId: string): Record<string, unknown> | undefined;
  users(): ReadonlyArray<Record<string, unknown>>;
}

/** Builds a world; the sandbox passes its seed and clock. */
export type WorldFactory = (options: { seed: number; now: () => number }) => SandboxWorld;
