// Every change an admin makes — agents, grants, limits — from the admin API, the console (through
// the API) and the CLI alike. Each change is done here and written to the audit trail here, with
// who made it, so no surface can change an agent without leaving a record. Results are values: a
// problem has a code the surface turns into an HTTP status or an exit code.
import { err, ok, type Result } from '../../core/result.js';
import type { StoredAlert } from '../../ports/alerts.js';
import type { Agent, Grant, GrantLevel, Store } from '../../store/index.js';

import { roleTemplate, roleTemplates } from './templates.js';

/**
 * Who made a change: `cli:<os user>`, `admin:console` or `admin:api`. The part before the colon
 * is the audit record's surface.
 */
export type AdminActor = `cli:${string}` | `admin:${string}`;

/** The actor for a CLI command run by this operating-system user. */
export function cliActor(env: Readonly<Record<string, string | undefined>>): AdminActor {
  const user = (env.USER ?? env.LOGNAME ?? env.USERNAME ?? '').trim();
  // A user name goes into audit sentences: keep it to a plain, short word.
  const safe = user.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 64);
  return `cli:${safe || 'unknown-user'}`;
}

/** Why a change was not made. */
export interface AdminChangeProblem {
  readonly code: 'not_found' | 'invalid' | 'conflict';
  /** One sentence saying what to fix. */
  readonly message: string;
}

/**
 * A grant as an admin sets it. `level: 'off'` removes the target's grant, so an action falls back
 * to its group's; with `deny` it stores an explicit off instead, which denies the action even where
 * its group grants a level (a per-action grant beats its group's).
 */
export interface GrantChange {
  readonly target: string;
  readonly level: GrantLevel | 'off';
  readonly approval?: boolean;
  readonly noApproval?: boolean;
  readonly deny?: boolean;
}

/** Limits as an admin sets them; absent: unchanged, null: none. */
export interface LimitsChange {
  readonly creditBudgetDay?: number | null;
  readonly creditBudgetMonth?: number | null;
  readonly requestsPerMinute?: number | null;
  /** Field names removed from this agent's answers; an empty list redacts nothing. */
  readonly redactedFields?: readonly string[];
}

export interface AdminChanges {
  createAgent(
    input: { name: string; description?: string | null; grants: readonly GrantChange[] },
    by: AdminActor,
  ): Promise<Result<{ agent: Agent; token: string; grants: Grant[] }, AdminChangeProblem>>;
  rotateAgent(
    idOrName: string,
    by: AdminActor,
  ): Promise<Result<{ agent: Agent; token: string }, AdminChangeProblem>>;
  revokeAgent(idOrName: string, by: AdminActor): Promise<Result<Agent, AdminChangeProblem>>;
  setGrant(
    idOrName: string,
    grant: GrantChange,
    by: AdminActor,
  ): Promise<Result<{ agent: Agent; grants: Grant[] }, AdminChangeProblem>>;
  setLimits(
    idOrName: string,
    limits: LimitsChange,
    by: AdminActor,
  ): Promise<Result<Agent, AdminChangeProblem>>;
  /**
   * Makes the agent's grants exactly the template's: grants it does not name are removed. Each
   * change is its own admin.grant record, and one admin.template record names the template.
   */
  applyTemplate(
    idOrName: string,
    templateId: string,
    by: AdminActor,
  ): Promise<Result<{ agent: Agent; grants: Grant[] }, AdminChangeProblem>>;
  /**
   * Acknowledges an anomaly alert, once: a second acknowledgement changes nothing and says who
   * acknowledged it first (`already` true), and writes no record.
   */
  acknowledgeAlert(
    id: string,
    note: string | null,
    by: AdminActor,
  ): Promise<Result<{ alert: StoredAlert; already: boolean }, AdminChangeProblem>>;
}

/** "people=read (with approval)": a grant in the words audit sentences use. */
export function grantWords(g: GrantChange): string {
  if (g.level === 'off' && g.deny) return `${g.target}=off (denied even under its group)`;
  const note =
    g.level === 'off'
      ? ''
      : g.approval
        ? ' (with approval)'
        : g.noApproval
          ? ' (outbound without approval)'
          : '';
  return `${g.target}=${g.level}${note}`;
}

