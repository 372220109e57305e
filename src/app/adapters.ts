// Adapters from the store's repositories to the ports the pipeline needs. Kept in the composition
// root, so neither the store nor the gateway knows about the other.
import type { AuditRecord } from '../core/index.js';
import type {
  AgentDirectory,
  AgentIdentity,
  AuditSink,
  Credential,
  CredentialSource,
  GrantRow,
  GrantSource,
  Logger,
} from '../ports/index.js';

import type { StoreServices } from './services.js';

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
  return {
    async authenticate(token: string): Promise<AgentIdentity | null> {
      const agent = await store.agents.findByToken(token);
      return agent
        ? { id: agent.id, name: agent.name, redactedFields: agent.redactedFields }
        : null;
    },
    noteUse(agentId, ip, at) {
      pending.set(agentId, { ip, at });
    },
    flush,
    stop: () => clearInterval(timer),
  };
}

/** Grants straight from the store: every call sees the latest grants. */
export function createGrantSource(store: StoreServices): GrantSource {
  return {
    async grantsFor(agentId: string): Promise<readonly GrantRow[]> {
      return (await store.grants.list(agentId)).map((g) => ({
        target: g.target,
        level: g.level,
        requiresApproval: g.requiresApproval,
      }));
    },
  };
}

/** The audit sink over the append-only audit repository. */
export function createAuditSink(store: StoreServices, now: () => number): AuditSink {
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
      const result = await store.audit.open({
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
      });
      if (!result.ok) throw new Error(`audit record not written: ${result.error.message}`);
      return result.value.id;
    },
    async complete(id, r) {
      const result = await store.audit.complete(id, { ...fields(r), completedAt: now() });
      if (!result.ok) throw new Error(`audit record ${id} not completed: ${result.error.message}`);
    },
  };
}

/** A fixed credential (the embedded sandbox's key). */
export function fixedCredential(credential: Credential): CredentialSource {
  return { current: async () => credential };
}

/** The stored, sealed Apollo connection. */
export function storedCredential(store: StoreServices): CredentialSource {
  return {
    async current(): Promise<Credential | null> {
      const loaded = await store.connection.load();
      if (!loaded.ok)
        throw new Error(`cannot open the stored Apollo credential: ${loaded.error.message}`);
      const c = loaded.value;
      if (!c) return null;
      if (c.kind === 'apikey' && typeof c.credential.key === 'string')
        return { kind: 'apikey', key: c.credential.key };
      if (c.kind === 'oauth' && typeof c.credential.accessToken === 'string') {
        return { kind: 'oauth', accessToken: c.credential.accessToken };
      }
      return null;
    },
  };
}
