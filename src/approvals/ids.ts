// Approval ids and the binding of a held call to its exact input.
import { createHash, randomBytes } from 'node:crypto';

/** A new approval id: `apr_` and 16 random bytes (agents poll it; ownership is checked too). */
export function newApprovalId(): string {
  return `apr_${randomBytes(16).toString('hex')}`;
}

/**
 * JSON with object keys sorted, so the same input always hashes the same. It recurses: only
 * validated input reaches it, which the pipeline's shape check bounds to 32 levels.
 */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** SHA-256 of the input's canonical JSON: what an approval is bound to. */
export function approvalInputHash(input: Record<string, unknown>): string {
  return createHash('sha256').update(canonical(input)).digest('hex');
}
