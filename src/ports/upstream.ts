import type { Window } from '../catalog/index.js';

/** The team's Apollo credential. Sent only in headers, never in a URL or body. */
export type Credential =
  | { readonly kind: 'apikey'; readonly key: string }
  | { readonly kind: 'oauth'; readonly accessToken: string };

/** Per-window figures from Apollo's rate-limit headers; null where Apollo left a window unlimited. */
export interface RateLimitInfo {
  readonly limit: Readonly<Record<Window, number | null>>;
  readonly usage: Readonly<Record<Window, number | null>>;
  readonly left: Readonly<Record<Window, number | null>>;
  /** `retry-after` in seconds (429 only). */
  readonly retryAfterSeconds: number | null;
}

/** A 2xx answer from Apollo. */
export interface UpstreamSuccess<T = unknown> {
  readonly status: number;
  readonly body: T;
  /** Null when Apollo sent no rate-limit headers. */
  readonly rate: RateLimitInfo | null;
  readonly durationMs: number;
  /** Non-empty when the body did not match the catalog's output schema (passed through as is). */
  readonly schemaWarnings: readonly string[];
  /** How long the call waited for Apollo's windows before it was sent (ms), and for which. */
  readonly waitedMs?: number;
  readonly waitedFor?: Window;
}

interface HttpFailure<K extends string, S extends number> {
  readonly kind: K;
  readonly status: S;
  /** Apollo's own message (its `error`, `message` or `error_message`, or the plain-text body). */
  readonly message: string;
  /** Apollo's `error_code` when it sent one (e.g. API_INACCESSIBLE, INVALID_ACCESS_TOKEN). */
  readonly errorCode: string | null;
  /** The body exactly as Apollo sent it (parsed JSON, or text). */
  readonly body: unknown;
  readonly rate: RateLimitInfo | null;
  readonly durationMs: number;
}

/**
 * Why Gatehouse's pacer did not send a call: its queue for the endpoint is full, the wait for a
 * window is longer than a call may wait, the caller gave up, Gatehouse is shutting down, or the
 * rate windows replicas share (Redis) cannot be reached.
 */
export type NotSentReason =
  'queue_full' | 'wait_too_long' | 'cancelled' | 'closed' | 'shared_unavailable';

/** Every way a call to Apollo can fail, each a distinct value. */
export type UpstreamError =
  | HttpFailure<'unauthorized', 401>
  | HttpFailure<'forbidden', 403>
  | HttpFailure<'not_found', 404>
  | HttpFailure<'invalid_request', 400 | 422>
  | (HttpFailure<'rate_limited', 429> & {
      readonly retryAfterSeconds: number | null;
      /** The window Apollo named in its message, when it did. */
      readonly window: Window | null;
    })
  | HttpFailure<'server_error', number>
  | HttpFailure<'unexpected_status', number>
  | {
      readonly kind: 'malformed_response';
      readonly status: number;
      readonly message: string;
      readonly rate: RateLimitInfo | null;
      readonly durationMs: number;
    }
  | {
      readonly kind: 'network';
      readonly message: string;
      readonly durationMs: number;
      /** False only when no connection was made, so Apollo cannot have received the request. */
      readonly sent: boolean;
    }
  | {
      /** Gatehouse did not send the call: its pacer refused it, so Apollo never saw it. */
      readonly kind: 'not_sent';
      readonly reason: NotSentReason;
      /** The refusal in words, for logs; what the agent reads is core's error for the reason. */
      readonly message: string;
      /** Whole seconds, at least 1: when a retry could go. */
      readonly retryAfterSeconds: number;
      /** The window that is spent by Gatehouse's count, when one blocks the call. */
      readonly window: Window | null;
      /** Calls that were waiting ahead of this one. */
      readonly waiting: number;
      readonly durationMs: number;
    }
  | {
      readonly kind: 'timeout';
      readonly message: string;
      readonly timeoutMs: number;
      readonly durationMs: number;
      /** False only when no connection was made, so Apollo cannot have received the request. */
      readonly sent: boolean;
    };

/** The kinds of UpstreamError. */
export type UpstreamErrorKind = UpstreamError['kind'];
