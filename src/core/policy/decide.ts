import { evaluate } from './evaluate.js';
import type { Decision, PolicyQuery } from './evaluate.js';

/**
 * May this agent make this call? Deny by default; a per-action grant beats its group grant; `read`
 * allows reads, `full` reads and writes; reveals also need `people.reveal`; approval grants hold.
 */
export function decide(query: PolicyQuery): Decision {
  return evaluate(query).decision;
}
