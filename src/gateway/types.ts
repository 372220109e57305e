// The pipeline's vocabulary: what surfaces hand it, what it answers, what it needs.
import type { ActionSpec } from '../catalog/index.js';
import type { AuditRecord, GatewayError } from '../core/index.js';
import type { Result } from '../core/result.js';
import type { Deliveries, ResultAnswer } from '../deliveries/deliveries.js';
import type { Pacer, PacerSnapshot } from '../pacing/index.js';
import type {
  AgentDirectory,
  AgentRateLimiter,
  AgentIdentity,
  ApprovalState,
  ApprovalStore,
  AuditSink,
  Clock,
  CreditLedger,
  CredentialSource,
  EnrichmentCachePort,
  GrantRow,
  GrantSource,
  Logger,
  NewApproval,
  RateLimitInfo,
  SharedReservations,
  StoredApproval,
  Surface,
  Upstream,
} from '../ports/index.js';

/** What every surface hands the pipeline. */
export interface GatewayRequest {
  readonly surface: Surface;
  /** The agent token as presented, or null when none was. */
  readonly token: string | null;
  readonly ip: string | null;
  /** A catalog action id; anything else is denied as an unknown action. */
  readonly actionId: string;
  /** Raw parameters (path parameters included), validated here with the catalog schema. */
  readonly input: unknown;
  /** The method and path the caller used, when it came over HTTP (names unknown actions). */
  readonly route?: { readonly method: string; readonly path: string };
  /** What the agent says the call is for, shown to the admin when the call is held. */
  readonly reason?: string;
}

/** A successful call. */
export interface GatewaySuccess {
  readonly status: number;
  readonly body: unknown;
  readonly rate: RateLimitInfo | null;
  readonly auditId: string;
  readonly credits: number;
  readonly action: ActionSpec;
  readonly agent: AgentIdentity;
  /** How many response fields the agent's redaction settings removed. */
  readonly redacted: number;
  /** How long the call waited for Apollo's windows (ms). */
  readonly waitedMs?: number;
  /** Set when the enrichment cache answered all or part of the call. */
  readonly cache?: { readonly hit: 'full' | 'partial'; readonly savedCredits: number };
  /** Set when Apollo will deliver part of the answer later (phone reveal, waterfall). */
  readonly delivery?: { readonly requestId: string; readonly what: string };
}

/** A refused or failed call, with the id of its audit record. */
export interface GatewayFailure {
  readonly error: GatewayError;
  readonly auditId: string;
  readonly action: ActionSpec | null;
}

export type GatewayOutcome = Result<GatewaySuccess, GatewayFailure>;

/** The pipeline's collaborators, passed explicitly (no singletons). */
export interface GatewayDeps {
  readonly agents: AgentDirectory;
  readonly grants: GrantSource;
  readonly audit: AuditSink;
  readonly credentials: CredentialSource;
  readonly upstream: Upstream;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The pacer, for headroom reports (the pacing itself happens in the upstream chain). */
  readonly pacer?: Pick<Pacer, 'snapshot'>;
  /** The enrichment cache; without it every call goes to Apollo. */
  readonly cache?: EnrichmentCachePort;
  /** Credits spent per agent, for budgets; without it budgets are not enforced. */
  readonly ledger?: CreditLedger;
  /** Told which actions the team's Apollo API key reached or was refused (403 API_INACCESSIBLE). */
  readonly reach?: { note(actionId: string, reachable: boolean): void };
  /** Keep personal data unmasked in audit records (off by default). */
  readonly auditKeepPersonal?: boolean;
  /**
   * Parameters Apollo does not document: refused with 422 UNKNOWN_PARAMETER (the default: Apollo
   * would silently ignore them, e.g. an unfiltered search), or forwarded as given (audited).
   */
  readonly unknownParams?: 'refuse' | 'forward';
  /** Held calls; without it a grant that requires approval refuses (fails closed). */
  readonly approvals?: ApprovalStore;
  /** How long a held call waits for an admin (default 1 hour). */
  readonly approvalTtlMs?: number;
  /** Told when a call is held (the notification webhook); must not throw or block. */
  readonly onApprovalRequested?: (held: NewApproval, sentence: string) => void;
  /** Credits in flight shared by replicas (Redis); without it they are counted per process. */
  readonly reservations?: SharedReservations;
  /** Each agent's own requests-per-minute limit; without it the limits are not enforced. */
  readonly agentRate?: AgentRateLimiter;
  /** Asynchronous deliveries; without it phone reveals and waterfalls cannot be asked for. */
  readonly deliveries?: Pick<Deliveries, 'receiver' | 'expect' | 'result'>;
}

