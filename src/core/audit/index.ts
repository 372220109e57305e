export { describe, retiredTokenRules, stoppedBeforeAnswer, targetOf } from './describe.js';
export { completeDeliveryRecord, openDeliveryRecord } from './delivery.js';
export type { DeliveryOpening, DeliveryOutcome } from './delivery.js';
export type { DescribeInput } from './describe.js';
export {
  auditDecisions,
  completeAuditRecord,
  openAuditRecord,
  settleApproval,
  surfaces,
} from './record.js';
export type { AuditDecision, AuditOpening, AuditOutcome, AuditRecord, Surface } from './record.js';
