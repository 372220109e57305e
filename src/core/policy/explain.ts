import { evaluate } from './evaluate.js';
import type { Evaluation, PolicyQuery } from './evaluate.js';

/** The decision `decide` would make, with one line per grant considered and per step (`gatehouse explain`). */
export function explain(query: PolicyQuery): Evaluation {
  return evaluate(query);
}
