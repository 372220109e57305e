// The shape any parameters must have before anything treats them as parameters: the same rule for
// query strings, JSON bodies, MCP arguments and CSV rows, in the gateway and in the sandbox.
//
// Two classes of hostile input are refused here, before validation, masking or any other walk:
// - keys that reach an object's prototype (`__proto__`, `constructor`, `prototype`). Assigned
//   naively they change what every object in the process inherits (prototype pollution); read
//   through a schema they let inherited values pose as the caller's parameters.
// - nesting deeper than any Apollo parameter needs, which would exhaust the stack of every
//   recursive walk (masking, redaction, hashing) with a few kilobytes of brackets.
// The walk itself is iterative, so no input can exhaust the stack while it is being checked.

/** Keys that are never parameters, at any depth, in any letter case. */
export const forbiddenKeys: readonly string[] = Object.freeze([
  '__proto__',
  'constructor',
  'prototype',
]);

const forbidden = new Set(forbiddenKeys);

/**
 * True for a key that must never become a property name, in any letter case, alone or as a
 * segment of a bracketed name (`a[__proto__]`, `constructor[prototype]`).
 */
export function isForbiddenKey(key: string): boolean {
  const k = key.toLowerCase();
  if (forbidden.has(k)) return true;
  return /[[\]]/.test(k) && k.split(/[[\]]+/).some((segment) => forbidden.has(segment));
}

/** Limits on the shape of parameters. */
export interface InputShapeLimits {
  /**
   * Deepest nesting accepted: the top-level object is depth 1. Apollo's deepest parameters (a
   * bulk create's `contacts[].phone_numbers[].raw_number`, `typed_custom_fields`) need 4.
   */
  readonly maxDepth: number;
  /** Most values (objects, arrays and scalars) in one input. */
  readonly maxValues: number;
}

/** The documented limits: 32 levels, 100,000 values. */
export const inputShapeLimits: InputShapeLimits = Object.freeze({
  maxDepth: 32,
  maxValues: 100_000,
});

/** Why an input was refused, with the path (`details.0.__proto__`) where it was found. */
export type InputShapeProblem =
  | { readonly kind: 'forbidden_key'; readonly key: string; readonly path: string }
  | { readonly kind: 'too_deep'; readonly path: string; readonly limit: number }
  | { readonly kind: 'too_many_values'; readonly limit: number }
  | { readonly kind: 'not_plain'; readonly path: string };

/** A plain JSON object: no prototype, or Object's own. Anything else may inherit values. */
function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const pathOf = (parts: readonly (string | number)[]) => parts.join('.');

/**
 * Checks parameters without recursion: returns the first problem found, or null when every key
 * is an ordinary name, every object is plain and nesting stays within the limits.
 */
export function inspectInputShape(
  value: unknown,
  limits: InputShapeLimits = inputShapeLimits,
): InputShapeProblem | null {
  const stack: Array<{ value: unknown; path: (string | number)[] }> = [{ value, path: [] }];
  let seen = 0;
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    seen += 1;
    if (seen > limits.maxValues) return { kind: 'too_many_values', limit: limits.maxValues };
    if (typeof v !== 'object' || v === null) continue;
    // path.length + 1 is this container's depth: the top level is 1.
    if (path.length + 1 > limits.maxDepth) {
      return { kind: 'too_deep', path: pathOf(path), limit: limits.maxDepth };
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--)
        stack.push({ value: v[i] as unknown, path: [...path, i] });
      continue;
    }
    if (!isPlainObject(v)) return { kind: 'not_plain', path: pathOf(path) };
    // Own keys only, including any "__proto__" that JSON.parse or defineProperty made an own key.
    for (const key of Object.keys(v)) {
      if (isForbiddenKey(key)) return { kind: 'forbidden_key', key, path: pathOf([...path, key]) };
      stack.push({ value: (v as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return null;
}

/** The problem in words for the caller, naming where it is and what to change. */
export function describeInputShapeProblem(problem: InputShapeProblem): string {
  switch (problem.kind) {
    case 'forbidden_key':
      return `The parameter name "${problem.key}" (at ${problem.path}) is not allowed: ${forbiddenKeys.map((k) => `"${k}"`).join(', ')} are never parameters. Remove it and send the call again.`;
    case 'too_deep':
      return `The parameters are nested deeper than ${problem.limit} levels (at ${problem.path || 'the top level'}); no Apollo parameter needs that. Send flat values or short lists.`;
    case 'too_many_values':
      return `The parameters hold more than ${problem.limit.toLocaleString('en-US')} values; split the call into smaller ones.`;
    case 'not_plain':
      return `The parameters at ${problem.path || 'the top level'} are not a plain JSON object.`;
  }
}
