export { createApolloClient } from './client.js';
export type { ApolloClient, ApolloClientOptions, CallOptions } from './client.js';
export { parseRateLimitHeaders } from './headers.js';
export { buildRequest, credentialHeaders } from './request.js';
export type { BuiltRequest } from './request.js';
export type {
  Credential,
  RateLimitInfo,
  UpstreamError,
  UpstreamErrorKind,
  UpstreamSuccess,
} from './types.js';
