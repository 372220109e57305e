import { createHash, randomBytes as nodeRandomBytes, timingSafeEqual } from 'node:crypto';

import type { Kysely, Selectable } from 'kysely';

import { maxRedactedFields, redactableField } from '../core/redact.js';
import { ok } from '../core/result.js';
import type { Result } from '../core/result.js';

import { parseJsonArray } from './codec.js';
import type { AgentsTable, Database, GrantsTable } from './db.js';
import { isUniqueViolation, storeError } from './errors.js';
import type { StoreError } from './errors.js';
import { toGrant, validateGrant } from './grant-repository.js';
import type { Grant, GrantInput } from './grant-repository.js';
import { createRandomId } from './ids.js';
import type { RandomBytes } from './ids.js';

/** An agent as the rest of Gatehouse sees it: never the token, never its hash. */
export interface Agent {
  id: string;
  name: string;
  description: string | null;
  /** The token's first characters (`gh_agent_AbCd`), to tell tokens apart in lists. */
  tokenPrefix: string;
  createdAt: number;
  /** When the current token was issued: its rotation age. */
  tokenCreatedAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
  lastUsedIp: string | null;
  creditBudgetDay: number | null;
  creditBudgetMonth: number | null;
  requestsPerMinute: number | null;
  /** Response fields removed before the agent sees them (e.g. `email`, `phone_numbers`). */
  redactedFields: string[];
}

/** Per-agent limits; a missing field is left as it is, `null` clears a limit. */
export interface AgentLimits {
  creditBudgetDay?: number | null;
  creditBudgetMonth?: number | null;
  requestsPerMinute?: number | null;
  redactedFields?: string[];
}

/** What `create` needs: a name, optionally a description and the first grants. */
export interface CreateAgentInput {
  name: string;
  description?: string | null;
  grants?: GrantInput[];
  /** Who created the agent, recorded on its initial grants (default `admin`). */
  by?: string;
}

/** A freshly issued token with its agent: the only time the token is ever available. */
export interface IssuedToken {
  agent: Agent;
  token: string;
}

/**
 * Agents and their tokens. Expected failures (invalid or duplicate name, unknown or revoked agent,
 * invalid limits or grants) come back as `Result` values; database failures throw.
 */
export interface AgentRepository {
  /** Creates an agent (and its initial grants, atomically) and issues its token. */
  create(input: CreateAgentInput): Promise<Result<IssuedToken & { grants: Grant[] }, StoreError>>;
  /** The active agent holding this token; undefined for unknown, malformed or revoked tokens. */
  findByToken(token: string): Promise<Agent | undefined>;
  /**
   * For a token that no longer authenticates: the agent it belonged to and why it stopped
   * (revoked, or replaced by a rotation); undefined for a token Gatehouse never issued.
   */
  findRetiredToken(
    token: string,
  ): Promise<{ agent: Agent; why: 'revoked' | 'rotated' } | undefined>;
  /** An agent by id, or by name (case-insensitive); revoked agents included. */
  get(idOrName: string): Promise<Agent | undefined>;
  /** All agents, revoked included, sorted by name. */
  list(): Promise<Agent[]>;
  /** Issues a new token; the old one stops working at once. */
  rotate(idOrName: string): Promise<Result<IssuedToken, StoreError>>;
  /** Revokes the agent; its token stops working at once. Revoking twice is harmless. */
  revoke(idOrName: string): Promise<Result<Agent, StoreError>>;
  /** Records the last use (time, client IP). Cheap: at most one write per agent per interval. */
  touch(id: string, ip: string | null, at: number): Promise<void>;
  /** Sets budgets, pace and redacted fields. */
  setLimits(idOrName: string, limits: AgentLimits): Promise<Result<Agent, StoreError>>;
}

/** Dependencies of the agent repository. */
export interface AgentRepositoryDeps {
  now: () => number;
  randomBytes?: RandomBytes;
  /**
   * `touch` skips the database when the same agent was touched from the same IP less than this
   * many ms ago (default 1000): last-use is for display, and the hot path should not pay a write
   * per request for it.
   */
  touchIntervalMs?: number;
}

