// Pins the sandbox end to end over HTTP with the real world: every catalog action's happy path
// answers 200 with a body that parses with the action's output schema.
import { beforeAll, describe, expect, it } from 'vitest';

import { actions, encodeQuery, fillPath, getAction, webhookResult } from '../catalog/index.js';

import { createSandbox, type Sandbox } from './index.js';
import {
  manualClock,
  recordingFetch,
  type RecordedRequest,
} from '../../test/helpers/sandbox/clock.js';

type Body = Record<string, unknown>;
type Row = Record<string, unknown>;

let sb: Sandbox;
let sink: { fetch: typeof fetch; requests: RecordedRequest[] };
const exercised = new Set<string>();

beforeAll(() => {
  sink = recordingFetch();
  sb = createSandbox({ seed: 42, clock: manualClock(), masterKeys: ['mk'], fetch: sink.fetch });
});

/** Calls an action over HTTP, checks 200 and the output schema, returns the body. */
async function call(id: string, input: Body = {}, method?: string): Promise<Body> {
  const action = getAction(id)!;
  const verb = method ?? action.method;
  const rest = Object.fromEntries(
    Object.entries(input).filter(([k]) => !action.pathParams.includes(k)),
  );
  const path = fillPath(action.path, input);
  const query = verb === 'GET' ? `?${encodeQuery(rest).toString()}` : '';
  const res = await sb.app.request(`${path}${query}`, {
    method: verb,
    headers: { 'x-api-key': 'mk', 'content-type': 'application/json' },
    ...(verb === 'GET' ? {} : { body: JSON.stringify(rest) }),
  });
  const text = await res.text();
  expect(res.status, `${verb} ${id}: ${text.slice(0, 300)}`).toBe(200);
  expect(res.headers.get('x-rate-limit-minute'), id).toMatch(/^\d+$/);
  const body = JSON.parse(text) as Body;
  const parsed = action.output.safeParse(body);
  expect(parsed.success, `${id} output: ${parsed.error?.message ?? ''}`).toBe(true);
  exercised.add(id);
  return body;
}

const rows = (body: Body, key: string) => body[key] as Row[];

