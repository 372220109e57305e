// The pure core: errors, policy, masking and the audit sentence. No I/O, no clock, no randomness.
export { parseApolloJson } from './apollo-json.js';
export { approvalStates } from './approvals.js';
export type { ApprovalState } from './approvals.js';
export {
  auditDecisions,
  completeAuditRecord,
  completeDeliveryRecord,
  describe,
  openDeliveryRecord,
  openAuditRecord,
  retiredTokenRules,
  settleApproval,
  stoppedBeforeAnswer,
  surfaces,
  targetOf,
} from './audit/index.js';
export type {
  AuditDecision,
  AuditOpening,
  AuditOutcome,
  AuditRecord,
  DeliveryOpening,
  DeliveryOutcome,
  DescribeInput,
  Surface,
} from './audit/index.js';
export { errorCodes } from './error-codes.js';
export { faultOf, GatewayFault, gatewayError, isGatewayError, toPublicError } from './errors.js';
export { httpStatusFor, retryAfterFor } from './error-status.js';
export type {
  BadRequestProblem,
  BudgetDetails,
  BusyReason,
  ErrorCode,
  GatewayError,
  GatewayErrorOf,
  InputIssue,
  PublicGatewayError,
  RateLimitScope,
  SharedState,
  UnauthenticatedReason,
  UpstreamDetails,
} from './error-codes.js';
export { escapeHtml, formatCredits, formatDuration, formatWait } from './format.js';
export { closestNames } from './suggest.js';
export {
  decide,
  effectiveLevels,
  explain,
  formatRule,
  grantSchema,
  grantTargets,
  isGrantTarget,
  levelSchema,
  levels,
  resolveGrant,
} from './policy/index.js';
export type {
  Decision,
  EffectiveLevel,
  Evaluation,
  Grant,
  Level,
  PolicyQuery,
  ResolvedGrant,
} from './policy/index.js';
export {
  maskInput,
  maskPersonal,
  maxRedactedFields,
  personalKindOf,
  redactableField,
  redactFields,
} from './redact.js';
export type { MaskOptions, PersonalKind, Redacted } from './redact.js';
export { err, ok } from './result.js';
export { ageInDays, secretAgeWarnings } from './secret-age.js';
export { dayMs, utcDay, utcMonth } from './periods.js';
export type { Period } from './periods.js';
export { learnReach, reachNote, reachOf } from './key-reach.js';
export type { KeyReach, Reach } from './key-reach.js';
export type { SecretAgeWarning, WatchedSecret } from './secret-age.js';
export type { Result } from './result.js';
export {
  consoleRoles,
  normaliseEmail,
  passwordLength,
  passwordProblem,
  type ConsoleRole,
} from './console-people.js';
