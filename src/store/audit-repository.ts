import type SqliteDatabase from 'better-sqlite3';
import { PostgresAdapter, sql } from 'kysely';
import type { Kysely, Selectable, SelectQueryBuilder, Updateable } from 'kysely';

import { auditDecisions, surfaces as auditSurfaces } from '../core/index.js';
import type { AuditDecision, Surface as AuditSurface } from '../core/index.js';
import { ok } from '../core/result.js';
import type { Result } from '../core/result.js';

import { pruneInBatches } from './prune.js';
import { parseJson, stringifyJson } from './codec.js';
import type { AuditRecordsTable, Database } from './db.js';
import { storeError } from './errors.js';
import type { StoreError } from './errors.js';
import { createUlidFactory } from './ids.js';
import type { RandomBytes } from './ids.js';

// The vocabulary is core's (design.md "Audit record"); the store keeps what core defines.
export { auditDecisions, surfaces as auditSurfaces } from '../core/index.js';
export type { AuditDecision, Surface as AuditSurface } from '../core/index.js';

/** One audit record: one call, as it was decided and (once completed) as it ended. */
export interface AuditRecord {
  /** `aud_` + ULID: time-ordered, so newest-first is id order. */
  id: string;
  time: number;
  /** Null when the token matched no agent. */
  agentId: string | null;
  agentName: string | null;
  surface: AuditSurface;
  /** An action id, or whatever unknown action the caller asked for. */
  action: string;
  target: string;
  /** The call's parameters, masked by the caller before they were recorded. */
  params: unknown;
  decision: AuditDecision;
  rule: string | null;
  reason: string | null;
  upstreamStatus: number | null;
  credits: number;
  durationMs: number | null;
  sentence: string;
  /** Null while the record is open (call in flight, or held for approval). */
  completedAt: number | null;
  errorCode: string | null;
  /** The id of the HTTP request that wrote the record (X-Request-Id), when there was one. */
  requestId: string | null;
}

/** The completion fields: what `complete` may set, and what `open` may set for a record born closed. */
export interface AuditCompletion {
  /** Only a `pending` record may change its decision (to approved, rejected, expired …). */
  decision?: AuditDecision;
  rule?: string | null;
  reason?: string | null;
  upstreamStatus?: number | null;
  credits?: number;
  durationMs?: number | null;
  sentence?: string;
  errorCode?: string | null;
  /** Defaults to now. */
  completedAt?: number;
}

/** A record to open, written before the upstream call. */
export interface OpenAuditInput {
  /** Defaults to now. */
  time?: number;
  agentId: string | null;
  agentName: string | null;
  surface: AuditSurface;
  action: string;
  target?: string;
  /** JSON-serialisable; must already be masked. */
  params?: unknown;
  decision: AuditDecision;
  rule?: string | null;
  reason?: string | null;
  sentence?: string;
  upstreamStatus?: number | null;
  credits?: number;
  durationMs?: number | null;
  errorCode?: string | null;
  /**
   * Set it to write a record that is complete from the start, e.g. a denial: one write instead of
   * two. Left undefined, the record is open until `complete`.
   */
  completedAt?: number | null;
  /** The HTTP request's id (a safe token of at most 128 characters), when written in one. */
  requestId?: string | null;
}

/** Filters shared by `query`, `stream` and `count`; all optional, combined with AND. */
export interface AuditFilters {
  agentId?: string;
  action?: string;
  decision?: AuditDecision | readonly AuditDecision[];
  /** Inclusive lower bound on `time`. */
  since?: number;
  /** Exclusive upper bound on `time`. */
  until?: number;
  /** Case-insensitive substring of the sentence, target, action or agent name. */
  text?: string;
  /**
   * Admin changes (actions `admin.*`: an agent created, a grant set …) are not agents' calls:
   * `exclude` leaves them out (usage, the overview), `only` keeps nothing else.
   */
  adminChanges?: 'only' | 'exclude';
  /** True: only records still open (in flight or held); false: only completed ones. */
  open?: boolean;
}