describe('every action over HTTP with the real world', () => {
  it('searches and enriches people', async () => {
    const search = await call('people.search', { per_page: 5 });
    const person = rows(search, 'people')[0]!;
    const viaGet = await call('people.search', { per_page: 5 }, 'GET');
    expect(viaGet).toEqual(search);
    const match = await call('people.match', { id: person.id });
    expect((match.person as Row).id).toBe(person.id);
    const bulk = await call('people.bulk_match', { details: [{ id: person.id }] });
    expect(bulk.status).toBe('success');
  });

  it('searches and enriches organizations, charging the ledger', async () => {
    const before = sb.credits().total;
    const search = await call('organizations.search', { per_page: 3 });
    const org = rows(search, 'organizations')[0]!;
    const enriched = await call('organizations.enrich', { domain: org.primary_domain }, 'GET');
    expect((enriched.organization as Row).id).toBe(org.id);
    expect(sb.credits().total).toBe(before + 2);
  });

  it('creates, updates and searches contacts and accounts', async () => {
    await call('contacts.search', { per_page: 5 });
    const created = await call('contacts.create', {
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: 'ada@analytical.example',
      title: 'Engineer',
    });
    const contactId = (created.contact as Row).id;
    const updated = await call('contacts.update', { contact_id: contactId, title: 'CTO' });
    expect((updated.contact as Row).title).toBe('CTO');
    await call('contacts.update', { contact_id: contactId, title: 'CEO' }, 'PUT');

    await call('accounts.search', { per_page: 5 });
    const account = await call('accounts.create', {
      name: 'Analytical Engines',
      domain: 'ae.example',
    });
    const accountId = (account.account as Row).id;
    const renamed = await call('accounts.update', { account_id: accountId, name: 'AE Ltd' });
    expect((renamed.account as Row).name).toBe('AE Ltd');
  });

  it('adds a contact to a sequence, creates a task and works on deals', async () => {
    const sequences = await call('sequences.search', {});
    const sequence = rows(sequences, 'emailer_campaigns')[0]!;
    const contacts = await call('contacts.search', { per_page: 100 });
    const mailbox = rows(contacts, 'contacts')
      .flatMap((c) => (c.contact_campaign_statuses as Row[] | undefined) ?? [])
      .map((s) => s.send_email_from_email_account_id)
      .find((id): id is string => typeof id === 'string');
    expect(mailbox).toBeDefined();
    const contact = rows(contacts, 'contacts')[0]!;
    await call('sequences.add_contacts', {
      sequence_id: sequence.id,
      contact_ids: [contact.id],
      send_email_from_email_account_id: mailbox,
    });

    const users = await call('users.list', {});
    const user = rows(users, 'users')[0]!;
    await call('tasks.create', {
      user_id: user.id,
      contact_id: contact.id,
      type: 'call',
      status: 'scheduled',
      due_at: '2026-02-01T10:00:00.000Z',
    });
    await call('tasks.search', { per_page: 5 });

    await call('deals.list', {});
    const deal = await call('deals.create', { name: 'Pilot', amount: '12000' });
    const dealId = (deal.opportunity as Row).id;
    await call('deals.update', { opportunity_id: dealId, is_won: true, is_closed: true });
  });

  it('answers usage stats for the calls made', async () => {
    const stats = await call('usage.stats');
    const key = '["api/v1/mixed_people", "api_search"]';
    expect((stats[key] as { minute: { consumed: number } }).minute.consumed).toBe(2);
  });

  it('delivers an asynchronous phone reveal by webhook and keeps it for polling', async () => {
    const search = await call('people.search', { per_page: 1, page: 3 });
    const person = rows(search, 'people')[0]!;
    const before = sb.credits().total;
    const hook = 'https://hooks.example.com/apollo';
    const res = await sb.app.request(getAction('people.match')!.path, {
      method: 'POST',
      headers: { 'x-api-key': 'mk', 'content-type': 'application/json' },
      body: JSON.stringify({ id: person.id, reveal_phone_number: true, webhook_url: hook }),
    });
    const text = await res.text();
    const requestId = /"request_id":(-?\d+)/.exec(text)?.[1];
    expect(requestId).toBeDefined();
    const poll = () =>
      sb.app.request(fillPath(webhookResult.path, { request_id: requestId }), {
        headers: { 'x-api-key': 'mk' },
      });
    const pending = await poll();
    expect(pending.status).toBe(404);
    expect(await pending.json()).toMatchObject({ error_code: 'result_pending' });

    await sb.flushDeliveries();
    const delivered = sink.requests.filter((r) => r.url === hook);
    expect(delivered).toHaveLength(1);
    const ready = await poll();
    expect(ready.status).toBe(200);
    const envelope = await ready.text();
    expect(envelope).toContain(`"webhook_status":"success"`);
    expect(envelope).toContain(`"webhook_result":${delivered[0]?.body}`);
    expect(sb.credits().total).toBeGreaterThan(before);
  });

  it('drafts, sends and reads emails, and manages a sequence from creation to archive', async () => {
    const mailbox = rows(await call('emails.accounts'), 'email_accounts')[0]!;
    const schedule = rows(await call('emails.schedules'), 'emailer_schedules')[0]!;
    const contact = rows(await call('contacts.search', { per_page: 100 }), 'contacts').find(
      (c) => typeof c.email === 'string',
    )!;
    const draft = await call('emails.create', { contact_id: contact.id, subject: 'Hello' });
    const id = (draft.emailer_message as Row).id;
    await call('emails.send_now', { id });
    await call('emails.send_status', { id });
    const sent = await call('emails.search', { emailer_message_stats: ['delivered'] }, 'GET');
    const sentId = rows(sent, 'emailer_messages')[0]!.id;
    await call('emails.content', { ids: [sentId] });
    await call('emails.activities', { id: sentId }, 'GET');

    const created = await call('sequences.create', {
      name: 'Lifecycle',
      emailer_schedule_id: schedule.id,
      emailer_steps: [{ type: 'auto_email', wait_time: 0 }],
    });
    const sequenceId = (created.emailer_campaign as Row).id;
    await call('sequences.update', { id: sequenceId, name: 'Lifecycle 2' }, 'PATCH');
    await call('sequences.approve', { sequence_id: sequenceId });
    await call('sequences.add_contacts', {
      sequence_id: sequenceId,
      contact_ids: [contact.id],
      send_email_from_email_account_id: mailbox.id,
      sequence_active_in_other_campaigns: true,
    });
    await call('sequences.activity_feed', { contact_id: contact.id });
    await call('sequences.remove_contacts', {
      emailer_campaign_ids: [sequenceId],
      contact_ids: [contact.id],
      mode: 'stop',
    });
    await call('sequences.abort', { sequence_id: sequenceId });
    const archived = await call('sequences.archive', { sequence_id: sequenceId });
    expect((archived.emailer_campaign as Row).archived).toBe(true);
  });

  it('works on tasks by id, lists, fields, notes, calls and conversations', async () => {
    const contacts = rows(await call('contacts.search', { per_page: 5 }), 'contacts');
    const contact = contacts[0]!;
    const user = rows(await call('users.list', {}), 'users')[0]!;
    const task = {
      user_id: user.id,
      type: 'call',
      status: 'scheduled',
      due_at: '2026-02-01T10:00:00.000Z',
    };
    const bulk = await call('tasks.bulk_create', {
      ...task,
      contact_ids: contacts.slice(0, 3).map((c) => c.id),
    });
    const [t1, t2, t3] = rows(bulk, 'tasks');
    await call('tasks.get', { id: t1!.id }, 'GET');
    await call('tasks.update', { id: t1!.id, priority: 'high' });
    await call('tasks.complete', { id: t2!.id });
    await call('tasks.skip', { id: t3!.id });

    await call('labels.list', {}, 'GET');
    const label = await call('labels.create', { name: 'Actions list', modality: 'contacts' });
    await call('labels.update', { id: (label.label as Row).id, name: 'Actions list 2' });
    const members = {
      entity_ids: [contact.id],
      label_names: ['Actions list 2'],
      modality: 'contacts',
    };
    await call('labels.add_records', members);
    await call('labels.remove_records', members);

    await call('fields.list', { source: 'custom' }, 'GET');
    const field = await call('fields.create', {
      label: 'Actions',
      modality: 'contact',
      type: 'string',
    });
    const fieldId = (field.typed_custom_fields as Row[])[0]!.id;
    await call('fields.update', {
      fields: [{ id: `contact.${String(fieldId)}`, label: 'Actions 2' }],
    });
    await call('fields.list_typed', {}, 'GET');
    await call('notes.list', { contact_ids: contacts.map((c) => c.id) }, 'GET');

    const logged = await call('calls.create', { contact_id: contact.id, duration: 60 });
    const callId = (logged.phone_call as Row).id;
    await call('calls.search', { contact_id: contact.id }, 'GET');
    await call('calls.search', { contact_id: contact.id }, 'POST');
    await call('calls.update', { id: callId, note: 'Voicemail' }, 'PUT');
    await call('calls.update', { id: callId, status: 'busy' }, 'PATCH');

    const found = rows(
      await call('conversations.search', { num_fetch_result: 1 }),
      'conversations',
    );
    await call('conversations.get', { id: found[0]!.id }, 'GET');
    const exported = await call('conversations.export', {
      start_time: '2000-01-01T00:00:00Z',
      end_time: '2100-01-01T00:00:00Z',
      email: user.email,
    });
    await call('conversations.export_status', { id: exported.export_id }, 'GET');
  });

  it('gets people and companies by id, their jobs and news, and runs a report', async () => {
    const search = await call('people.search', { per_page: 1, page: 2 });
    const person = rows(search, 'people')[0]!;
    const got = await call('people.get', { id: person.id }, 'GET');
    const record = got.person as Row;
    expect(record.id).toBe(person.id);
    await call('people.search_legacy', { person_titles: ['engineer'], per_page: 3 });
    const org = await call('organizations.get', { id: record.organization_id }, 'GET');
    expect((org.organization as Row).id).toBe(record.organization_id);
    await call('organizations.job_postings', { organization_id: record.organization_id }, 'GET');
    const bulk = await call('organizations.bulk_enrich', { domains: ['google.com'] });
    const google = rows(bulk, 'organizations')[0]!;
    await call('news.search', { organization_ids: [google.id] });
    await call('organizations.search', { q_organization_name: 'a', per_page: 1 });
    const alias = await sb.app.request('/api/v1/organizations/search', {
      method: 'POST',
      headers: { 'x-api-key': 'mk', 'content-type': 'application/json' },
      body: JSON.stringify({ per_page: 1 }),
    });
    expect(alias.status).toBe(200);
    const profile = await call('users.profile', { include_credit_usage: 'true' }, 'GET');
    expect(profile.num_lead_credits_used).toBe(Math.ceil(sb.credits().total));
    const balances = await call('usage.credits');
    expect((balances.credit_usage_stats as Record<string, Row>).lead_credit?.consumed).toBe(
      profile.num_lead_credits_used,
    );
    await call('reports.sync', {
      metrics: [{ value: 'num_emails_sent' }],
      group_by: [],
      sorts: [],
      filters: {},
      group_by_totals_selected: false,
      pivot_group_by_totals_selected: false,
      date_ranges: [{ modality: 'all_time' }],
    });
  });

  it('shows, bulk-changes and stages contacts, accounts and deals', async () => {
    const contacts = rows(await call('contacts.search', { per_page: 10 }), 'contacts');
    const contact = contacts[0]!;
    const shown = await call('contacts.get', { contact_id: contact.id });
    expect((shown.contact as Row).id).toBe(contact.id);
    await call('contacts.deals', { contact_id: contact.id });
    const users = rows(await call('users.list', {}), 'users');
    const stages = await call('contacts.stages');
    const stage = (stages.contact_stages as Row[]).at(-1)!;
    await call('contacts.update_stages', { contact_ids: [contact.id], contact_stage_id: stage.id });
    const restaged = await call('contacts.get', { contact_id: contact.id });
    expect((restaged.contact as Row).contact_stage_id).toBe(stage.id);
    await call('contacts.update_owners', { contact_ids: [contact.id], owner_id: users.at(-1)!.id });
    const created = await call('contacts.bulk_create', {
      contacts: [{ first_name: 'Bulk', last_name: 'Made', email: 'bulk.made@example.com' }],
    });
    const made = (created.created_contacts as Row[])[0]!;
    await call('contacts.bulk_update', { contact_attributes: [{ id: made.id, title: 'Analyst' }] });
    expect(((await call('contacts.get', { contact_id: made.id })).contact as Row).title).toBe(
      'Analyst',
    );
    const account = rows(await call('accounts.search', { per_page: 1 }), 'accounts')[0]!;
    expect(((await call('accounts.get', { id: account.id })).account as Row).id).toBe(account.id);
    await call('accounts.stages');
    const bulkAccounts = await call('accounts.bulk_create', {
      accounts: [{ name: 'Bulk Made Co', domain: 'bulk-made.example' }],
    });
    const madeAccount = (bulkAccounts.created_accounts as Row[])[0]!;
    await call('accounts.bulk_update', {
      account_attributes: [{ id: madeAccount.id, name: 'Bulk Renamed Co' }],
    });
    await call('accounts.update_owners', { account_ids: [madeAccount.id], owner_id: users[0]!.id });
    const deal = rows(await call('deals.list', {}), 'opportunities')[0]!;
    expect(((await call('deals.get', { opportunity_id: deal.id })).opportunity as Row).id).toBe(
      deal.id,
    );
    await call('deals.stages');
    await call('deals.list_legacy', { per_page: 5 });
  });

  it('covered every catalog action', () => {
    expect([...exercised].sort()).toEqual(actions.map((a) => a.id).sort());
  });
});
