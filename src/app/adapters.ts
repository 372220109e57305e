// Adapters from the store's repositories to the ports the pipeline needs. Kept in the composition
// root, so neither the store nor the gateway knows about the other.
import { cacheableActionIds, mergeBulk, splitBulk, type EnrichmentCache } from '../cache/index.js';
import { learnReach, type AuditRecord, type KeyReach } from '../core/index.js';
import { hashToken, type Agent } from '../store/index.js';
import type {
  AgentDirectory,
  AgentIdentity,
  AuditReader,
  AuditSink,
  Credential,
  CreditLedger,
  CredentialSource,
  EnrichmentCachePort,
  GrantRow,
  GrantSource,
  Logger,
} from '../ports/index.js';

import { loadConnection, type StoreServices } from '../store/open-store.js';

import { callVersions, versionedCache } from './read-cache.js';

export { loadConnection };

/** Agents by token; last-used time and IP are written in the background, once a second at most. */
export function createAgentDirectory(
  store: StoreServices,
  logger: Logger,
): AgentDirectory & { flush(): Promise<void>; stop(): void } {
  const pending = new Map<string, { ip: string | null; at: number }>();
  const flush = async () => {
    const batch = [...pending.entries()];
    pending.clear();
    for (const [id, use] of batch) {
      await store.agents
        .touch(id, use.ip, use.at)
        .catch((e: unknown) => logger.warn({ err: e, agentId: id }, 'could not record agent use'));
    }
  };
  const timer = setInterval(() => void flush(), 1000);
  timer.unref();
  // Only tokens that found an agent are kept (by hash): unknown tokens never fill the memory.
  const byToken = versionedCache<string, AgentIdentity | null>(
    callVersions(store.handle.changeVersion).version,
    (agent) => agent !== null,
  );
  return {
    async authenticate(token: string): Promise<AgentIdentity | null> {
      return byToken.get(hashToken(token), async () => {
        const agent = await store.agents.findByToken(token);
        return agent ? identity(agent) : null;
      });
    },
    async retired(token: string) {
      const found = await store.agents.findRetiredToken(token);
      return found
        ? { agentId: found.agent.id, agentName: found.agent.name, why: found.why }
        : null;
    },
    async byId(agentId: string): Promise<AgentIdentity | null> {
      const agent = await store.agents.get(agentId);
      return agent && agent.id === agentId && agent.revokedAt === null ? identity(agent) : null;
    },
    noteUse(agentId, ip, at) {
      pending.set(agentId, { ip, at });
    },
    flush,
    stop: () => clearInterval(timer),
  };
}

function identity(agent: Agent): AgentIdentity {
  return {
    id: agent.id,
    name: agent.name,
    redactedFields: agent.redactedFields,
    creditBudgetDay: agent.creditBudgetDay,
    creditBudgetMonth: agent.creditBudgetMonth,
    requestsPerMinute: agent.requestsPerMinute,
  };
}

/** Grants from the store, kept while the store's change version stands: every call sees the latest. */
export function createGrantSource(store: StoreServices): GrantSource {
  const cache = versionedCache<string, readonly GrantRow[]>(
    callVersions(store.handle.changeVersion).version,
  );
  return {
    grantsFor: (agentId: string): Promise<readonly GrantRow[]> =>
      cache.get(agentId, async () =>
        (await store.grants.list(agentId)).map((g) => ({
          target: g.target,
          level: g.level,
          requiresApproval: g.requiresApproval,
          noApproval: g.noApproval,
        })),
      ),
  };
}

/** The credit ledger: the credits recorded on the agent's audit records. */
export function createCreditLedger(store: StoreServices): CreditLedger {
  return { spent: (agentId, since) => store.audit.sumCredits({ agentId, since }) };
}

/** An agent's own recent audit records. */
export function createAuditReader(store: StoreServices): AuditReader {
  return {
    async recent(agentId, limit) {
      const page = await store.audit.query({ agentId, limit });
      return page.records.map((r) => ({
        id: r.id,
        time: r.time,
        action: r.action,
        decision: r.decision,
        sentence: r.sentence,
      }));
    },
  };
}

/**
 * The audit sink over the append-only audit repository, with group commit. `requestId` names the
 * HTTP request running when a record is first written, if any.
 */
