// The secrets scan: after a full scenario with known secrets (the Apollo key, agent tokens before
// and after rotation, the admin token, the data key) and known end-user data (a prospect's name,
// emails and phone numbers from a revealing match and a phone reveal Apollo delivered by webhook,
// the contact and reason of a held and approved call), none of them appears in the database (the
// raw bytes of the SQLite file and its WAL; on Postgres, every row of every table as text), in
// the logs, or in an audit export.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { openStore } from '../../src/store/open-store.js';
import { startGatehouse } from '../../src/app/start.js';
import { getAction } from '../../src/catalog/index.js';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/config.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { createWorld } from '../../src/sandbox/world/index.js';
import { openDatabase } from '../../src/store/dialect.js';
import { describeEachDatabase, postgresUrl } from '../store/databases.js';
import type { TestDatabase } from '../store/databases.js';

const root = mkdtempSync(join(tmpdir(), 'gatehouse-scan-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Where Gatehouse keeps its data: a fresh SQLite file, or the test's own Postgres schema. */
async function databaseUrl(t: TestDatabase, dir: string): Promise<string> {
  if (t.dialect === 'sqlite') return join(dir, 'g.db');
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(
    t.handle.db,
  );
  const options = encodeURIComponent(`-c search_path=${rows[0]!.schema}`);
  return `${postgresUrl}${postgresUrl.includes('?') ? '&' : '?'}options=${options}`;
}

/** Every row of every table as text, by table: Postgres renders each row (`t::text`). */
async function tableRows(url: string): Promise<Record<string, string>> {
  const handle = openDatabase(url);
  try {
    const { db } = handle;
    const names =
      handle.dialect === 'sqlite'
        ? await sql<{ name: string }>`
            select name from sqlite_master where type = 'table'`.execute(db)
        : await sql<{ name: string }>`
            select table_name as name from information_schema.tables
            where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
    const rows: Record<string, string> = {};
    for (const { name } of names.rows) {
      const table = sql.table(name);
      rows[name] =
        handle.dialect === 'sqlite'
          ? JSON.stringify((await sql`select * from ${table}`.execute(db)).rows)
          : (await sql<{ row: string }>`select t::text as row from ${table} t`.execute(db)).rows
              .map((r) => r.row)
              .join('\n');
    }
    expect(Object.keys(rows)).toEqual(
      expect.arrayContaining(['enrichment_cache', 'deliveries', 'approvals', 'audit_records']),
    );
    return rows;
  } finally {
    await handle.close();
  }
}

/** What a reader of the database sees: the SQLite file and its WAL, or every Postgres row. */
async function databaseBytes(t: TestDatabase, url: string): Promise<Buffer> {
  if (t.dialect === 'postgres') return Buffer.from(Object.values(await tableRows(url)).join('\n'));
  return Buffer.concat(
    ['', '-wal', '-shm']
      .map((suffix) => `${url}${suffix}`)
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f)),
  );
}

describeEachDatabase('secrets scan', (t) => {
  it('finds no known secret or end-user data in the database, the logs or an audit export', async () => {
    const dir = mkdtempSync(join(root, 'run-'));
    const apolloKey = 'apollo-master-key-SCAN-0f3a9c2e7b';
    const adminToken = 'admin-token-SCAN-5d1e8f0a3c7b9e2d4f6a8c0e2b4d6f8a';
    const email = 'scan.prospect@secret-example.org';
    const held = {
      first_name: 'Prospera',
      last_name: 'Sealwright',
      email: 'prospera.sealwright@held-secret.example',
    };
    const heldReason = 'Prospera Sealwright asked for pricing on the website';
    const sandbox = createSandbox({ seed: 9, createWorld, masterKeys: [apolloKey] });
    const upstream = await sandbox.listen(0, '127.0.0.1');
    const env = {
      GATEHOUSE_DB: await databaseUrl(t, dir),
      GATEHOUSE_KEY_FILE: join(dir, 'secret.key'),
      GATEHOUSE_UPSTREAM_URL: upstream.url,
      GATEHOUSE_ADMIN_TOKEN: adminToken,
      GATEHOUSE_LOG_LEVEL: 'debug',
    };
    const logs: string[] = [];
    const logger = createLogger({
      level: 'debug',
      destination: { write: (s: string) => void logs.push(s) },
    });
    const out: string[] = [];
    const io: CliIO = {
      out: (t) => void out.push(t),
      err: (t) => void logs.push(t),
      write: async (t) => void out.push(t),
      readStdin: async () => apolloKey,
      env,
    };

    // Connect through the CLI (key on stdin), create agents, rotate one.
    expect(await runCli(['connect', 'apikey'], io)).toBe(0);
    const config = loadConfig({ env, flags: { port: 0, singleReplica: true } });
    const setup = await openStore(config, logger);
    const a = await setup.agents.create({
      name: 'scanner',
      grants: [
        { target: 'people', level: 'read', requiresApproval: false },
        { target: 'people.reveal', level: 'read', requiresApproval: false },
        { target: 'contacts', level: 'full', requiresApproval: false },
      ],
    });
    const w = await setup.agents.create({
      name: 'writer',
      grants: [{ target: 'contacts', level: 'full', requiresApproval: true }],
    });
    await setup.close();
    if (!a.ok) throw new Error(a.error.message);
    if (!w.ok) throw new Error(w.error.message);
    const oldToken = a.value.token;
    const writerToken = w.value.token;
    const endUser: Record<string, string> = { heldEmail: held.email, heldReason };

    const g = await startGatehouse(config, { logger });
    const tokens = [oldToken, writerToken];
    let written: Buffer | undefined;
    try {
      const call = (
        token: string,
        id: 'people.match' | 'contacts.create' | 'people.search',
        body: object,
        query = '',
        headers: Record<string, string> = {},
      ) =>
        fetch(`${g.url}${getAction(id).path}${query}`, {
          method: 'POST',
          headers: { 'x-api-key': token, 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        });
      expect((await call(oldToken, 'people.match', { email })).status).toBe(200);
      expect((await call(oldToken, 'contacts.create', { first_name: 'Scan', email })).status).toBe(
        200,
      );
      expect((await call(oldToken, 'people.search', {}, `?api_key=${oldToken}`)).status).toBe(400);

      // A prospect matched with personal emails revealed (cached, then served from the cache).
      const search = (await (
        await call(oldToken, 'people.search', { person_titles: ['director'], per_page: 100 })
      ).json()) as { people: Array<{ id: string; has_direct_phone: string }> };
      const prospect = search.people.find((p) => p.has_direct_phone === 'Yes')!.id;
      const reveal = { id: prospect, reveal_personal_emails: true };
      const matched = await call(oldToken, 'people.match', reveal);
      expect(matched.status).toBe(200);
      const person = ((await matched.json()) as { person: Record<string, unknown> }).person;
      expect(person.name).toMatch(/^\S+ \S+/);
      expect(person.email).toMatch(/@/);
      endUser.name = person.name as string;
      endUser.email = person.email as string;
      for (const [i, e] of ((person.personal_emails as string[] | undefined) ?? []).entries()) {
        endUser[`personalEmail${i}`] = e;
      }
      const cached = await call(oldToken, 'people.match', reveal);
      expect(cached.headers.get('x-gatehouse-cache')).toBe('hit');
      expect(((await cached.json()) as { person: unknown }).person).toEqual(person);

      // Their phone, revealed by Apollo later: the sandbox POSTs it to the listening gateway.
      const phone = await call(oldToken, 'people.match', {
        id: prospect,
        reveal_phone_number: true,
      });
      const where = phone.headers.get('x-gatehouse-delivery');
      expect(where).toMatch(/^\/api\/v1\/webhook_result\/-?\d+$/);
      await sandbox.flushDeliveries();
      expect(sandbox.state().deliveries.at(-1)).toMatchObject({ delivered: true });
      const delivered = await fetch(`${g.url}${where}`, { headers: { 'x-api-key': oldToken } });
      expect(delivered.status).toBe(200);
      const phones = [...(await delivered.text()).matchAll(/"sanitized_number":"(\+\d+)"/g)];
      expect(phones.length).toBeGreaterThan(0);
      for (const [i, m] of phones.entries()) endUser[`phone${i}`] = m[1]!;

      // A held contacts.create, approved by the admin, its result fetched by the agent.
      const hold = await call(writerToken, 'contacts.create', held, '', {
        'x-gatehouse-reason': heldReason,
      });
      expect(hold.status).toBe(202);
      const pending = (await hold.json()) as { approval_id: string; poll: string };
      const approved = await fetch(`${g.url}/admin/api/approvals/${pending.approval_id}/approve`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(approved.status).toBe(200);
      const result = await fetch(`${g.url}${pending.poll}`, {
        headers: { 'x-api-key': writerToken },
      });
      expect(result.status).toBe(200);
      expect(await result.text()).toContain(held.email);
      // The database as the running gateway wrote it, before any rotation reseals anything.
      written = await databaseBytes(t, env.GATEHOUSE_DB);

      const rotated = await runCli(['agent', 'rotate', 'scanner', '--json'], io);
      expect(rotated).toBe(0);
      const newToken = (JSON.parse(out.pop()!) as { token: string }).token;
      tokens.push(newToken);
      expect((await call(oldToken, 'people.search', {})).status).toBe(401);

      const client = new Client({ name: 'scan', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${g.url}/mcp`), {
          requestInit: { headers: { authorization: `Bearer ${newToken}` } },
        }),
      );
      await client.callTool({ name: 'apollo_people_match', arguments: { email } });
      await client.close();

      expect(await runCli(['secrets', 'rotate'], io)).toBe(0);
      expect((await call(newToken, 'people.search', { per_page: 1 })).status).toBe(200);
    } finally {
      await g.close();
      await upstream.close();
    }

    out.length = 0;
    expect(await runCli(['audit', 'export', '--format', 'csv'], io)).toBe(0);
    expect(await runCli(['audit', 'export', '--format', 'jsonl'], io)).toBe(0);
    const exported = out.join('');
    expect(exported).toMatch(/scanner enriched a person by email s\*\*\*@secret-example\.org/);

    const dataKeys = readFileSync(env.GATEHOUSE_KEY_FILE, 'utf8').trim().split('\n');
    const secrets = {
      apolloKey,
      adminToken,
      email,
      ...Object.fromEntries(tokens.map((t, i) => [`token${i}`, t])),
    };
    if (written === undefined) throw new Error('the scenario ended before the database was read');
    const haystacks = {
      'database as written': written,
      database: await databaseBytes(t, env.GATEHOUSE_DB),
      logs: Buffer.from(logs.join('\n')),
      export: Buffer.from(exported),
    };
    expect(logs.length).toBeGreaterThan(10);
    const hits: string[] = [];
    for (const [where, bytes] of Object.entries(haystacks)) {
      for (const [name, secret] of Object.entries({
        ...secrets,
        ...endUser,
        ...Object.fromEntries(dataKeys.map((k, i) => [`dataKey${i}`, k])),
      })) {
        if (bytes.includes(Buffer.from(secret))) hits.push(`${name} in ${where}`);
        // The token body without its recognisable prefix, too.
        const body = secret.replace(/^gh_agent_/, '');
        if (body !== secret && bytes.includes(Buffer.from(body)))
          hits.push(`${name} (body) in ${where}`);
      }
    }
    expect(hits).toEqual([]);
    expect(Object.keys(endUser).length).toBeGreaterThanOrEqual(5);

    // The held contact's names: the audit trail words a contact write with the contact's name
    // (the catalog keeps contacts' names readable there, masking only their emails and phones),
    // so they are looked for in every other table, the approval that held the call included.
    const rows = await tableRows(env.GATEHOUSE_DB);
    const named = Object.entries(rows).flatMap(([table, text]) =>
      table === 'audit_records'
        ? []
        : [held.first_name, held.last_name]
            .filter((name) => text.includes(name))
            .map((name) => `${name} in ${table}`),
    );
    expect(named).toEqual([]);
  }, 60_000);
});
