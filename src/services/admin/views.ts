// The admin API's services over the store and the gateway (the surface itself never touches the
// store). Values are JSON-ready: times as ISO strings, no token except in the one answer that
// issues it.
import { actions, groups, oauthScopes, revealCapability } from '../../catalog/index.js';
import { approvalStates, effectiveLevels, httpStatusFor, utcDay } from '../../core/index.js';
import { err, ok } from '../../core/result.js';
import type { Gateway } from '../../gateway/pipeline.js';
import { createAdminChanges, type AdminChangeProblem, type GrantChange } from './changes.js';
import type {
  AdminAgent,
  AdminAuditQuery,
  AdminGrant,
  AdminProblem,
  AdminServices,
} from './types.js';
import type { DeliveryStore } from '../../ports/index.js';
import type { Agent, AuditDecision, AuditFilters } from '../../store/index.js';

import type { Config } from '../../config/config.js';

import { csvHeader, exportLine } from './audit-export.js';
import { roleTemplates } from './templates.js';
import {
  describeConnection,
  iso,
  publicAlert,
  publicApproval,
  publicAuditRecord,
} from './public.js';
import { oauthRefreshWarning } from '../oauth/credential.js';
import { staleSecrets } from '../secret-ages.js';
import {
  defaultOAuthScopes,
  settingsPendingAuthorizations,
  startAuthorization,
} from '../oauth/connect.js';
import { oauthCallbackPath } from '../oauth/types.js';

import type { StoreServices } from '../../store/open-store.js';

const grantChange = (g: AdminGrant): GrantChange => ({
  target: g.target,
  level: g.level,
  approval: g.approval,
  noApproval: g.no_approval ?? false,
  deny: g.deny ?? false,
});

/** A change that was not made, as the admin API answers it. */
const problem = (p: AdminChangeProblem): AdminProblem => ({
  status: { not_found: 404, conflict: 409, invalid: 422 }[p.code] as 404 | 409 | 422,
  message: p.message,
});

/** The grant targets, in the order the access matrix shows them. */
export const matrixTargets: readonly string[] = [
  ...groups.flatMap((g) => [g, ...actions.filter((a) => a.group === g).map((a) => a.id)]),
  revealCapability,
];

