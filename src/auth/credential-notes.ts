// Which kind of credential the running request authenticated with, so its audit record can say so
// without a column of its own: the record's sentence ends by naming an OAuth connection. The note
// travels in an AsyncLocalStorage, one per app, as the request id does.
import { AsyncLocalStorage } from 'node:async_hooks';

import type { MiddlewareHandler } from 'hono';

import type { AuditSink } from '../ports/index.js';

/** Appended to the sentence of a record written for a call made with an OAuth access token. */
export const oauthSentenceNote = ' Credential: an OAuth access token (an MCP app connection).';

/** The notes of one app. */
export interface CredentialNotes {
  /** Middleware: gives the request a place for its note. */
  middleware(): MiddlewareHandler;
  /** The running request authenticated with an OAuth access token. */
  noteOAuth(): void;
  /** `sink`, noting the credential in the sentence of records written while a request runs. */
  sink(sink: AuditSink): AuditSink;
}

/** Creates the notes of one app. */
export function createCredentialNotes(): CredentialNotes {
  const store = new AsyncLocalStorage<{ oauth: boolean }>();
  const noted = <R extends { readonly sentence: string }>(r: R): R =>
    store.getStore()?.oauth && !r.sentence.endsWith(oauthSentenceNote)
      ? { ...r, sentence: `${r.sentence}${oauthSentenceNote}` }
      : r;
  return {
    middleware: () => (_c, next) => store.run({ oauth: false }, next),
    noteOAuth() {
      const note = store.getStore();
      if (note) note.oauth = true;
    },
    sink: (sink) => ({
      open: (r) => sink.open(noted(r)),
      complete: (id, r) => sink.complete(id, noted(r)),
    }),
  };
}