/** A page request: newest first, `limit` records (1–1000), older than the `before` id. */
export interface AuditQuery extends AuditFilters {
  limit: number;
  before?: string;
}

/** A page of records; pass `nextBefore` as `before` for the next page (null when none). */
export interface AuditPage {
  records: AuditRecord[];
  nextBefore: string | null;
}

/** Options for `stream`. */
export interface AuditStreamOptions {
  /** Records read per query (default 500): memory stays bounded by one batch. */
  batchSize?: number;
  /** `asc` (default, oldest first, as an export reads) or `desc`. */
  order?: 'asc' | 'desc';
}

/**
 * The append-only audit trail. There is deliberately no update or delete: `complete` writes the
 * completion fields of a still-open record exactly once, and `prune` removes records by age only.
 */
export interface AuditRepository {
  /** Inserts a record (before the upstream call) and returns it with its id. */
  open(record: OpenAuditInput): Promise<Result<AuditRecord, StoreError>>;
  /** Completes an open record once; a second completion is refused. */
  complete(id: string, fields: AuditCompletion): Promise<Result<AuditRecord, StoreError>>;
  /**
   * Runs several opens and completions in one transaction, in order, with one commit (group
   * commit). Each write gets its own result; if the transaction itself fails, it throws and none
   * of them is written.
   */
  writeBatch(writes: readonly AuditWrite[]): Promise<Array<Result<AuditWritten, StoreError>>>;
  get(id: string): Promise<AuditRecord | undefined>;
  /** One page, newest first, by keyset (`before`), so deep pages cost the same as the first. */
  query(query: AuditQuery): Promise<AuditPage>;
  /** Every matching record, read lazily in keyset batches. */
  stream(filters?: AuditFilters, options?: AuditStreamOptions): AsyncGenerator<AuditRecord>;
  count(filters?: AuditFilters): Promise<number>;
  /** Credits spent by the matching records (the per-agent credit ledger). */
  sumCredits(filters?: AuditFilters): Promise<number>;
  /** Deletes records with `time` before `olderThan`; returns how many. */
  prune(options: { olderThan: number }): Promise<number>;
}

/**
 * What a batched write reports: the record it wrote. A batch is written for its commit, not read
 * back (a completion would otherwise return, and parse, the whole row).
 */
export interface AuditWritten {
  readonly id: string;
}

/** One write for {@link AuditRepository.writeBatch}. */
export type AuditWrite =
  | { readonly kind: 'open'; readonly record: OpenAuditInput }
  | { readonly kind: 'complete'; readonly id: string; readonly fields: AuditCompletion };

/** Dependencies of the audit repository. */
export interface AuditRepositoryDeps {
  now: () => number;
  randomBytes?: RandomBytes;
  /**
   * SQLite's connection under `db`: batches are then written with precompiled statements in one
   * synchronous transaction instead of through Kysely's query builder (which cost more CPU than
   * SQLite's own work for the two writes of every call: bench:profile).
   */
  sqlite?: SqliteDatabase.Database;
}

const surfaceSet: ReadonlySet<string> = new Set(auditSurfaces);
const decisionSet: ReadonlySet<string> = new Set(auditDecisions);
const maxActionLength = 200;
const maxRequestIdLength = 128;
const maxTargetLength = 2000;
const maxPageSize = 1000;

