// Anomaly alerts: the rules (detector), their evaluation over the shared audit table under a lease
// (evaluator), and new-address checks shared by replicas (addresses). The store is a port.
export { createAddressWatch } from './addresses.js';
export type { AddressWatch } from './addresses.js';
export {
  alertKey,
  alertKinds,
  createAlertDetector,
  detectorMemoryMs,
  newAddressAlert,
} from './detector.js';
export type {
  AlertDetector,
  AlertKind,
  AlertOptions,
  BudgetState,
  DetectedAlert,
} from './detector.js';
export { auditEvaluationLease, createAlertEvaluator } from './evaluator.js';
export type { AlertEvaluator, EvaluatorDeps, EvaluatorOptions } from './evaluator.js';