/** "500 credits a day, 3 requests a minute, redacting email": the limits a change set. */
export function limitsWords(l: LimitsChange): string {
  const parts: string[] = [];
  const n = (v: number | null, one: string, many: string, per: string) =>
    v === null ? `no limit on ${many} ${per}` : `${v} ${v === 1 ? one : many} ${per}`;
  if (l.creditBudgetDay !== undefined)
    parts.push(n(l.creditBudgetDay, 'credit', 'credits', 'a day'));
  if (l.creditBudgetMonth !== undefined)
    parts.push(n(l.creditBudgetMonth, 'credit', 'credits', 'a month'));
  if (l.requestsPerMinute !== undefined)
    parts.push(n(l.requestsPerMinute, 'request', 'requests', 'a minute'));
  if (l.redactedFields !== undefined) {
    parts.push(
      l.redactedFields.length ? `redacting ${l.redactedFields.join(', ')}` : 'redacting nothing',
    );
  }
  return parts.join(', ');
}

/**
 * One audit record of an admin change: who changed what, in a sentence ("An admin (cli:alice)
 * revoked bot."). `about.agent` is the agent it concerns, if any; `target` what it changed.
 */
export async function recordAdminChange(
  audit: Store['audit'],
  now: () => number,
  by: AdminActor,
  about: { agent: { id: string; name: string } | null; target: string },
  verb: string,
  did: string,
  params: Record<string, unknown> = {},
): Promise<void> {
  const t = now();
  const opened = await audit.open({
    time: t,
    agentId: about.agent?.id ?? null,
    agentName: about.agent?.name ?? null,
    surface: by.startsWith('cli:') ? 'cli' : 'admin',
    action: `admin.${verb}`,
    target: about.target,
    params,
    decision: 'allowed',
    rule: by,
    sentence: `An admin (${by}) ${did}.`,
    credits: 0,
    completedAt: t,
  });
  // The change is made; an unrecorded change must not look like a refused one.
  if (!opened.ok) throw new Error(`admin change made but not audited: ${opened.error.message}`);
}