/** Every agent token starts with this, so secret scanners and people can recognise one. */
export const agentTokenPrefix = 'gh_agent_';

const tokenPattern = /^gh_agent_[A-Za-z0-9_-]{43}$/;
const tokenDisplayLength = agentTokenPrefix.length + 4;

// ASCII only, so case-insensitive uniqueness (lower(name)) is identical on SQLite and Postgres.
// eslint-disable-next-line security/detect-unsafe-regex -- bounded repetition ({0,62}): constant work
const namePattern = /^[A-Za-z0-9._-](?:[A-Za-z0-9 ._-]{0,62}[A-Za-z0-9._-])?$/;
const maxDescriptionLength = 1000;

/**
 * SHA-256 of a token, lowercase hex: what the database stores. A fast hash is enough because
 * tokens carry 256 random bits; nobody can enumerate that space at any hash speed, so a slow KDF
 * (bcrypt, scrypt) would only add latency to every request.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Checks an agent name: 1–64 ASCII letters, digits, spaces, dots, dashes and underscores. */
export function validateAgentName(name: string): StoreError | undefined {
  if (typeof name === 'string' && namePattern.test(name)) return undefined;
  return {
    code: 'invalid_name',
    message:
      'agent names are 1 to 64 characters: letters, digits, spaces, dots, dashes and ' +
      'underscores, not starting or ending with a space',
  };
}

