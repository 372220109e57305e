// The interfaces the gateway pipeline needs from the outside world. Types only: adapters in
// store/, upstream/ and cache/ implement them; tests pass small in-memory versions.
import type { z } from 'zod';

import type { ActionSpec } from '../catalog/index.js';
import type { AuditRecord } from '../core/index.js';
import type { Result } from '../core/result.js';
import type { Credential, UpstreamError, UpstreamSuccess } from './upstream.js';

/** Where a call came in. */
export type Surface = 'rest' | 'mcp' | 'cli' | 'admin';

/** An authenticated agent, as the pipeline needs it. */
export interface AgentIdentity {
  readonly id: string;
  readonly name: string;
  /** Response fields removed before the agent sees them (e.g. email, phone_numbers). */
  readonly redactedFields: readonly string[];
}

/** One grant row. */
export interface GrantRow {
  readonly target: string;
  readonly level: 'off' | 'read' | 'full';
  readonly requiresApproval: boolean;
}

/** Finds agents by token and notes their use. */
export interface AgentDirectory {
  authenticate(token: string): Promise<AgentIdentity | null>;
  /** Records last-used time and IP; may be batched, must not block the call. */
  noteUse(agentId: string, ip: string | null, at: number): void;
}

/** The grants of an agent. */
export interface GrantSource {
  grantsFor(agentId: string): Promise<readonly GrantRow[]>;
}

/**
 * The audit trail, over core's AuditRecord. `open` is durable before it resolves (the record exists
 * even if the process dies during the upstream call) and returns the record's id; a record that is
 * already `completed` (a refusal) is written complete in one write. An open record is completed once.
 */
export interface AuditSink {
  open(record: AuditRecord): Promise<string>;
  complete(id: string, record: AuditRecord): Promise<void>;
}

/** The team's current Apollo credential, or null when Apollo is not connected. */
export interface CredentialSource {
  current(): Promise<Credential | null>;
}

/** Calls Apollo. */
export interface Upstream {
  call<I extends z.ZodType, O extends z.ZodType>(
    action: ActionSpec<I, O>,
    input: Record<string, unknown>,
    credential: Credential,
  ): Promise<Result<UpstreamSuccess<z.output<O>>, UpstreamError>>;
}

/** Time, injectable. `now` is wall time in epoch ms; `monotonic` measures durations. */
export interface Clock {
  now(): number;
  monotonic(): number;
}

/** The logger interface; pino by default. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type {
  Credential,
  RateLimitInfo,
  UpstreamError,
  UpstreamErrorKind,
  UpstreamSuccess,
} from './upstream.js';
