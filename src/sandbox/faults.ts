import { z } from 'zod';

import { seededRandom, type Random } from './random.js';

/** Faults injected into one route (or every route, under the target `*`). */
export const faultSpecSchema = z.strictObject({
  /** Milliseconds added before answering. */
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  /** Share of calls answered 500, 502 or 503 without doing any work (0–1). */
  errorRate: z.number().min(0).max(1).optional(),
  /** Share of successful calls whose JSON body is cut short, still with status 200 (0–1). */
  malformedRate: z.number().min(0).max(1).optional(),
  /** Answer every call with this status without doing any work. */
  status: z.number().int().min(400).max(599).optional(),
});
export type FaultSpec = z.infer<typeof faultSpecSchema>;

/** What to do to one call. */
export interface FaultDecision {
  latencyMs: number;
  outcome:
    | { kind: 'none' }
    | { kind: 'status'; status: number }
    | { kind: 'error'; status: 500 | 502 | 503 }
    | { kind: 'malformed' };
}

/** Programmatic fault injection (also served at /__sandbox/faults). */
export interface Faults {
  /** Sets (replaces) the faults of a route id or `*`; throws on an unknown target or bad spec. */
  set(target: string, spec: FaultSpec): void;
  get(target: string): FaultSpec | undefined;
  list(): Record<string, FaultSpec>;
  /** Clears one target, or all of them. */
  clear(target?: string): void;
}

/** The fault store plus the per-call decision the request pipeline uses. */
export interface FaultInjector extends Faults {
  decide(routeId: string): FaultDecision;
}

/** The `*` target applies to every route; a route's own settings override it field by field. */
export const allRoutes = '*';

const errorStatuses = [500, 502, 503] as const;

/**
 * Decisions come from a seeded stream per route, and every call draws the same number of values
 * whatever is configured, so a given seed and sequence of calls always fails the same way.
 */
export function createFaults(seed: number, targets: readonly string[]): FaultInjector {
  const known = new Set([allRoutes, ...targets]);
  const specs = new Map<string, FaultSpec>();
  const streams = new Map<string, Random>();

  const stream = (id: string): Random => {
    let r = streams.get(id);
    if (!r) {
      r = seededRandom(seed, `faults:${id}`);
      streams.set(id, r);
    }
    return r;
  };

  return {
    set(target, spec) {
      if (!known.has(target)) {
        throw new Error(`unknown fault target '${target}': use '*' or an action or endpoint id`);
      }
      const parsed = faultSpecSchema.safeParse(spec);
      if (!parsed.success) throw new Error(`invalid fault spec: ${z.prettifyError(parsed.error)}`);
      specs.set(target, parsed.data);
    },
    get: (target) => specs.get(target),
    list: () => Object.fromEntries(specs),
    clear(target) {
      if (target === undefined) specs.clear();
      else specs.delete(target);
    },
    decide(routeId) {
      const random = stream(routeId);
      const [errorDraw, statusDraw, malformedDraw] = [random(), random(), random()];
      const spec = { ...specs.get(allRoutes), ...specs.get(routeId) };
      const latencyMs = spec.latencyMs ?? 0;
      if (spec.status !== undefined)
        return { latencyMs, outcome: { kind: 'status', status: spec.status } };
      if (errorDraw < (spec.errorRate ?? 0)) {
        const status = errorStatuses[Math.floor(statusDraw * errorStatuses.length)] ?? 500;
        return { latencyMs, outcome: { kind: 'error', status } };
      }
      if (malformedDraw < (spec.malformedRate ?? 0))
        return { latencyMs, outcome: { kind: 'malformed' } };
      return { latencyMs, outcome: { kind: 'none' } };
    },
  };
}

const reasons: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The body of an injected failure: says plainly that the sandbox made it up. */
export function faultBody(status: number): { error: string; error_code: string } {
  return {
    error: `${reasons[status] ?? `HTTP ${status}`} (injected by the sandbox)`,
    error_code: 'SANDBOX_FAULT',
  };
}

/** Cuts a JSON text short so no parser accepts it. */
export function truncateJson(text: string): string {
  if (text.length <= 1) return '{';
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}
