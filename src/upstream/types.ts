export type {
  Credential,
  RateLimitInfo,
  UpstreamError,
  UpstreamErrorKind,
  UpstreamSuccess,
} from '../ports/upstream.js';
