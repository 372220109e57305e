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
export {
  buildAuthorizationUrl,
  checkCallback,
  defaultAccessTokenLifetimeMs,
  exchangeCode,
  newAuthorizationSecrets,
  oauthEndpoints,
  refreshTokens,
  sameSecret,
} from './oauth.js';
export type {
  AuthorizationSecrets,
  CheckedCallback,
  OAuthClientCredentials,
  OAuthEndpoints,
  OAuthFailure,
  OAuthFailureCode,
  TokenRequestOptions,
  TokenSet,
} from './oauth.js';
export { fetchTransport, httpTransport, maxResponseBytes, TransportTimeout } from './transport.js';
export type { HeaderReader, Transport, TransportRequest, TransportResponse } from './transport.js';
