// How Gatehouse reaches Apollo (or the sandbox standing in for it).
import type { CredentialSource } from '../ports/index.js';

/** The label of the in-process sandbox upstream. */
export const embeddedSandboxLabel = 'the embedded sandbox';

/** Where Apollo is and how to reach it. */
export interface UpstreamWiring {
  readonly baseUrl: string;
  /** Injected fetch (the embedded sandbox answers in process). */
  readonly fetch?: typeof fetch;
  readonly credential: CredentialSource;
  /** Says what the upstream is, for /readyz ("embedded sandbox", "api.apollo.io"). */
  readonly label: string;
  /** Releases what the credential holds (a shared lock's connection), on drain. */
  readonly close?: () => Promise<void>;
}

/** The cache namespace for an upstream: its host, in the characters the cache allows. */
export function cacheNamespace(baseUrl: string): string {
  let host = 'upstream';
  try {
    host = new URL(baseUrl).host;
  } catch {
    // keep the fallback
  }
  return host.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'upstream';
}