/** Creates the audit repository. */
export function createAuditRepository(
  db: Kysely<Database>,
  deps: AuditRepositoryDeps,
): AuditRepository {
  const nextId = createUlidFactory('aud_', deps.randomBytes);
  const onPostgres = db.getExecutor().adapter instanceof PostgresAdapter;

  async function readBatch(
    filters: AuditFilters,
    cursor: string | undefined,
    limit: number,
    order: 'asc' | 'desc',
  ): Promise<Selectable<AuditRecordsTable>[]> {
    let qb = applyFilters(db.selectFrom('audit_records').selectAll(), filters);
    if (cursor !== undefined) qb = qb.where('id', order === 'desc' ? '<' : '>', cursor);
    return qb.orderBy('id', order).limit(limit).execute();
  }

  /** The row a valid opening writes, or why it cannot be written. */
  function openingRow(input: OpenAuditInput): Result<Selectable<AuditRecordsTable>, StoreError> {
    const invalid = validateOpen(input);
    if (invalid) return { ok: false, error: invalid };
    const params = stringifyJson(input.params ?? {});
    if (params === undefined) {
      return storeError('invalid_input', 'audit params must be JSON-serialisable');
    }
    const time = input.time ?? deps.now();
    return ok({
      id: nextId(time),
      time,
      agent_id: input.agentId,
      agent_name: input.agentName,
      surface: input.surface,
      action: truncate(input.action, maxActionLength),
      target: truncate(input.target ?? '', maxTargetLength),
      params,
      decision: input.decision,
      rule: input.rule ?? null,
      reason: input.reason ?? null,
      upstream_status: input.upstreamStatus ?? null,
      credits: input.credits ?? 0,
      duration_ms: input.durationMs ?? null,
      sentence: input.sentence ?? '',
      completed_at: input.completedAt ?? null,
      error_code: input.errorCode ?? null,
      request_id: input.requestId ? truncate(input.requestId, maxRequestIdLength) : null,
    });
  }

  async function open(
    db: Kysely<Database>,
    input: OpenAuditInput,
  ): Promise<Result<AuditRecord, StoreError>> {
    const row = openingRow(input);
    if (!row.ok) return row;
    await db.insertInto('audit_records').values(row.value).execute();
    return ok(toRecord(row.value));
  }

  /** Completes a record and reads it back (the repository's own `complete`). */
  async function complete(
    db: Kysely<Database>,
    id: string,
    fields: AuditCompletion,
  ): Promise<Result<AuditRecord, StoreError>> {
    const done = await completeReturning(db, id, fields, false, true);
    // Asked for the whole row, it has every column.
    return done.ok ? ok(toRecord(done.value as Selectable<AuditRecordsTable>)) : done;
  }

  /**
   * The guarded completion. A batch needs only the id back (`whole` false), not the whole row
   * with its parameters and sentence; `relaxed` is for a completion alone on Postgres.
   */
  async function completeReturning(
    db: Kysely<Database>,
    id: string,
    fields: AuditCompletion,
    relaxed: boolean,
    whole: boolean,
  ): Promise<Result<Selectable<AuditRecordsTable> | AuditWritten, StoreError>> {
    const changes = completionChanges(fields, deps.now);
    if (!changes.ok) return changes;
    // The guards live in the WHERE clause, so two racing completions cannot both succeed: only
    // an open record is written, and only a pending one may change its decision (a pending one
    // must, since pending is not an outcome).
    let update = db
      .updateTable('audit_records')
      .set(changes.value)
      .where('id', '=', id)
      .where('completed_at', 'is', null);
    update =
      fields.decision === undefined
        ? update.where('decision', '<>', 'pending')
        : update.where('decision', 'in', [fields.decision, 'pending']);
    if (relaxed) {
      // Postgres, a completion alone: this statement is its own transaction, and a setting made
      // local to it lasts until it has committed (it is reverted after the commit record is
      // written), so it commits without waiting for the WAL flush, in one round trip instead of
      // BEGIN, SET LOCAL, the update and COMMIT. The session's own setting is untouched.
      update = update.where(
        sql<boolean>`set_config('synchronous_commit', 'off', true) is not null`,
      );
    }
    const row = whole
      ? await update.returningAll().executeTakeFirst()
      : await update.returning('id').executeTakeFirst();
    if (row) return ok(row);

    const current = await db
      .selectFrom('audit_records')
      .select(['decision', 'completed_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    return completionRefused(id, fields, current);
  }

  const precompiled = deps.sqlite ? precompiledWrites(deps.sqlite) : null;

  return {
    open: (input) => open(db, input),
    complete: (id, fields) => complete(db, id, fields),

    async writeBatch(writes) {
      if (precompiled) {
        // Kysely's one connection is held while the batch runs, so no other caller's transaction
        // is open on it; the batch commits (or, if it throws, rolls back) as one transaction.
        return db
          .connection()
          .execute(async () => precompiled.batch(writes, (input) => openingRow(input), deps.now));
      }
      const one = (d: Kysely<Database>, w: AuditWrite) =>
        w.kind === 'open' ? open(d, w.record) : completeReturning(d, w.id, w.fields, false, false);
      // One statement commits atomically on its own; BEGIN/COMMIT would only add round trips.
      if (writes.length === 1) {
        const w = writes[0]!;
        return [
          w.kind === 'open'
            ? await open(db, w.record)
            : await completeReturning(db, w.id, w.fields, onPostgres, false),
        ];
      }
      if (writes.length === 0) return [];
      return db.transaction().execute(async (trx) => {
        // Only an opening record is promised durable: completions alone skip Postgres's WAL flush
        // (lost in a server crash, they are completed by jobs/abandoned-records.ts).
        if (onPostgres && writes.every((w) => w.kind === 'complete')) {
          await sql`set local synchronous_commit = off`.execute(trx);
        }
        const results: Array<Result<AuditWritten, StoreError>> = [];
        for (const w of writes) results.push(await one(trx, w));
        return results;
      });
    },

    async get(id) {
      const row = await db
        .selectFrom('audit_records')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async query(query) {
      const limit = clampInt(query.limit, 1, maxPageSize, 50);
      const rows = await readBatch(query, query.before, limit + 1, 'desc');
      const records = rows.slice(0, limit).map(toRecord);
      const nextBefore = rows.length > limit ? (records[records.length - 1]?.id ?? null) : null;
      return { records, nextBefore };
    },

    async *stream(filters = {}, options = {}) {
      const batchSize = clampInt(options.batchSize ?? 500, 1, 10_000, 500);
      const order = options.order ?? 'asc';
      let cursor: string | undefined;
      for (;;) {
        const rows = await readBatch(filters, cursor, batchSize, order);
        for (const row of rows) yield toRecord(row);
        const last = rows[rows.length - 1];
        if (rows.length < batchSize || !last) return;
        cursor = last.id;
      }
    },

    async sumCredits(filters = {}) {
      const row = await applyFilters(
        db
          .selectFrom('audit_records')
          .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('credits'), eb.lit(0)).as('total')),
        filters,
      ).executeTakeFirstOrThrow();
      return Number(row.total);
    },

    async count(filters = {}) {
      const row = await applyFilters(
        db.selectFrom('audit_records').select((eb) => eb.fn.countAll<number>().as('n')),
        filters,
      ).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async prune({ olderThan }) {
      return pruneInBatches(async (limit) => {
        const result = await db
          .deleteFrom('audit_records')
          .where('id', 'in', (eb) =>
            eb.selectFrom('audit_records').select('id').where('time', '<', olderThan).limit(limit),
          )
          .executeTakeFirst();
        return result.numDeletedRows;
      });
    },
  };
}

function applyFilters<O>(
  qb: SelectQueryBuilder<Database, 'audit_records', O>,
  filters: AuditFilters,
): SelectQueryBuilder<Database, 'audit_records', O> {
  let q = qb;
  if (filters.agentId !== undefined) q = q.where('agent_id', '=', filters.agentId);
  if (filters.action !== undefined) {
    // An action, or everything under a group or prefix: `people` finds people.search and
    // people.match (no action id is another's dot-prefix, so an exact id still finds only itself).
    const action = filters.action.toLowerCase();
    const under = sql<string>`${`${action.replace(/[!%_]/g, (c) => `!${c}`)}.%`} escape '!'`;
    q = q.where((eb) => eb.or([eb('action', '=', action), eb('action', 'like', under)]));
  }
  if (filters.decision !== undefined) {
    const decisions: readonly string[] =
      typeof filters.decision === 'string' ? [filters.decision] : filters.decision;
    q = q.where('decision', 'in', decisions.length > 0 ? [...decisions] : ['']);
  }
  if (filters.adminChanges !== undefined) {
    const admin = sql<string>`'admin.%'`;
    q = q.where('action', filters.adminChanges === 'only' ? 'like' : 'not like', admin);
  }
  if (filters.open !== undefined) {
    q = q.where('completed_at', filters.open ? 'is' : 'is not', null);
  }
  if (filters.since !== undefined) q = q.where('time', '>=', filters.since);
  if (filters.until !== undefined) q = q.where('time', '<', filters.until);
  if (filters.text !== undefined && filters.text !== '') {
    // `!` escapes LIKE wildcards typed by the user; lower() on both sides keeps it
    // case-insensitive on both dialects (Postgres LIKE is case-sensitive, SQLite's is not).
    const pattern = `%${filters.text.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
    const like = sql<string>`${pattern} escape '!'`;
    q = q.where((eb) =>
      eb.or(
        (['sentence', 'target', 'action', 'agent_name'] as const).map((column) =>
          eb(eb.fn('lower', [column]), 'like', like),
        ),
      ),
    );
  }
  return q;
}

function validateOpen(input: OpenAuditInput): StoreError | undefined {
  if (!surfaceSet.has(input.surface)) {
    return invalid(`unknown audit surface ${JSON.stringify(input.surface)}`);
  }
  if (!decisionSet.has(input.decision)) {
    return invalid(`unknown audit decision ${JSON.stringify(input.decision)}`);
  }
  if (typeof input.action !== 'string' || input.action === '') {
    return invalid('an audit record needs an action');
  }
  if (input.time !== undefined && !isEpoch(input.time))
    return invalid('audit time must be epoch ms');
  if (
    input.completedAt !== undefined &&
    input.completedAt !== null &&
    !isEpoch(input.completedAt)
  ) {
    return invalid('audit completion time must be epoch ms');
  }
  return validateNumbers(input);
}

function validateCompletion(fields: AuditCompletion): StoreError | undefined {
  if (fields.decision !== undefined && !decisionSet.has(fields.decision)) {
    return invalid(`unknown audit decision ${JSON.stringify(fields.decision)}`);
  }
  if (fields.decision === 'pending') {
    return invalid('an audit record cannot be completed as pending; pending records stay open');
  }
  if (fields.completedAt !== undefined && !isEpoch(fields.completedAt)) {
    return invalid('audit completion time must be epoch ms');
  }
  return validateNumbers(fields);
}

function validateNumbers(fields: AuditCompletion | OpenAuditInput): StoreError | undefined {
  const { upstreamStatus, credits, durationMs } = fields;
  if (isSet(upstreamStatus) && !(Number.isInteger(upstreamStatus) && upstreamStatus >= 0)) {
    return invalid('upstream status must be an HTTP status code');
  }
  if (credits !== undefined && !(Number.isFinite(credits) && credits >= 0)) {
    return invalid('credits must be a number, 0 or more');
  }
  if (isSet(durationMs) && !(Number.isFinite(durationMs) && durationMs >= 0)) {
    return invalid('duration must be a number of milliseconds, 0 or more');
  }
  return undefined;
}

const isSet = <T>(value: T | null | undefined): value is T => value !== undefined && value !== null;
const invalid = (message: string): StoreError => ({ code: 'invalid_input', message });
const isEpoch = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

function clampInt(value: number, min: number, max: number, fallback: number): number {
  if (!Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function toRecord(row: Selectable<AuditRecordsTable>): AuditRecord {
  return {
    id: row.id,
    time: row.time,
    agentId: row.agent_id,
    agentName: row.agent_name,
    surface: row.surface as AuditSurface,
    action: row.action,
    target: row.target,
    params: parseJson(row.params) ?? null,
    decision: row.decision as AuditDecision,
    rule: row.rule,
    reason: row.reason,
    upstreamStatus: row.upstream_status,
    credits: row.credits,
    durationMs: row.duration_ms,
    sentence: row.sentence,
    completedAt: row.completed_at,
    errorCode: row.error_code,
    requestId: row.request_id ?? null,
  };
}

/** The columns a completion sets, or why the completion is invalid. */
function completionChanges(
  fields: AuditCompletion,
  now: () => number,
): Result<Updateable<AuditRecordsTable>, StoreError> {
  const invalid = validateCompletion(fields);
  if (invalid) return { ok: false, error: invalid };
  const changes: Updateable<AuditRecordsTable> = { completed_at: fields.completedAt ?? now() };
  if (fields.decision !== undefined) changes.decision = fields.decision;
  if (fields.rule !== undefined) changes.rule = fields.rule;
  if (fields.reason !== undefined) changes.reason = fields.reason;
  if (fields.upstreamStatus !== undefined) changes.upstream_status = fields.upstreamStatus;
  if (fields.credits !== undefined) changes.credits = fields.credits;
  if (fields.durationMs !== undefined) changes.duration_ms = fields.durationMs;
  if (fields.sentence !== undefined) changes.sentence = fields.sentence;
  if (fields.errorCode !== undefined) changes.error_code = fields.errorCode;
  return ok(changes);
}

/** Why a completion changed no row, from the record as it stands (or its absence). */
function completionRefused(
  id: string,
  fields: AuditCompletion,
  current: { decision: string; completed_at: number | null } | undefined,
): Result<never, StoreError> {
  if (!current) return storeError('audit_not_found', `no audit record ${id}`);
  if (current.completed_at !== null) {
    return storeError('audit_already_completed', `audit record ${id} is already completed`);
  }
  return storeError(
    'audit_invalid_transition',
    current.decision === 'pending'
      ? `audit record ${id} is pending; complete it with a decision (approved, rejected, expired …)`
      : `audit record ${id} was ${current.decision}; its decision cannot become ${fields.decision ?? ''}`,
  );
}

const openColumns = [
  'id',
  'time',
  'agent_id',
  'agent_name',
  'surface',
  'action',
  'target',
  'params',
  'decision',
  'rule',
  'reason',
  'upstream_status',
  'credits',
  'duration_ms',
  'sentence',
  'completed_at',
  'error_code',
  'request_id',
] as const satisfies ReadonlyArray<keyof AuditRecordsTable>;

/**
 * The audit trail's writes on SQLite as statements prepared once: the opening insert, one update
 * per set of completion columns (a call's completion always sets the same ones, so there are few),
 * and the read that explains a refused completion. The same guards as the Kysely path.
 */
function precompiledWrites(sqlite: SqliteDatabase.Database) {
  const insert = sqlite.prepare(
    `insert into audit_records (${openColumns.join(', ')}) values (${openColumns.map((c) => `@${c}`).join(', ')})`,
  );
  const current = sqlite.prepare('select decision, completed_at from audit_records where id = ?');
  const updates = new Map<string, SqliteDatabase.Statement>();
  const updateFor = (columns: readonly string[], decided: boolean) => {
    const key = `${decided ? 'd' : 'o'}:${columns.join(',')}`;
    let statement = updates.get(key);
    if (!statement) {
      statement = sqlite.prepare(
        `update audit_records set ${columns.map((c) => `${c} = @${c}`).join(', ')}` +
          ' where id = @id and completed_at is null and ' +
          (decided ? "decision in (@decision, 'pending')" : "decision <> 'pending'"),
      );
      updates.set(key, statement);
    }
    return statement;
  };

  const run = sqlite.transaction(
    (
      writes: readonly AuditWrite[],
      openingRow: (input: OpenAuditInput) => Result<Selectable<AuditRecordsTable>, StoreError>,
      now: () => number,
    ): Array<Result<AuditWritten, StoreError>> =>
      writes.map((w): Result<AuditWritten, StoreError> => {
        if (w.kind === 'open') {
          const row = openingRow(w.record);
          if (!row.ok) return row;
          insert.run(row.value);
          return ok({ id: row.value.id });
        }
        const changes = completionChanges(w.fields, now);
        if (!changes.ok) return changes;
        const columns = Object.keys(changes.value);
        const changed = updateFor(columns, w.fields.decision !== undefined).run({
          ...changes.value,
          id: w.id,
        }).changes;
        if (changed === 1) return ok({ id: w.id });
        return completionRefused(
          w.id,
          w.fields,
          current.get(w.id) as { decision: string; completed_at: number | null } | undefined,
        );
      }),
  );
  return { batch: run };
}
