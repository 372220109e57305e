// The life of a held call (design.md "Policy": held calls are approved, rejected or expire).

/** Where a held call stands: pending → approved → done | failed, or rejected | expired. */
export const approvalStates = [
  'pending',
  'approved',
  'rejected',
  'expired',
  'done',
  'failed',
] as const;

export type ApprovalState = (typeof approvalStates)[number];