/** The one request pipeline every surface calls. */
export interface Gateway {
  handle(request: GatewayRequest): Promise<GatewayOutcome>;
  /** Resolves when no call is in flight (graceful shutdown). */
  drain(): Promise<void>;
  /**
   * From now on every call is refused, recorded, as Gatehouse shutting down (503
   * GATEHOUSE_SHUTTING_DOWN, nothing sent to Apollo); calls already past that step finish.
   */
  stopAccepting(): void;
  /** Calls in flight now. */
  inFlight(): number;
  /**
   * Records and returns the refusal of a request a surface could not even hand over as a call
   * (malformed JSON, a wrong method, a credential in the URL, a malformed protocol message). The
   * refusal stands whoever asked; the token is checked only so the record names the agent.
   */
  refuseRequest(request: RefusedRequest): Promise<GatewayFailure>;
  /** The agent behind a token, without auditing (surfaces that hold sessions re-check with it). */
  identify(token: string): Promise<AgentIdentity | null>;
  /** The agent's current grants (tool lists, whoami). */
  grantsFor(agentId: string): Promise<readonly GrantRow[]>;
  /** Credits the agent spent this UTC day and month (calls in flight included), null without a ledger. */
  spentCredits(agentId: string): Promise<{ day: number; month: number } | null>;
  /** The pacer's view of an action's windows (sent, left, resets, queue), when pacing is on. */
  headroom(actionId: string): PacerSnapshot | null;
  /**
   * An agent asking for an asynchronous delivery by Apollo's request id (webhook_result): its own
   * deliveries only, redacted like its calls. An unauthenticated ask is refused and audited.
   */
  deliveryResult(request: DeliveryResultRequest): Promise<Result<ResultAnswer, GatewayFailure>>;
  /** An agent asking how its held call stands (its own approvals only). */
  approvalStatus(request: ApprovalStatusRequest): Promise<Result<ApprovalAnswer, GatewayFailure>>;
  /** Held calls, newest first (the admin's queue). */
  listApprovals(filter: Parameters<ApprovalStore['list']>[0]): Promise<StoredApproval[]>;
  /**
   * An admin's answer. Approving runs the held call once, with the input it was held with, after
   * checking again that the agent is active and still granted; rejecting refuses it for good.
   */
  answerApproval(
    id: string,
    answer: AdminAnswer,
  ): Promise<Result<AnsweredApproval, ApprovalProblem>>;
  /** Expires held calls nobody answered in time; returns how many. */
  expireApprovals(): Promise<number>;
}

/** A request refused by its surface before it became a call. */
export interface RefusedRequest {
  readonly surface: Surface;
  readonly token: string | null;
  readonly ip: string | null;
  /** What was asked, in the surface's words ("tools/call"). */
  readonly route: string;
  readonly error: GatewayError;
  /** The rule shown in the record ("malformed request"). */
  readonly rule: string;
}

/** What a surface hands the gateway when an agent asks about a held call. */
export interface ApprovalStatusRequest {
  readonly surface: Surface;
  readonly token: string | null;
  readonly ip: string | null;
  readonly approvalId: string;
  readonly route: string;
}

/** The agent's view of its held call: an HTTP-like status and an Apollo-style body. */
export interface ApprovalAnswer {
  readonly status: number;
  readonly state: ApprovalState | 'unknown';
  readonly body: unknown;
  readonly retryAfterSeconds?: number;
}

/** An admin's decision on a held call. */
export interface AdminAnswer {
  readonly approve: boolean;
  /** Who answered ("admin", "cli:alice"). */
  readonly by: string;
  readonly note?: string | null;
}

/** A held call after the admin's answer; `outcome` is the call's own result when it ran. */
export interface AnsweredApproval {
  readonly approval: StoredApproval;
  readonly outcome?: GatewayOutcome;
}

/** Why an answer could not be given. */
export interface ApprovalProblem {
  readonly code: 'not_found' | 'not_pending' | 'expired';
  readonly message: string;
  readonly state?: ApprovalState;
}

/** What a surface hands the gateway when an agent asks for a delivery. */
export interface DeliveryResultRequest {
  readonly surface: Surface;
  readonly token: string | null;
  readonly ip: string | null;
  readonly requestId: string;
  /** The route asked, for the audit record of a refusal. */
  readonly route: string;
}

export type { AuditRecord };
