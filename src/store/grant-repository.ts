import type { Kysely, Selectable } from 'kysely';

import { getAction, groups, revealCapability } from '../catalog/index.js';
import { ok } from '../core/result.js';
import type { Result } from '../core/result.js';

import type { Database, GrantsTable } from './db.js';
import { isForeignKeyViolation, storeError } from './errors.js';
import type { StoreError } from './errors.js';

/** Grant levels: `read` allows read actions, `full` reads and writes, `off` denies explicitly. */
export const grantLevels = ['off', 'read', 'full'] as const;
export type GrantLevel = (typeof grantLevels)[number];

/** One grant, as the policy reads it. */
export interface Grant {
  agentId: string;
  /** A group (`people`), an action id (`contacts.create`) or `people.reveal`. */
  target: string;
  level: GrantLevel;
  requiresApproval: boolean;
  /** Outbound actions under this grant run without the approval they need by default. */
  noApproval: boolean;
  updatedAt: number;
  updatedBy: string;
}

/** A grant to set, as given to `agents.create` or `grants.set`. */
export interface GrantInput {
  target: string;
  level: GrantLevel;
  requiresApproval?: boolean;
  noApproval?: boolean;
}

/** Reads, sets and removes an agent's grants. Expected failures come back as values. */
export interface GrantRepository {
  /** Creates or replaces the grant on `target`; refuses unknown targets, levels and agents. */
  set(
    agentId: string,
    target: string,
    level: GrantLevel,
    options: { requiresApproval?: boolean; noApproval?: boolean; by: string },
  ): Promise<Result<Grant, StoreError>>;
  /** The agent's grants, sorted by target; empty for an unknown agent. */
  list(agentId: string): Promise<Grant[]>;
  /** Removes the grant on `target`; true if there was one. Unknown targets are accepted here so a
   * grant left behind by a retired catalog action can still be removed. */
  remove(agentId: string, target: string): Promise<boolean>;
}

const groupSet: ReadonlySet<string> = new Set(groups);

/** True when `target` is in the grant vocabulary: a group, an action id, or `people.reveal`. */
export function isGrantTarget(target: string): boolean {
  return groupSet.has(target) || target === revealCapability || getAction(target) !== undefined;
}

/** Checks a grant against the vocabulary; undefined when valid. */
export function validateGrant(
  target: string,
  level: string,
  approval: { requiresApproval?: boolean; noApproval?: boolean } = {},
): StoreError | undefined {
  if (approval.requiresApproval && approval.noApproval) {
    return {
      code: 'invalid_grant',
      message: `a grant cannot both require approval and waive it (${target}): choose one`,
    };
  }
  if (!isGrantTarget(target)) {
    return {
      code: 'invalid_grant',
      message:
        `unknown grant target ${JSON.stringify(target)}: use a group (${groups.join(', ')}), ` +
        `an action id such as contacts.create, or ${revealCapability}`,
    };
  }
  if (!(grantLevels as readonly string[]).includes(level)) {
    return {
      code: 'invalid_grant',
      message: `unknown grant level ${JSON.stringify(level)}: use off, read or full`,
    };
  }
  return undefined;
}

/** Maps a grants row to a `Grant`. */
export function toGrant(row: Selectable<GrantsTable>): Grant {
  return {
    agentId: row.agent_id,
    target: row.target,
    level: row.level as GrantLevel,
    requiresApproval: row.requires_approval === 1,
    noApproval: row.no_approval === 1,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

/** Creates the grant repository. */
export function createGrantRepository(
  db: Kysely<Database>,
  deps: { now: () => number },
): GrantRepository {
  return {
    async set(agentId, target, level, options) {
      const invalid = validateGrant(target, level, options);
      if (invalid) return { ok: false, error: invalid };
      const agent = await db
        .selectFrom('agents')
        .select(['id', 'name', 'revoked_at'])
        .where('id', '=', agentId)
        .executeTakeFirst();
      if (!agent) return storeError('agent_not_found', `no agent with id ${agentId}`);
      if (agent.revoked_at !== null) {
        return storeError('agent_revoked', `agent ${agent.name} is revoked; its grants are frozen`);
      }
      const row: Selectable<GrantsTable> = {
        agent_id: agentId,
        target,
        level,
        requires_approval: options.requiresApproval ? 1 : 0,
        no_approval: options.noApproval ? 1 : 0,
        updated_at: deps.now(),
        updated_by: options.by,
      };
      try {
        await db
          .insertInto('grants')
          .values(row)
          .onConflict((oc) =>
            oc.columns(['agent_id', 'target']).doUpdateSet({
              level: row.level,
              requires_approval: row.requires_approval,
              no_approval: row.no_approval,
              updated_at: row.updated_at,
              updated_by: row.updated_by,
            }),
          )
          .execute();
      } catch (error) {
        // The agent existed a moment ago; the foreign key still has the last word.
        if (isForeignKeyViolation(error)) {
          return storeError('agent_not_found', `no agent with id ${agentId}`, error);
        }
        throw error;
      }
      return ok(toGrant(row));
    },

    async list(agentId) {
      const rows = await db
        .selectFrom('grants')
        .selectAll()
        .where('agent_id', '=', agentId)
        .execute();
      // Sorted here, not in SQL: Postgres would order text by its collation, SQLite by bytes.
      return rows.map(toGrant).sort((a, b) => (a.target < b.target ? -1 : 1));
    },

    async remove(agentId, target) {
      const result = await db
        .deleteFrom('grants')
        .where('agent_id', '=', agentId)
        .where('target', '=', target)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