/** Creates the admin changes over the store. */
export function createAdminChanges(deps: {
  readonly store: Pick<Store, 'agents' | 'grants' | 'audit' | 'alerts'>;
  readonly now?: () => number;
}): AdminChanges {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  const notFound = (what: string): Result<never, AdminChangeProblem> =>
    err({ code: 'not_found', message: `No agent named or with id '${what}'.` });

  const record = (
    by: AdminActor,
    agent: { id: string; name: string },
    verb: string,
    did: string,
    params: Record<string, unknown> = {},
  ) => recordAdminChange(store.audit, now, by, { agent, target: agent.name }, verb, did, params);

  const changes: AdminChanges = {
    async createAgent(input, by) {
      // An explicit deny is kept; a plain off is no grant at all.
      const grants = input.grants.filter((g) => g.level !== 'off' || g.deny);
      const created = await store.agents.create({
        name: input.name,
        description: input.description ?? null,
        grants: grants.map((g) => ({
          target: g.target,
          level: g.level as GrantLevel,
          requiresApproval: g.approval ?? false,
          noApproval: g.noApproval ?? false,
        })),
        by,
      });
      if (!created.ok) {
        const code = created.error.code === 'duplicate_name' ? 'conflict' : 'invalid';
        return err({ code, message: created.error.message });
      }
      const { agent } = created.value;
      const words = grants.map(grantWords);
      await record(
        by,
        agent,
        'agent_create',
        `created the agent ${agent.name}${words.length ? ` with ${words.join(', ')}` : ' with no grants'}`,
        { grants: words },
      );
      return ok(created.value);
    },

    async rotateAgent(idOrName, by) {
      const rotated = await store.agents.rotate(idOrName);
      if (!rotated.ok) {
        return rotated.error.code === 'agent_not_found'
          ? notFound(idOrName)
          : err({ code: 'conflict', message: rotated.error.message });
      }
      const { agent } = rotated.value;
      await record(
        by,
        agent,
        'agent_rotate',
        `rotated the token of ${agent.name} (the old one stopped at once)`,
      );
      return ok(rotated.value);
    },

    async revokeAgent(idOrName, by) {
      const revoked = await store.agents.revoke(idOrName);
      if (!revoked.ok) return notFound(idOrName);
      await record(by, revoked.value, 'agent_revoke', `revoked ${revoked.value.name}`);
      return ok(revoked.value);
    },

    async setGrant(idOrName, grant, by) {
      const agent = await store.agents.get(idOrName);
      if (!agent) return notFound(idOrName);
      if (agent.revokedAt !== null) {
        return err({
          code: 'conflict',
          message: `${agent.name} is revoked; its grants are kept as they were.`,
        });
      }
      if (grant.level === 'off' && !grant.deny) {
        await store.grants.remove(agent.id, grant.target);
      } else {
        const denied = grant.level === 'off';
        const set = await store.grants.set(agent.id, grant.target, grant.level, {
          requiresApproval: !denied && (grant.approval ?? false),
          noApproval: !denied && (grant.noApproval ?? false),
          by,
        });
        if (!set.ok) return err({ code: 'invalid', message: set.error.message });
      }
      await record(by, agent, 'grant', `set ${agent.name}'s grant to ${grantWords(grant)}`, {
        grant: grantWords(grant),
      });
      return ok({ agent, grants: await store.grants.list(agent.id) });
    },

    async applyTemplate(idOrName, templateId, by) {
      const template = roleTemplate(templateId);
      if (!template) {
        return err({
          code: 'invalid',
          message: `No role template '${templateId.slice(0, 64)}': choose one of ${roleTemplates.map((t) => t.id).join(', ')}.`,
        });
      }
      const agent = await store.agents.get(idOrName);
      if (!agent) return notFound(idOrName);
      if (agent.revokedAt !== null) {
        return err({
          code: 'conflict',
          message: `${agent.name} is revoked; its grants are kept as they were.`,
        });
      }
      const named = new Set(template.grants.map((g) => g.target));
      const stale = (await store.grants.list(agent.id)).filter((g) => !named.has(g.target));
      for (const change of [
        ...stale.map((g) => ({ target: g.target, level: 'off' as const })),
        ...template.grants,
      ]) {
        const done = await changes.setGrant(agent.id, change, by);
        if (!done.ok) return done;
      }
      await record(
        by,
        agent,
        'template',
        `applied the role template ${template.title} to ${agent.name}: ${template.grants.map(grantWords).join(', ') || 'no grants'}`,
        { template: template.id },
      );
      return ok({ agent, grants: await store.grants.list(agent.id) });
    },

    async setLimits(idOrName, limits, by) {
      const words = limitsWords(limits);
      if (!words) {
        return err({
          code: 'invalid',
          message:
            'Say which limit to set: credits per day or month, requests per minute, or redacted fields.',
        });
      }
      const { redactedFields, ...rest } = limits;
      const updated = await store.agents.setLimits(idOrName, {
        ...rest,
        ...(redactedFields ? { redactedFields: [...redactedFields] } : {}),
      });
      if (!updated.ok) {
        return updated.error.code === 'agent_not_found'
          ? notFound(idOrName)
          : err({ code: 'invalid', message: updated.error.message });
      }
      await record(
        by,
        updated.value,
        'agent_limits',
        `set ${updated.value.name}'s limits: ${words}`,
        {
          limits: words,
        },
      );
      return ok(updated.value);
    },

    async acknowledgeAlert(id, note, by) {
      if (note !== null && note.length > 1000) {
        return err({ code: 'invalid', message: 'A note is limited to 1000 characters.' });
      }
      const done = await store.alerts.acknowledge(id, { by, at: now(), note });
      if (done.status === 'not_found') {
        return err({
          code: 'not_found',
          message: `No alert has the id ${id} (see gatehouse alerts, or GET /admin/api/alerts).`,
        });
      }
      if (done.status === 'already_acknowledged') return ok({ alert: done.alert, already: true });
      const a = done.alert;
      await record(
        by,
        { id: a.agentId, name: a.agentName },
        'alert_acknowledge',
        `acknowledged the alert ${a.id} about ${a.agentName} ("${a.message}")${note ? `, noting: "${note}"` : ''}`,
        { alert: a.id, kind: a.kind },
      );
      return ok({ alert: a, already: false });
    },
  };
  return changes;
}
