// Pins end-user data at rest on SQLite and Postgres: no prospect's identity, name, email or phone
// number is readable in any row of the enrichment cache, the deliveries or the approvals; a sealed
// value moved to another row does not open; a rotation reseals every row in batches (resumable
// after an interruption) so the old key is no longer needed; and a database written before
// sealing keeps working and ends up sealed, on disk too.
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

import { Migrator, sql } from 'kysely';
import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';

import { describeEachDatabase } from '../../test/store/databases.js';
import type { TestDatabase } from '../../test/store/databases.js';
import type { NewApproval, NewDelivery } from '../ports/index.js';

import { createApprovalRepository } from './approval-repository.js';
import type { Database } from './db.js';
import { createDeliveryRepository } from './delivery-repository.js';
import { createEnrichmentCacheRepository } from './enrichment-cache-repository.js';
import type { EnrichmentCacheEntry } from './enrichment-cache-repository.js';
import {
  migrateToLatest,
  migrationLockTableName,
  migrationProvider,
  migrationTableName,
} from './migrate.js';
import { createPersonalDataSealing } from './personal-data.js';
import { createSealer } from './sealer.js';
import type { Sealer } from './sealer.js';
import { createKeyring, createVault } from './vault.js';

const day = 86_400_000;
const now = Date.UTC(2026, 0, 15, 9);

// Everything a prospect could be recognised by, as the repositories are given it.
const annEmail = 'ann.lee@acme-secret.example';
const annName = 'Ann Leesecret';
const annPhone = '+15550001234';
const annLinkedIn = 'linkedin.com/in/ann-leesecret';
const annKeys = [
  `sandbox/person:email:${annEmail}`,
  `sandbox/person:linkedin:${annLinkedIn}`,
  `sandbox/person:name:ann leesecret|domain:acme-secret.example`,
];
const ann: EnrichmentCacheEntry = {
  kind: 'person',
  revealPersonalEmails: true,
  revealPhoneNumber: false,
  body: {
    id: '5e66b6381e05b4008c8331b8',
    name: annName,
    email: annEmail,
    personal_emails: ['ann.private@mail-secret.example'],
    phone_numbers: [{ sanitized_number: annPhone }],
    linkedin_url: `https://www.${annLinkedIn}`,
  },
  credits: 2,
};
const bobPhone = '+15550009876';
const delivered = JSON.stringify({
  request_id: -4611686018427387905n.toString(),
  people: [{ id: 'p1', name: 'Bob Phonesecret', phone_numbers: [{ sanitized_number: bobPhone }] }],
});
const adaInput = {
  first_name: 'Ada',
  last_name: 'Byronsecret',
  email: 'ada@analytical-secret.example',
};
const adaReason = 'Ada Byronsecret asked for a demo';
const adaResult = { contact: { id: 'c1', name: 'Ada Byronsecret', email: adaInput.email } };
const readable = [
  annEmail,
  annName,
  annLinkedIn,
  'ann leesecret',
  'ann.private@mail-secret.example',
  annPhone,
  bobPhone,
  'Bob Phonesecret',
  'Byronsecret',
  adaInput.email,
];

const hash = (n: number) => n.toString(16).padStart(64, '0');
const newDelivery = (n: number): NewDelivery => ({
  receiverHash: hash(n),
  agentId: 'agt_1',
  agentName: 'bot',
  rule: 'people.reveal=read',
  actionId: 'people.match',
  callAuditId: `aud_c${n}`,
  auditId: `aud_d${n}`,
  surface: 'rest',
  what: 'phone numbers',
  requestId: String(-1000 - n),
  createdAt: now + n,
  nextPollAt: now + 30_000,
});
const newApproval = (n: number, over: Partial<NewApproval> = {}): NewApproval => ({
  id: `apr_${String(n).padStart(32, '0')}`,
  agentId: 'agt_1',
  agentName: 'writer',
  surface: 'rest',
  actionId: 'contacts.create',
  rule: 'contacts=full',
  input: adaInput,
  inputHash: 'h',
  // The audit's rendering of the input, which keeps a contact's name.
  target: "'Ada Byronsecret', email a***@analytical-secret.example",
  reason: adaReason,
  auditId: `aud_a${n}`,
  createdAt: now + n,
  expiresAt: now + day,
  ...over,
});