/** Creates the services. */
export function createAdminServices(deps: {
  readonly store: StoreServices;
  readonly gateway: Gateway;
  readonly upstreamLabel: string;
  /** The upstream is the embedded sandbox: its data is simulated. */
  readonly simulated: boolean;
  /** Apollo's base URL (where the OAuth authorize and token endpoints are). */
  readonly upstreamUrl: string;
  /** Gatehouse's address as the admin's browser reaches it (the OAuth redirect). */
  readonly publicUrl: () => string;
  /** For rotation reminders (secret ages). */
  readonly config: Pick<Config, 'adminToken' | 'maxSecretAgeDays'>;
  /** The deliveries that followed calls (asynchronous enrichment), for a record's details. */
  readonly deliveries?: Pick<DeliveryStore, 'forCall'>;
  readonly now?: () => number;
}): AdminServices {
  const { store, gateway } = deps;
  const now = deps.now ?? Date.now;
  const changes = createAdminChanges({ store, now });

  async function agentView(agent: Agent): Promise<AdminAgent> {
    const grants = await store.grants.list(agent.id);
    return {
      id: agent.id,
      name: agent.name,
      description: agent.description,
      token_prefix: agent.tokenPrefix,
      created_at: iso(agent.createdAt),
      token_created_at: iso(agent.tokenCreatedAt),
      revoked_at: iso(agent.revokedAt),
      last_used_at: iso(agent.lastUsedAt),
      last_used_ip: agent.lastUsedIp,
      credit_budget_day: agent.creditBudgetDay,
      credit_budget_month: agent.creditBudgetMonth,
      requests_per_minute: agent.requestsPerMinute,
      redacted_fields: agent.redactedFields,
      grants: grants.map((g) => ({
        target: g.target,
        level: g.level,
        approval: g.requiresApproval,
        no_approval: g.noApproval,
      })),
    };
  }

  /** Store filters for an admin audit query; null when it names an agent that does not exist. */
  async function auditFilters(
    q: Omit<AdminAuditQuery, 'limit' | 'before'>,
  ): Promise<AuditFilters | null> {
    let agentId: string | undefined;
    if (q.agent) {
      const agent = await store.agents.get(q.agent);
      if (!agent) return null;
      agentId = agent.id;
    }
    return {
      ...(agentId ? { agentId } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.decision ? { decision: q.decision as AuditDecision } : {}),
      ...(q.since !== undefined ? { since: q.since } : {}),
      ...(q.until !== undefined ? { until: q.until } : {}),
      ...(q.text ? { text: q.text } : {}),
    };
  }

  return {
    async overview() {
      const t = now();
      const since = utcDay(t).start;
      const info = await store.connection.info();
      const [calls, denials, credits, pending, recentDenials] = await Promise.all([
        store.audit.count({ since, adminChanges: 'exclude' }),
        store.audit.count({ since, decision: 'denied', adminChanges: 'exclude' }),
        store.audit.sumCredits({ since, adminChanges: 'exclude' }),
        gateway.listApprovals({ states: ['pending'], limit: 1000 }),
        store.audit.query({ decision: 'denied', adminChanges: 'exclude', limit: 5 }),
      ]);
      // "Used" is a call counted in one of the action's windows; the longest is Apollo's day.
      // (Counted by this process's pacer; with Redis the counts are every replica's.)
      const headroom = actions.flatMap((a) => {
        const snapshot = gateway.headroom(a.id);
        if (!snapshot) return [];
        const used = Object.values(snapshot.windows).some((w) => w.sent > 0);
        return [{ action: a.id, used, snapshot }];
      });
      return {
        connection: info
          ? {
              kind: info.kind,
              upstream: deps.upstreamLabel,
              detail: describeConnection(info.metadata).trim() || null,
              connected_at: iso(info.createdAt),
              age_days: Math.floor((t - info.createdAt) / 86_400_000),
              simulated: deps.simulated,
            }
          : { kind: null, upstream: deps.upstreamLabel, detail: null, simulated: deps.simulated },
        today: { since: iso(since), calls, denials, credits },
        pending_approvals: pending.length,
        // Things an admin should fix: a failing OAuth refresh, credentials past their rotation age.
        warnings: [
          ...[(await oauthRefreshWarning(store)).warning].filter((w): w is string => Boolean(w)),
          ...(await staleSecrets(store, deps.config, t)).warnings.map((w) => w.message),
        ],
        alerts: (await store.alerts.list({ limit: 10 })).map(publicAlert),
        recent_denials: recentDenials.records.map(publicAuditRecord),
        headroom,
      };
    },

    async agents() {
      return Promise.all((await store.agents.list()).map(agentView));
    },

    async createAgent(input, by) {
      const created = await changes.createAgent(
        {
          name: input.name,
          description: input.description ?? null,
          grants: input.grants.map(grantChange),
        },
        by,
      );
      if (!created.ok) return err(problem(created.error));
      return ok({ agent: await agentView(created.value.agent), token: created.value.token });
    },

    async rotateAgent(id, by) {
      const rotated = await changes.rotateAgent(id, by);
      if (!rotated.ok) return err(problem(rotated.error));
      return ok({ agent_id: rotated.value.agent.id, token: rotated.value.token });
    },

    async revokeAgent(id, by) {
      const revoked = await changes.revokeAgent(id, by);
      if (!revoked.ok) return err(problem(revoked.error));
      return ok({ agent: await agentView(revoked.value) });
    },

    async setLimits(id, limits, by) {
      const updated = await changes.setLimits(
        id,
        {
          ...(limits.credits_per_day !== undefined
            ? { creditBudgetDay: limits.credits_per_day }
            : {}),
          ...(limits.credits_per_month !== undefined
            ? { creditBudgetMonth: limits.credits_per_month }
            : {}),
          ...(limits.requests_per_minute !== undefined
            ? { requestsPerMinute: limits.requests_per_minute }
            : {}),
          ...(limits.redact !== undefined ? { redactedFields: limits.redact } : {}),
        },
        by,
      );
      if (!updated.ok) return err(problem(updated.error));
      return ok({ agent: await agentView(updated.value) });
    },

    async matrix() {
      const agents = (await store.agents.list()).filter((a) => a.revokedAt === null);
      const rows = await Promise.all(
        agents.map(async (a) => {
          const grants = await store.grants.list(a.id);
          const levels = effectiveLevels(grants);
          return {
            id: a.id,
            name: a.name,
            grants: Object.fromEntries(
              grants.map((g) => [
                g.target,
                { level: g.level, approval: g.requiresApproval, no_approval: g.noApproval },
              ]),
            ),
            effective: Object.fromEntries(
              Object.entries(levels).map(([id, l]) => [
                id,
                { level: l.level, callable: l.callable, approval: l.requiresApproval },
              ]),
            ),
          };
        }),
      );
      return {
        targets: matrixTargets.map((t) => {
          const action = actions.find((a) => a.id === t);
          const group = groups.find((g) => g === t);
          return {
            target: t,
            kind: t === revealCapability ? 'capability' : action ? 'action' : 'group',
            // The capability people.reveal belongs to the people group.
            group: action?.group ?? group ?? 'people',
            access: action?.access ?? null,
            effect: action?.effect ?? null,
            approval_by_default: action?.approvalByDefault ?? false,
            title: action?.title ?? null,
          };
        }),
        agents: rows,
        templates: roleTemplates.map((t) => ({
          id: t.id,
          title: t.title,
          description: t.description,
          grants: t.grants.map((g) => ({
            target: g.target,
            level: g.level,
            approval: g.approval ?? false,
            no_approval: g.noApproval ?? false,
          })),
        })),
      };
    },

    async applyTemplate(id, template, by) {
      const applied = await changes.applyTemplate(id, template, by);
      if (!applied.ok) return err(problem(applied.error));
      return ok({ agent: await agentView(applied.value.agent) });
    },

    async setGrant(id, grant, by) {
      const set = await changes.setGrant(id, grantChange(grant), by);
      if (!set.ok) return err(problem(set.error));
      return ok({ agent: await agentView(set.value.agent) });
    },

    async audit(q) {
      const filters = await auditFilters(q);
      if (!filters) return { records: [], next_before: null };
      const page = await store.audit.query({
        ...filters,
        limit: q.limit,
        ...(q.before ? { before: q.before } : {}),
      });
      return { records: page.records.map(publicAuditRecord), next_before: page.nextBefore };
    },

    async auditRecord(id) {
      const r = await store.audit.get(id);
      if (!r) return err({ status: 404, message: `There is no audit record ${id}.` });
      const [[approval], delivery] = await Promise.all([
        gateway.listApprovals({ auditId: r.id, limit: 1 }),
        deps.deliveries?.forCall(r.id),
      ]);
      return ok({
        record: {
          ...publicAuditRecord(r),
          params: r.params ?? null,
          reason: r.reason,
          duration_ms: r.durationMs,
        },
        approval: approval ? publicApproval(approval) : null,
        delivery: delivery
          ? {
              what: delivery.what,
              state: delivery.state,
              via: delivery.via,
              credits: delivery.credits,
              detail: delivery.detail,
              created_at: iso(delivery.createdAt),
              settled_at: iso(delivery.settledAt),
              audit_id: delivery.auditId,
            }
          : null,
      });
    },

    async *exportAudit(format, q) {
      const filters = await auditFilters(q);
      if (format === 'csv') yield csvHeader;
      if (!filters) return;
      for await (const r of store.audit.stream(filters)) yield exportLine(r, format);
    },

    async usage(days) {
      const t = now();
      const first = utcDay(t).start - (days - 1) * 86_400_000;
      const labels = Array.from({ length: days }, (_, i) =>
        new Date(first + i * 86_400_000).toISOString().slice(0, 10),
      );
      const byAgent = new Map<string, { calls: number[]; denials: number[]; credits: number[] }>();
      const byAction = new Map<string, { calls: number; denials: number; credits: number }>();
      // Agents' calls only: an admin creating an agent or setting a grant is not the agent's call.
      for await (const r of store.audit.stream({ since: first, adminChanges: 'exclude' })) {
        const name = r.agentName ?? '(unknown token)';
        let row = byAgent.get(name);
        if (!row) {
          row = {
            calls: labels.map(() => 0),
            denials: labels.map(() => 0),
            credits: labels.map(() => 0),
          };
          byAgent.set(name, row);
        }
        const day = Math.floor((r.time - first) / 86_400_000);
        if (day < 0 || day >= days) continue;
        row.calls[day]! += 1;
        if (r.decision === 'denied') row.denials[day]! += 1;
        row.credits[day]! += r.credits;
        const a = byAction.get(r.action) ?? { calls: 0, denials: 0, credits: 0 };
        a.calls += 1;
        if (r.decision === 'denied') a.denials += 1;
        a.credits += r.credits;
        byAction.set(r.action, a);
      }
      // Every agent, also one that made no call in the window: its budget is still worth seeing.
      const known = new Map((await store.agents.list()).map((a) => [a.name, a]));
      for (const name of known.keys()) {
        if (!byAgent.has(name)) {
          byAgent.set(name, {
            calls: labels.map(() => 0),
            denials: labels.map(() => 0),
            credits: labels.map(() => 0),
          });
        }
      }
      const budgetOf = async (name: string) => {
        const a = known.get(name);
        if (!a) return null;
        const spent = await gateway.spentCredits(a.id);
        return {
          day: a.creditBudgetDay,
          month: a.creditBudgetMonth,
          spent_today: spent?.day ?? 0,
          spent_month: spent?.month ?? 0,
        };
      };
      return {
        days: labels,
        agents: await Promise.all(
          [...byAgent.entries()]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(async ([agent, row]) => ({ agent, ...row, budget: await budgetOf(agent) })),
        ),
        actions: [...byAction.entries()]
          .sort(([, a], [, b]) => b.calls - a.calls)
          .map(([action, totals]) => ({ action, ...totals })),
      };
    },

    async startOAuth(input, binding) {
      const scopes = input.scopes ?? defaultOAuthScopes;
      const unknown = scopes.filter((sc) => !oauthScopes.includes(sc));
      if (unknown.length) {
        return err({ status: 422, message: `unknown OAuth scope: ${unknown.join(', ')}` });
      }
      const started = await startAuthorization(
        { pending: settingsPendingAuthorizations(store, now), now },
        {
          upstreamUrl: deps.upstreamUrl,
          clientId: input.clientId,
          clientSecret: input.clientSecret,
          redirectUri: `${deps.publicUrl().replace(/\/+$/, '')}${oauthCallbackPath}`,
          scopes,
          binding,
        },
      );
      return ok({ url: started.url, expiresAt: started.expiresAt });
    },

    async alerts(all) {
      return (await store.alerts.list({ limit: 200, includeAcknowledged: all })).map(publicAlert);
    },

    async acknowledgeAlert(id, note, by) {
      const done = await changes.acknowledgeAlert(id, note, by);
      if (!done.ok) return err(problem(done.error));
      return ok({ alert: publicAlert(done.value.alert), already_acknowledged: done.value.already });
    },

    async approvals(states) {
      await gateway.expireApprovals();
      const wanted = states ? approvalStates.filter((s) => states.includes(s)) : undefined;
      const rows = await gateway.listApprovals({
        ...(wanted ? { states: wanted } : {}),
        limit: 200,
      });
      return rows.map(publicApproval);
    },

    async answerApproval(id, approve, note, by) {
      const answered = await gateway.answerApproval(id, { approve, by, note });
      if (!answered.ok) {
        const status = { not_found: 404, not_pending: 409, expired: 410 } as const;
        return err({ status: status[answered.error.code], message: answered.error.message });
      }
      const { approval, outcome } = answered.value;
      return ok({
        approval: publicApproval(approval),
        ...(outcome
          ? outcome.ok
            ? { result: { status: outcome.value.status, audit_id: outcome.value.auditId } }
            : {
                error: {
                  code: outcome.error.error.code,
                  status: httpStatusFor(outcome.error.error),
                  message: outcome.error.error.message,
                },
              }
          : {}),
      });
    },
  };
}