/** Creates the agent repository. */
export function createAgentRepository(
  db: Kysely<Database>,
  deps: AgentRepositoryDeps,
): AgentRepository {
  const randomBytes = deps.randomBytes ?? nodeRandomBytes;
  const touchIntervalMs = deps.touchIntervalMs ?? 1000;
  const lastTouch = new Map<string, { at: number; ip: string | null }>();

  function issueToken(): { token: string; hash: string; prefix: string } {
    const token = agentTokenPrefix + Buffer.from(randomBytes(32)).toString('base64url');
    return { token, hash: hashToken(token), prefix: token.slice(0, tokenDisplayLength) };
  }

  async function findRow(idOrName: string): Promise<Selectable<AgentsTable> | undefined> {
    const rows = await db
      .selectFrom('agents')
      .selectAll()
      .where((eb) =>
        eb.or([eb('id', '=', idOrName), eb(eb.fn('lower', ['name']), '=', idOrName.toLowerCase())]),
      )
      .execute();
    return rows.find((r) => r.id === idOrName) ?? rows[0];
  }

  function notFound(idOrName: string): { ok: false; error: StoreError } {
    return storeError('agent_not_found', `no agent named or with id ${JSON.stringify(idOrName)}`);
  }

  return {
    async create(input) {
      const invalidName = validateAgentName(input.name);
      if (invalidName) return { ok: false, error: invalidName };
      const description = input.description ?? null;
      if (description !== null && description.length > maxDescriptionLength) {
        return storeError(
          'invalid_input',
          `agent descriptions are at most ${maxDescriptionLength} characters`,
        );
      }
      const grantInputs = input.grants ?? [];
      const seen = new Set<string>();
      for (const g of grantInputs) {
        const invalid = validateGrant(g.target, g.level, g);
        if (invalid) return { ok: false, error: invalid };
        if (seen.has(g.target)) {
          return storeError('invalid_grant', `grant target ${g.target} is given twice`);
        }
        seen.add(g.target);
      }

      const now = deps.now();
      const issued = issueToken();
      const row: Selectable<AgentsTable> = {
        id: createRandomId('agt_', randomBytes),
        name: input.name,
        token_hash: issued.hash,
        token_prefix: issued.prefix,
        description,
        created_at: now,
        token_created_at: now,
        revoked_at: null,
        last_used_at: null,
        last_used_ip: null,
        credit_budget_day: null,
        credit_budget_month: null,
        requests_per_minute: null,
        redacted_fields: '[]',
      };
      const grantRows: Selectable<GrantsTable>[] = grantInputs.map((g) => ({
        agent_id: row.id,
        target: g.target,
        level: g.level,
        requires_approval: g.requiresApproval ? 1 : 0,
        no_approval: g.noApproval ? 1 : 0,
        updated_at: now,
        updated_by: input.by ?? 'admin',
      }));
      try {
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('agents').values(row).execute();
          if (grantRows.length > 0) await trx.insertInto('grants').values(grantRows).execute();
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          return storeError(
            'duplicate_name',
            `an agent named ${JSON.stringify(input.name)} already exists (names are ` +
              'case-insensitive and stay reserved after revocation); choose another name',
            error,
          );
        }
        throw error;
      }
      return ok({
        agent: toAgent(row),
        token: issued.token,
        grants: grantRows.map(toGrant).sort((a, b) => (a.target < b.target ? -1 : 1)),
      });
    },

    async findByToken(token) {
      // The format check depends only on the presented string, so it leaks nothing about tokens.
      if (typeof token !== 'string' || !tokenPattern.test(token)) return undefined;
      const digest = createHash('sha256').update(token, 'utf8').digest();
      const row = await db
        .selectFrom('agents')
        .selectAll()
        .where('token_hash', '=', digest.toString('hex'))
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!row) return undefined;
      // The index lookup already matched; comparing again in constant time keeps the decision
      // itself free of early-exit timing, whatever the database's string comparison does.
      const stored = Buffer.from(row.token_hash, 'hex');
      if (stored.length !== digest.length || !timingSafeEqual(stored, digest)) return undefined;
      return toAgent(row);
    },

    async findRetiredToken(token) {
      if (typeof token !== 'string' || !tokenPattern.test(token)) return undefined;
      const hash = createHash('sha256').update(token, 'utf8').digest('hex');
      const own = await db
        .selectFrom('agents')
        .selectAll()
        .where('token_hash', '=', hash)
        .where('revoked_at', 'is not', null)
        .executeTakeFirst();
      if (own) return { agent: toAgent(own), why: 'revoked' };
      const retired = await db
        .selectFrom('retired_tokens')
        .innerJoin('agents', 'agents.id', 'retired_tokens.agent_id')
        .selectAll('agents')
        .where('retired_tokens.token_hash', '=', hash)
        .executeTakeFirst();
      if (!retired) return undefined;
      return { agent: toAgent(retired), why: retired.revoked_at !== null ? 'revoked' : 'rotated' };
    },

    async get(idOrName) {
      const row = await findRow(idOrName);
      return row && toAgent(row);
    },

    async list() {
      const rows = await db.selectFrom('agents').selectAll().execute();
      // Sorted here, not in SQL: Postgres would order text by its collation, SQLite by bytes.
      return rows
        .map(toAgent)
        .sort(
          (a, b) =>
            compareText(a.name.toLowerCase(), b.name.toLowerCase()) || compareText(a.id, b.id),
        );
    },

    async rotate(idOrName) {
      const row = await findRow(idOrName);
      if (!row) return notFound(idOrName);
      if (row.revoked_at !== null) {
        return storeError(
          'agent_revoked',
          `agent ${row.name} is revoked; create a new agent instead`,
        );
      }
      const issued = issueToken();
      const now = deps.now();
      // One UPDATE replaces the hash: from its commit on, the old token matches no row. The old
      // hash is kept (in the same transaction) so a refusal of it can name the agent.
      const replaced = await db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('agents')
          .set({ token_hash: issued.hash, token_prefix: issued.prefix, token_created_at: now })
          .where('id', '=', row.id)
          .where('revoked_at', 'is', null)
          .where('token_hash', '=', row.token_hash)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) return false;
        await trx
          .insertInto('retired_tokens')
          .values({ token_hash: row.token_hash, agent_id: row.id, retired_at: now })
          .onConflict((oc) => oc.column('token_hash').doNothing())
          .execute();
        return true;
      });
      if (!replaced) {
        return storeError('agent_revoked', `agent ${row.name} was revoked or rotated meanwhile`);
      }
      return ok({
        agent: toAgent({
          ...row,
          token_hash: issued.hash,
          token_prefix: issued.prefix,
          token_created_at: now,
        }),
        token: issued.token,
      });
    },

    async revoke(idOrName) {
      const row = await findRow(idOrName);
      if (!row) return notFound(idOrName);
      if (row.revoked_at !== null) return ok(toAgent(row));
      const now = deps.now();
      const result = await db
        .updateTable('agents')
        .set({ revoked_at: now })
        .where('id', '=', row.id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (result.numUpdatedRows > 0n) return ok(toAgent({ ...row, revoked_at: now }));
      // Revoked concurrently: report the revocation that won.
      const current = await findRow(row.id);
      return ok(toAgent(current ?? { ...row, revoked_at: now }));
    },

    async touch(id, ip, at) {
      const last = lastTouch.get(id);
      if (last && last.ip === ip && at >= last.at && at - last.at < touchIntervalMs) return;
      lastTouch.set(id, { at, ip });
      await db
        .updateTable('agents')
        .set({ last_used_at: at, last_used_ip: ip })
        .where('id', '=', id)
        // Concurrent requests may finish out of order; never move last use backwards.
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', at)]))
        .execute();
    },

    async setLimits(idOrName, limits) {
      const changes = validateLimits(limits);
      if (!changes.ok) return changes;
      const row = await findRow(idOrName);
      if (!row) return notFound(idOrName);
      if (Object.keys(changes.value).length === 0) return ok(toAgent(row));
      await db.updateTable('agents').set(changes.value).where('id', '=', row.id).execute();
      return ok(toAgent({ ...row, ...changes.value }));
    },
  };
}