/** Every row of every table, as text: what a reader of the database would see. */
async function dumpRows(db: Kysely<Database>): Promise<string> {
  const tables = [
    'agents',
    'grants',
    'audit_records',
    'connection',
    'settings',
    'enrichment_cache',
    'deliveries',
    'approvals',
  ] as const;
  const dumps = await Promise.all(tables.map((t) => db.selectFrom(t).selectAll().execute()));
  return JSON.stringify(dumps);
}

const found = (haystack: string) => readable.filter((s) => haystack.includes(s));

describeEachDatabase('end-user data at rest', (t) => {
  const keys = () => ({ k1: randomBytes(32), k2: randomBytes(32) });
  const repos = (sealer: Sealer) => ({
    cache: createEnrichmentCacheRepository(t.handle.db, { sealer, now: () => now }),
    deliveries: createDeliveryRepository(t.handle.db, { sealer }),
    approvals: createApprovalRepository(t.handle.db, { sealer }),
  });

  /** One of everything: a cached person, a delivered and a pending delivery, two approvals. */
  async function writeAll(sealer: Sealer) {
    const r = repos(sealer);
    expect(await r.cache.put(annKeys, ann, day)).toEqual({ ok: true, value: 3 });
    await r.deliveries.create(newDelivery(1));
    await r.deliveries.create(newDelivery(2));
    await r.deliveries.settle(hash(1), {
      state: 'delivered',
      at: now + 5,
      via: 'webhook',
      payload: delivered,
    });
    await r.approvals.create(newApproval(1));
    await r.approvals.create(newApproval(2, { reason: null }));
    await r.approvals.transition(newApproval(1).id, ['pending'], 'approved', { at: now + 6 });
    await r.approvals.transition(newApproval(1).id, ['approved'], 'done', {
      at: now + 7,
      resultStatus: 200,
      resultBody: adaResult,
    });
    return r;
  }

  /** Reads everything back through the repositories and checks it is intact. */
  async function expectAllOpen(sealer: Sealer) {
    const r = repos(sealer);
    for (const key of annKeys) {
      expect(await r.cache.get([key], now)).toMatchObject({ key, body: ann.body });
    }
    expect((await r.deliveries.byReceiver(hash(1)))?.payload).toBe(delivered);
    expect((await r.deliveries.byReceiver(hash(2)))?.state).toBe('pending');
    expect(await r.approvals.get(newApproval(1).id)).toMatchObject({
      input: adaInput,
      target: newApproval(1).target,
      reason: adaReason,
      resultBody: adaResult,
      state: 'done',
    });
    expect(await r.approvals.get(newApproval(2).id)).toMatchObject({
      input: adaInput,
      reason: null,
    });
  }

  const vaultOf = (current: Buffer, previous: Buffer[] = []) =>
    createVault(createKeyring(current, previous));

  it("keeps no prospect's identity, name, email or phone readable in any row", async () => {
    const { k1 } = keys();
    const sealer = createSealer(vaultOf(k1));
    await writeAll(sealer);
    expect(found(await dumpRows(t.handle.db))).toEqual([]);
    await expectAllOpen(sealer);

    // Every row names the key that sealed it.
    for (const table of ['enrichment_cache', 'deliveries', 'approvals'] as const) {
      const rows = await t.handle.db.selectFrom(table).select('key_id').execute();
      expect(rows.map((r) => r.key_id)).toEqual(rows.map(() => sealer.currentKeyId));
    }
    // Cache rows are filed under 43-character HMACs, not under the identities.
    const cached = await t.handle.db.selectFrom('enrichment_cache').select('key').execute();
    for (const { key } of cached) expect(key).toMatch(/^[\w-]{43}$/);
  });

  it('does not open a sealed value moved to another row or column', async () => {
    const sealer = createSealer(vaultOf(keys().k1));
    const r = await writeAll(sealer);
    const other = { ...ann, body: { ...ann.body, name: 'Someone Else' } };
    expect((await r.cache.put(['sandbox/person:email:else@x.example'], other, day)).ok).toBe(true);
    const { db } = t.handle;
    // One row's sealed body copied over another row's: that row no longer answers at all.
    const [source, destination] = await db
      .selectFrom('enrichment_cache')
      .select(['key', 'body'])
      .execute();
    await db
      .updateTable('enrichment_cache')
      .set({ body: source!.body })
      .where('key', '=', destination!.key)
      .execute();
    const looked = await Promise.all(
      [...annKeys, 'sandbox/person:email:else@x.example'].map((k) => r.cache.get([k], now)),
    );
    expect(looked.filter((e) => e === undefined)).toHaveLength(1);

    // A delivered payload copied into another delivery's row.
    const one = await db
      .selectFrom('deliveries')
      .select('payload')
      .where('receiver_hash', '=', hash(1))
      .executeTakeFirstOrThrow();
    await db
      .updateTable('deliveries')
      .set({ payload: one.payload, state: 'delivered' })
      .where('receiver_hash', '=', hash(2))
      .execute();
    await expect(r.deliveries.byReceiver(hash(2))).rejects.toThrow(/does not open/);

    // An approval's input copied into another approval, and its reason into its own input.
    const first = await db
      .selectFrom('approvals')
      .select(['input', 'reason'])
      .where('id', '=', newApproval(1).id)
      .executeTakeFirstOrThrow();
    await db
      .updateTable('approvals')
      .set({ input: first.input })
      .where('id', '=', newApproval(2).id)
      .execute();
    await expect(r.approvals.get(newApproval(2).id)).rejects.toThrow(/input does not open/);
    await db
      .updateTable('approvals')
      .set({ input: first.reason! })
      .where('id', '=', newApproval(1).id)
      .execute();
    await expect(r.approvals.get(newApproval(1).id)).rejects.toThrow(/input does not open/);
  });

  it('reseals every row after a rotation, counted per table, so the old key is not needed', async () => {
    const { k1, k2 } = keys();
    const vault = vaultOf(k1);
    const sealer = createSealer(vault);
    await writeAll(sealer);
    vault.useKeyring(createKeyring(k2, [k1]));
    const sealing = createPersonalDataSealing(t.handle.db, sealer, { batchSize: 2 });
    const before = { enrichment_cache: 3, deliveries: 2, approvals: 2, settings: 1 };
    expect(await sealing.stale()).toEqual(before);

    expect(await sealing.reseal()).toEqual({
      sealed: before,
      failed: { enrichment_cache: 0, deliveries: 0, approvals: 0, settings: 0 },
    });
    const none = { enrichment_cache: 0, deliveries: 0, approvals: 0, settings: 0 };
    expect(await sealing.stale()).toEqual(none);
    expect((await sealing.reseal()).sealed).toEqual(none);
    expect(found(await dumpRows(t.handle.db))).toEqual([]);

    // With the new key alone everything opens, the cache under the same hashed keys …
    await expectAllOpen(createSealer(vaultOf(k2)));
    // … and with the old key alone nothing does.
    const old = repos(createSealer(vaultOf(k1)));
    await expect(old.cache.get([annKeys[0]!], now)).rejects.toThrow(/lookup key/);
    await expect(old.approvals.get(newApproval(1).id)).rejects.toThrow(/does not open/);
    await expect(old.deliveries.byReceiver(hash(1))).rejects.toThrow(/does not open/);
  });

  it('reseals in batches, and a run interrupted midway leaves everything readable and finishes when run again', async () => {
    const { k1, k2 } = keys();
    const vault = vaultOf(k1);
    const sealer = createSealer(vault);
    const r = repos(sealer);
    for (let n = 1; n <= 5; n += 1) {
      await r.approvals.create(newApproval(n));
      await r.deliveries.create(newDelivery(n));
      await r.deliveries.settle(hash(n), { state: 'delivered', at: now, payload: delivered });
    }
    vault.useKeyring(createKeyring(k2, [k1]));

    // The sealer gives out on its 4th reseal: the second delivery of the second batch (two rows
    // per batch; no cache rows or lookup key here, and deliveries go before approvals).
    let calls = 0;
    const failing: Sealer = {
      ...sealer,
      get currentKeyId() {
        return sealer.currentKeyId;
      },
      reseal: async (value, aad) => {
        calls += 1;
        if (calls === 4) throw new Error('interrupted');
        return sealer.reseal(value, aad);
      },
    };
    const interrupted = createPersonalDataSealing(t.handle.db, failing, { batchSize: 2 });
    await expect(interrupted.reseal()).rejects.toThrow('interrupted');
    // The first batch of two committed; the second rolled back; the rest never started.
    expect(await interrupted.stale()).toEqual({
      enrichment_cache: 0,
      deliveries: 3,
      approvals: 5,
      settings: 0,
    });
    for (let n = 1; n <= 5; n += 1) {
      expect((await r.deliveries.byReceiver(hash(n)))?.payload).toBe(delivered);
      expect((await r.approvals.get(newApproval(n).id))?.input).toEqual(adaInput);
    }

    t.queries.length = 0;
    const finished = await createPersonalDataSealing(t.handle.db, sealer, {
      batchSize: 2,
    }).reseal();
    expect(finished.sealed).toMatchObject({ deliveries: 3, approvals: 5 });
    // Read two rows at a time by primary key, never the whole table.
    const reads = t.queries.filter((q) => /^select .* from "approvals"/i.test(q));
    expect(reads).toHaveLength(3);
    for (const q of reads) expect(q).toMatch(/ limit /i);

    const alone = repos(createSealer(vaultOf(k2)));
    for (let n = 1; n <= 5; n += 1) {
      expect((await alone.deliveries.byReceiver(hash(n)))?.payload).toBe(delivered);
      expect((await alone.approvals.get(newApproval(n).id))?.input).toEqual(adaInput);
    }
  });

  it('leaves a row it cannot open as it was and says so, and resealing never hides it', async () => {
    const { k1, k2 } = keys();
    const vault = vaultOf(k1);
    const sealer = createSealer(vault);
    await writeAll(sealer);
    // A delivery sealed by another installation's key.
    const foreign = createVault(createKeyring(randomBytes(32)));
    await t.handle.db
      .updateTable('deliveries')
      .set({
        payload: foreign.seal(delivered, `deliveries:${hash(1)}:payload`),
        key_id: foreign.currentKeyId,
      })
      .where('receiver_hash', '=', hash(1))
      .execute();
    vault.useKeyring(createKeyring(k2, [k1]));
    const sealing = createPersonalDataSealing(t.handle.db, sealer);
    const report = await sealing.reseal();
    expect(report.failed).toEqual({
      enrichment_cache: 0,
      deliveries: 1,
      approvals: 0,
      settings: 0,
    });
    expect(report.firstFailure).toMatch(/^deliveries: .*not loaded/);
    expect(report.sealed).toEqual({
      enrichment_cache: 3,
      deliveries: 1,
      approvals: 2,
      settings: 1,
    });
    expect(await sealing.stale()).toMatchObject({ deliveries: 1 });
  });

  it('shares one lookup key between repositories that start at the same moment', async () => {
    const sealer = createSealer(vaultOf(keys().k1));
    const [a, b] = [repos(sealer).cache, repos(sealer).cache];
    await Promise.all([a.put([annKeys[0]!], ann, day), b.put([annKeys[1]!], ann, day)]);
    expect((await b.get([annKeys[0]!], now))?.body).toEqual(ann.body);
    expect((await a.get([annKeys[1]!], now))?.body).toEqual(ann.body);
    const settings = await t.handle.db.selectFrom('settings').selectAll().execute();
    expect(settings).toHaveLength(1);
  });

  it('keeps serving a database written before sealing, then seals it, on disk too', async () => {
    const { db } = t.handle;
    await migrateTo(t, '0004_approvals');
    const legacyKey = 'sandbox/person:email:old.prospect@legacy-secret.example';
    const legacyBody = { id: '5e66b6381e05b4008c8331c0', name: 'Old Prospectsecret' };
    // Rows exactly as the code before sealing wrote them: plaintext, no key_id column.
    const legacy = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
    await legacy
      .insertInto('enrichment_cache')
      .values({
        key: legacyKey,
        kind: 'person',
        reveal_personal_emails: 0,
        reveal_phone_number: 0,
        body: JSON.stringify(legacyBody),
        credits: 1,
        created_at: now,
        expires_at: now + day,
      })
      .execute();
    const d = newDelivery(1);
    await legacy
      .insertInto('deliveries')
      .values({
        receiver_hash: d.receiverHash,
        agent_id: d.agentId,
        agent_name: d.agentName,
        rule: d.rule,
        action_id: d.actionId,
        call_audit_id: d.callAuditId,
        audit_id: d.auditId,
        surface: d.surface,
        what: d.what,
        request_id: d.requestId,
        state: 'delivered',
        via: 'webhook',
        payload: delivered,
        credits: 8,
        created_at: now,
        settled_at: now,
        polls: 0,
      })
      .execute();
    for (const n of [1, 2]) {
      const a = newApproval(n);
      await legacy
        .insertInto('approvals')
        .values({
          id: a.id,
          agent_id: a.agentId,
          agent_name: a.agentName,
          surface: a.surface,
          action_id: a.actionId,
          rule: a.rule,
          input: JSON.stringify(a.input),
          input_hash: a.inputHash,
          target: a.target,
          reason: a.reason,
          audit_id: a.auditId,
          state: n === 1 ? 'approved' : 'pending',
          created_at: a.createdAt,
          expires_at: a.expiresAt,
        })
        .execute();
    }
    const migrated = await migrateToLatest(db);
    expect(migrated.ok && migrated.value[0]).toBe('0005_sealed_personal_data');

    // Before the sealing pass (another replica still on the old version): still served.
    const sealer = createSealer(vaultOf(keys().k1));
    const r = repos(sealer);
    expect((await r.deliveries.byReceiver(d.receiverHash))?.payload).toBe(delivered);
    expect(await r.approvals.get(newApproval(2).id)).toMatchObject({
      input: adaInput,
      reason: adaReason,
    });
    // A result for an old approval seals that whole row first; its plaintext never mixes in.
    const done = await r.approvals.transition(newApproval(1).id, ['approved'], 'done', {
      at: now + 1,
      resultStatus: 200,
      resultBody: adaResult,
    });
    expect(done).toMatchObject({ input: adaInput, reason: adaReason, resultBody: adaResult });

    const sealing = createPersonalDataSealing(db, sealer, { dialect: t.dialect });
    expect((await sealing.sealLegacy()).sealed).toEqual({
      enrichment_cache: 1,
      deliveries: 1,
      approvals: 1,
      settings: 0,
    });
    expect((await sealing.sealLegacy()).sealed).toEqual({
      enrichment_cache: 0,
      deliveries: 0,
      approvals: 0,
      settings: 0,
    });
    expect(await sealing.stale()).toEqual({
      enrichment_cache: 0,
      deliveries: 0,
      approvals: 0,
      settings: 0,
    });
    const rows = await dumpRows(db);
    for (const text of [...readable, 'old.prospect@legacy-secret.example', 'Prospectsecret']) {
      expect(rows).not.toContain(text);
    }
    expect(await r.cache.get([legacyKey], now)).toMatchObject({ key: legacyKey, body: legacyBody });
    expect((await r.deliveries.byReceiver(d.receiverHash))?.payload).toBe(delivered);
    expect(await r.approvals.get(newApproval(1).id)).toMatchObject({ resultBody: adaResult });

    if (t.sqlitePath !== undefined) {
      // SQLite: not in the file's free pages or in the WAL either.
      const bytes = Buffer.concat(
        ['', '-wal']
          .map((s) => `${t.sqlitePath!}${s}`)
          .filter((f) => existsSync(f))
          .map((f) => readFileSync(f)),
      );
      for (const text of [
        'old.prospect@legacy-secret',
        'Prospectsecret',
        'Byronsecret',
        bobPhone,
      ]) {
        expect(bytes.includes(Buffer.from(text))).toBe(false);
      }
    }
  });
});

/** Migrates the test database up or down to `name` (inclusive). */
async function migrateTo(t: TestDatabase, name: string): Promise<void> {
  // On Postgres, pinned to the test's schema, as migrateToLatest does.
  const schema =
    t.dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(t.handle.db))
          .rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db: t.handle.db,
    provider: migrationProvider,
    migrationTableName,
    migrationLockTableName,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error } = await migrator.migrateTo(name);
  if (error !== undefined) throw error;
}
