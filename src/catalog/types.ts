import type { z } from 'zod';

/** Capability groups: the coarse grant vocabulary (design.md "Actions"). */
export const groups = [
  'people',
  'organizations',
  'news',
  'contacts',
  'accounts',
  'deals',
  'labels',
  'fields',
  'notes',
  'calls',
  'conversations',
  'emails',
  'sequences',
  'tasks',
  'reports',
  'admin',
] as const;
export type Group = (typeof groups)[number];

/** Whether an action only reads Apollo data or changes the team's records. */
export type Access = 'read' | 'write';

/**
 * What a call does beyond its grant level, for approvals and the audit:
 * - `read`: changes nothing and spends nothing;
 * - `write`: changes one of the team's own records;
 * - `bulk_write`: changes many records in one call (the audit and approval say how many);
 * - `outbound`: can reach a person outside the team (sends mail, starts a sequence): held for an
 *   admin's approval by default, even under `full`;
 * - `spend`: spends Apollo credits;
 * - `admin`: changes team-wide configuration (custom fields).
 */
export const effects = ['read', 'write', 'bulk_write', 'outbound', 'spend', 'admin'] as const;
export type Effect = (typeof effects)[number];

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT';

/** Apollo's rate-limit families; each plan gives each family its own per-endpoint windows. */
export type RateClass =
  'search' | 'enrichment' | 'bulk_enrichment' | 'report' | 'conversation_export' | 'default';

/**
 * How an action spends Apollo credits.
 * - `none`: free.
 * - `per_page`: a fixed price per page requested (organization search).
 * - `per_record`: a price per record that returned credit-bearing data, plus extras when the
 *   call reveals a mobile phone or personal email, and a vendor-dependent waterfall cost.
 */
export type CreditRule =
  | { kind: 'none' }
  | { kind: 'per_page'; perPage: number }
  | {
      kind: 'per_record';
      perRecord: number;
      mobilePhone?: number;
      personalEmail?: number;
      /** Upper bound Gatehouse assumes per record for waterfall enrichment (vendor-dependent). */
      waterfall?: number;
    }
  | {
      /**
       * Recorded conversations: a price per conversation that has AI insights, the others free.
       * An export's answer does not say how many it covered, so Gatehouse reserves and counts
       * `assumed` conversations for it; a single conversation is priced from its answer.
       */
      kind: 'per_insight';
      perConversation: number;
      assumed: number;
    };

/** Pagination limits Apollo applies to a search. */
export interface PaginationRule {
  maxPerPage: number;
  maxPage: number;
  maxRecords: number;
  /** `total_entries_only`: people API search answers `{total_entries, people}` with no pagination object. */
  style: 'pagination_object' | 'total_entries_only';
  /** The response key holding the page's rows. */
  rowsKey: string;
}

/** MCP tool annotations, derived from the action's nature. */
export interface ActionHints {
  readOnly: boolean;
  destructive: boolean;
  idempotent: boolean;
  openWorld: boolean;
}

/** One Apollo endpoint that agents may call, described as data. */
export interface ActionSpec<
  I extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType,
  Id extends string = string,
> {
  /** Policy vocabulary id, `group.verb`. */
  readonly id: Id;
  readonly group: Group;
  /** The grant level a call needs: `read` (read or full) or `write` (full). */
  readonly access: Access;
  readonly effect: Effect;
  /** True for outbound actions: held for an admin even under `full` unless granted `--no-approval`. */
  readonly approvalByDefault: boolean;
  /** Short human title ("Search people"). */
  readonly title: string;
  /** The method Apollo documents. */
  readonly method: HttpMethod;
  /** Other methods Apollo also answers on this path (real clients use them). */
  readonly altMethods: readonly HttpMethod[];
  /** Path template under the API host, e.g. `/api/v1/contacts/{contact_id}`. */
  readonly path: string;
  /** Other paths Apollo answers the same way (undocumented aliases real clients call). */
  readonly altPaths: readonly string[];
  /** Names of `{params}` in the path; each is also a required input field. */
  readonly pathParams: readonly string[];
  /** Input fields Apollo reads from the query string even when the body is JSON. */
  readonly queryParams: readonly string[];
  /** The scope string a standard API key must have ticked (appears in Apollo's 403 text). */
  readonly keyScope: string;
  /** Null where Apollo accepts no OAuth token at all (master key only, e.g. email stats). */
  readonly oauthScope: string | null;
  /** True where Apollo refuses standard (scoped) keys entirely. */
  readonly masterKeyOnly: boolean;
  readonly rateClass: RateClass;
  readonly credits: CreditRule;
  readonly pagination?: PaginationRule;
  readonly input: I;
  readonly output: O;
  /** Written for a model: what it does, what it costs, what it returns. */
  readonly description: string;
  /** Verb phrase for the audit sentence: "searched the people database". */
  readonly phrase: string;
  /** The same verb phrase in the infinitive, for attempts: "tried to search the people database". */
  readonly intent: string;
  /** The call's target in words ("for titles 'VP Sales' in Germany"); receives masked input. */
  readonly target: (input: Record<string, unknown>) => string;
  /** Input fields holding personal data, masked in audit records by default. */
  readonly personalFields: readonly string[];
  /**
   * Response fields that hold the team's own secrets (a mail provider's API key in an email
   * account): removed from every answer before any agent sees it, cached or not.
   */
  readonly secretFields: readonly string[];
  /** Every parameter name the input schema documents (path parameters included). */
  readonly paramNames: readonly string[];
  /**
   * Inputs Apollo's documentation gives as examples: each
   * must pass `input`, so Gatehouse is never stricter than Apollo.
   */
  readonly examples: readonly Record<string, unknown>[];
  /** For bulk writes: how many records this input touches (said in the audit and the approval). */
  readonly recordCount?: (input: Record<string, unknown>) => number;
  /** True when this input asks for revealed personal data or waterfall enrichment. */
  readonly needsReveal: (input: Record<string, unknown>) => boolean;
  readonly hints: ActionHints;
  /** True when repeating this exact call cannot do harm twice (reads, updates, deduplicated creates). */
  readonly retrySafe: (input: Record<string, unknown>) => boolean;
  /**
   * For a write whose answer was lost: how the agent finds out whether it took effect before
   * making it again, as a sentence ("search the team's contacts for its email …").
   */
  readonly verify: (input: Record<string, unknown>) => string;
  /** Set on actions whose answer can be completed later by Apollo's webhook. */
  readonly delivery?: AsyncDeliverySpec;
}

/** Parts of an answer Apollo sends later by webhook (phone reveal, waterfall). */
export interface AsyncDeliverySpec {
  /** True when this input (raw or parsed) asks for something Apollo delivers later. */
  readonly asks: (input: Record<string, unknown>) => boolean;
  /** What will be delivered, in words ("phone numbers"). */
  readonly what: (input: Record<string, unknown>) => string;
  /** Apollo's request id when its answer says a delivery will follow; null when none will. */
  readonly expected: (body: unknown) => string | null;
}

/** An Apollo endpoint Gatehouse itself needs that is not an agent action (OAuth, identity, async results). */
export interface EndpointSpec {
  readonly id: string;
  readonly method: HttpMethod;
  readonly altMethods: readonly HttpMethod[];
  /** `api` is the REST host; `app` is the web-app host that serves OAuth. */
  readonly host: 'api' | 'app';
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly keyScope: string | null;
  readonly oauthScope: string | null;
  readonly description: string;
}