type LimitColumns = Partial<
  Pick<
    Selectable<AgentsTable>,
    'credit_budget_day' | 'credit_budget_month' | 'requests_per_minute' | 'redacted_fields'
  >
>;

function validateLimits(limits: AgentLimits): Result<LimitColumns, StoreError> {
  const out: LimitColumns = {};
  const budget = (value: number | null | undefined, label: string): StoreError | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      return { code: 'invalid_input', message: `${label} must be a number of credits, 0 or more` };
    }
    return undefined;
  };
  const dayError = budget(limits.creditBudgetDay, 'the daily credit budget');
  if (dayError) return { ok: false, error: dayError };
  const monthError = budget(limits.creditBudgetMonth, 'the monthly credit budget');
  if (monthError) return { ok: false, error: monthError };
  if (limits.creditBudgetDay !== undefined) out.credit_budget_day = limits.creditBudgetDay;
  if (limits.creditBudgetMonth !== undefined) out.credit_budget_month = limits.creditBudgetMonth;

  const rpm = limits.requestsPerMinute;
  if (rpm !== undefined && rpm !== null && (!Number.isSafeInteger(rpm) || rpm < 1)) {
    return storeError('invalid_input', 'requests per minute must be a whole number, 1 or more');
  }
  if (rpm !== undefined) out.requests_per_minute = rpm;

  if (limits.redactedFields !== undefined) {
    const fields = limits.redactedFields;
    if (
      !Array.isArray(fields) ||
      fields.length > maxRedactedFields ||
      !fields.every((f) => typeof f === 'string' && redactableField.test(f))
    ) {
      return storeError(
        'invalid_input',
        'redacted fields are up to 100 field names (letters, digits, underscores, dots)',
      );
    }
    out.redacted_fields = JSON.stringify([...new Set(fields)]);
  }
  return ok(out);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toAgent(row: Selectable<AgentsTable>): Agent {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tokenPrefix: row.token_prefix,
    createdAt: row.created_at,
    tokenCreatedAt: row.token_created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
    creditBudgetDay: row.credit_budget_day,
    creditBudgetMonth: row.credit_budget_month,
    requestsPerMinute: row.requests_per_minute,
    redactedFields: parseJsonArray(row.redacted_fields).filter(
      (f): f is string => typeof f === 'string',
    ),
  };
}
