export { decide } from './decide.js';
export { effectiveLevels } from './effective-levels.js';
export type { EffectiveLevel } from './effective-levels.js';
export { resolveGrant } from './evaluate.js';
export type { Decision, Evaluation, PolicyQuery, ResolvedGrant } from './evaluate.js';
export { explain } from './explain.js';
export {
  formatRule,
  grantSchema,
  grantTargets,
  isGrantTarget,
  levelSchema,
  levels,
} from './grant.js';
export type { Grant, Level } from './grant.js';