export function createAuditSink(
  store: StoreServices,
  now: () => number,
  options: { readonly requestId?: () => string | undefined } = {},
): AuditSink {
  const writer = store.auditWriter;
  const fields = (r: AuditRecord) => ({
    rule: r.rule,
    reason: r.reason,
    upstreamStatus: r.upstreamStatus,
    credits: r.credits ?? 0,
    durationMs: r.durationMs,
    sentence: r.sentence,
    errorCode: r.errorCode ?? r.upstreamErrorCode,
  });
  return {
    async open(r) {
      const result = await writer.open({
        time: r.time,
        agentId: r.agentId,
        agentName: r.agentName,
        surface: r.surface,
        action: r.action,
        target: r.target,
        params: r.params,
        decision: r.decision,
        ...fields(r),
        completedAt: r.completed ? now() : null,
        requestId: options.requestId?.() ?? null,
      });
      if (!result.ok) throw new Error(`audit record not written: ${result.error.message}`);
      return result.value.id;
    },
    async complete(id, r) {
      // The decision goes too: a held (pending) record completes as approved, rejected or expired.
      const result = await writer.complete(id, {
        ...fields(r),
        decision: r.decision,
        completedAt: now(),
      });
      if (!result.ok) throw new Error(`audit record ${id} not completed: ${result.error.message}`);
    },
  };
}

/** A fixed credential (the embedded sandbox's key). */
export function fixedCredential(credential: Credential): CredentialSource {
  return { current: async () => credential };
}

/**
 * The stored, sealed Apollo connection. Unsealing costs a decryption per call, so the unsealed
 * credential is kept while the stored row is unchanged (same update time and key id); a
 * `gatehouse connect` from another process changes both and is seen on the next call.
 */
export function storedCredential(store: StoreServices): CredentialSource {
  let cached: { stamp: string; credential: Credential | null } | null = null;
  const infos = versionedCache<'connection', Awaited<ReturnType<typeof store.connection.info>>>(
    callVersions(store.handle.changeVersion).version,
  );
  return {
    async current(): Promise<Credential | null> {
      const info = await infos.get('connection', () => store.connection.info());
      if (!info) return null;
      const stamp = `${info.updatedAt}:${info.keyId}`;
      if (cached?.stamp === stamp) return cached.credential;
      const c = await loadConnection(store);
      let credential: Credential | null = null;
      if (c?.kind === 'apikey' && typeof c.credential.key === 'string')
        credential = { kind: 'apikey', key: c.credential.key };
      if (c?.kind === 'oauth' && typeof c.credential.accessToken === 'string') {
        credential = { kind: 'oauth', accessToken: c.credential.accessToken };
      }
      cached = c ? { stamp: `${c.updatedAt}:${c.keyId}`, credential } : null;
      return credential;
    },
  };
}

/**
 * Records in the connection's metadata which actions the team's API key reached or was refused,
 * so `gatehouse explain` and the console can say so. Writes only when something is new, one at a
 * time, off the call's path.
 */
export function createReachRecorder(
  store: StoreServices,
  logger: Logger,
): { note(actionId: string, reachable: boolean): void; settled(): Promise<void> } {
  const known = new Map<string, boolean>();
  let chain: Promise<void> = Promise.resolve();
  return {
    note(actionId, reachable) {
      if (known.get(actionId) === reachable) return;
      known.set(actionId, reachable);
      chain = chain
        .then(async () => {
          const info = await store.connection.info();
          if (info?.kind !== 'apikey') return;
          const next = learnReach(info.metadata as KeyReach, actionId, reachable);
          if (next) {
            await store.connection.updateMetadata({
              ...info.metadata,
              ...next,
              reachableActions: [...(next.reachableActions ?? [])],
              unreachableActions: [...(next.unreachableActions ?? [])],
            });
          }
        })
        .catch((e: unknown) => logger.warn({ err: e, actionId }, 'could not record key reach'));
    },
    settled: () => chain,
  };
}

/** The enrichment cache behind the pipeline's port (single lookups and bulk split/merge). */
export function enrichmentCachePort(cache: EnrichmentCache): EnrichmentCachePort {
  const cacheable: ReadonlySet<string> = new Set(cache.enabled ? cacheableActionIds : []);
  return {
    handles: (actionId) => cacheable.has(actionId),
    async lookup(actionId, input, now) {
      const found = await cache.lookup(actionId, input, now);
      if (found.kind === 'hit') {
        return {
          kind: 'hit',
          body: found.body,
          savedCredits: found.savedCredits,
          matchedBy: found.matchedBy,
        };
      }
      if (found.kind !== 'bulk' || found.hits === 0) return { kind: 'miss' };
      const split = splitBulk(input, found);
      const count = Array.isArray(input.details) ? input.details.length : 0;
      if (split.missingInput === null) {
        return {
          kind: 'hit',
          body: mergeBulk(split.hits, undefined, count),
          savedCredits: split.savedCredits,
          matchedBy: 'bulk',
        };
      }
      const sendInput = split.missingInput;
      return {
        kind: 'partial',
        sendInput,
        savedCredits: split.savedCredits,
        hits: split.hits.size,
        merge: (upstreamBody) => mergeBulk(split.hits, upstreamBody, count, sendInput),
      };
    },
    async remember(actionId, sentInput, body, credits, now) {
      await cache.remember(actionId, sentInput, body, credits, now);
    },
  };
}
