// Pins output conformance: every action's 200 body parses with the catalog's output schema as it
// travels on the wire; usage.stats and usage.credits are left to the server (a 422 from the world).
import { describe, expect, it } from 'vitest';

import { actions, getAction } from '../../catalog/index.js';
import { toJson } from '../json.js';
import { newWorld } from '../../../test/helpers/sandbox/world-call.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const w = newWorld(13);
const user = w.team.ownerUserId;
const hook = 'https://hooks.example.com/x';

function raw(id: string, input: Record<string, unknown>) {
  const action = getAction(id)!;
  const parsed = action.input.parse(input) as Record<string, unknown>;
  return w.run(id, parsed, { userId: user });
}

function body(id: string, input: Record<string, unknown>): any {
  const r = raw(id, input);
  if (!r.ok) throw new Error(`${id}: ${r.status} ${JSON.stringify(r.body)}`);
  return JSON.parse(toJson(r.body));
}

const person = body('people.search', { person_titles: ['sales'], per_page: 1 }).people[0];
const contactRows = body('contacts.search', { per_page: 100 }).contacts;
const contact = contactRows[0];
const mailbox = contactRows
  .flatMap((c: any) => c.contact_campaign_statuses)
  .map((s: any) => s.send_email_from_email_account_id)[0];
const account = body('accounts.search', { per_page: 1 }).accounts[0];
const sequence = body('sequences.search', {}).emailer_campaigns[0];
const deal = body('deals.list', {}).opportunities[0];
const task = body('tasks.search', { per_page: 100 }).tasks.filter(
  (t: any) => t.status === 'scheduled',
);
const label = body('labels.list', {})[0];
const field = body('fields.create', { label: 'Schema field', modality: 'contact', type: 'string' })
  .typed_custom_fields[0];
const phoneCall = body('calls.search', { per_page: 1 }).phone_calls[0];
const conversations = body('conversations.search', { num_fetch_result: 100 }).conversations;
const exportId = body('conversations.export', {
  start_time: '2000-01-01T00:00:00Z',
  end_time: '2100-01-01T00:00:00Z',
  email: w.users()[0]!.email,
}).export_id;

const withEmail = contactRows.find((c: any) => typeof c.email === 'string');
const sent = body('emails.search', { emailer_message_stats: ['delivered'], per_page: 1 })
  .emailer_messages[0];
const newSequence = (name: string, active = false) =>
  body('sequences.create', {
    name,
    ...(active ? { active: true } : {}),
    emailer_steps: [{ type: 'auto_email', wait_time: 0 }],
  }).emailer_campaign.id;
const draft = body('emails.create', { contact_id: withEmail.id, subject: 'Schema draft' })
  .emailer_message.id;
const enrolled = contactRows.find((c: any) => c.contact_campaign_statuses?.length);

const calls: Record<string, Array<Record<string, unknown>>> = {
  'people.search': [{}, { person_titles: ['nobody-has-this-title'] }],
  'people.match': [
    { id: person.id },
    { id: person.id, reveal_personal_emails: true, reveal_phone_number: true, webhook_url: hook },
    { id: person.id, run_waterfall_email: true, webhook_url: hook },
    { email: 'no.one@nowhere.example' },
  ],
  'people.bulk_match': [
    {
      details: [{ id: person.id }, { email: 'no.one@nowhere.example' }],
      reveal_phone_number: true,
      webhook_url: hook,
    },
    { details: [{ id: person.id }], run_waterfall_phone: true, webhook_url: hook },
  ],
  'organizations.search': [
    { organization_locations: ['Texas'] },
    { q_organization_name: 'zzzz-none' },
  ],
  'organizations.enrich': [
    {
      domain: person
        ? body('people.match', { id: person.id }).person.organization.primary_domain
        : 'x.com',
    },
    { domain: 'none.example' },
  ],
  'contacts.search': [
    { q_keywords: 'a' },
    { sort_by_field: 'contact_updated_at', sort_ascending: true },
  ],
  'contacts.create': [
    { first_name: 'Schema', last_name: 'Check', email: 'schema@check.example', label_names: ['x'] },
  ],
  'contacts.update': [{ contact_id: contact.id, title: 'Checked' }],
  'accounts.search': [{ q_organization_name: 'a' }],
  'accounts.create': [{ name: 'Schema Co' }],
  'accounts.update': [{ account_id: account.id, raw_address: 'Berlin, Germany' }],
  'sequences.search': [{ q_name: 'out' }],
  'sequences.add_contacts': [
    {
      sequence_id: sequence.id,
      contact_ids: [contact.id],
      send_email_from_email_account_id: mailbox,
    },
  ],
  'tasks.search': [{ sort_by_field: 'task_priority', open_factor_names: ['task_types'] }],
  'tasks.create': [
    {
      user_id: user,
      contact_id: contact.id,
      type: 'action_item',
      status: 'completed',
      due_at: '2026-11-01T00:00:00Z',
    },
  ],
  'deals.list': [{ sort_by_field: 'is_won' }],
  'deals.create': [{ name: 'Schema deal', amount: '100', closed_date: '2026-12-31' }],
  'deals.update': [{ opportunity_id: deal.id, name: 'Renamed' }],
  'users.list': [{ page: '1', per_page: '2' }],
  'tasks.get': [{ id: task[0].id }],
  'tasks.update': [{ id: task[0].id, note: 'Checked' }],
  'tasks.complete': [{ id: task[1].id }, { id: '0123456789abcdef01234567' }],
  'tasks.skip': [{ id: task[2].id, note: 'Skipped' }, { id: '0123456789abcdef01234567' }],
  'tasks.bulk_create': [
    {
      user_id: user,
      contact_ids: [contact.id],
      type: 'call',
      status: 'scheduled',
      due_at: '2026-12-01T00:00:00Z',
    },
    {
      tasks_attributes: [
        {
          user_id: user,
          contact_id: contact.id,
          type: 'call',
          status: 'scheduled',
          due_at: '2026-12-01T00:00:00Z',
        },
      ],
    },
  ],
  'labels.list': [{}],
  'labels.create': [{ name: 'Schema list', modality: 'accounts', book_of_business: true }],
  'labels.update': [{ id: label.id, name: 'Schema renamed' }],
  'labels.add_records': [
    { entity_ids: [contact.id], label_names: ['Schema members'], modality: 'contacts' },
    {
      entity_ids: [contact.id],
      label_names: ['Schema members'],
      modality: 'contacts',
      async: true,
    },
    { entity_ids: ['0123456789abcdef01234567'], label_names: ['x'], modality: 'contacts' },
  ],
  'labels.remove_records': [
    { entity_ids: [contact.id], label_names: ['Schema members'], modality: 'contacts' },
  ],
  'fields.list': [{}, { source: 'custom' }],
  'fields.create': [{ label: 'Schema number', modality: 'opportunity', type: 'number' }],
  'fields.update': [{ fields: [{ id: `contact.${field.id}`, label: 'Schema field 2' }] }],
  'fields.list_typed': [{}],
  'notes.list': [{ contact_ids: contactRows.map((c: any) => c.id) }],
  'calls.create': [{ contact_id: contact.id, status: 'completed', duration: 30 }, {}],
  'calls.search': [{ q_keywords: 'a' }, { inbound: 'incoming', duration: { min: 1 } }],
  'calls.update': [{ id: phoneCall.id, note: 'Schema note' }],
  'conversations.search': [{}, { conversation_type: 'phone_call' }],
  'conversations.get': conversations.map((c: any) => ({ id: c.id })),
  'conversations.export': [
    {
      start_time: '2000-01-01T00:00:00Z',
      end_time: '2100-01-01T00:00:00Z',
      email: w.users()[1]!.email,
    },
  ],
  'conversations.export_status': [{ id: exportId }],
  'people.get': [{ id: person.id }],
  'people.search_legacy': [
    { person_titles: ['sales'], per_page: 5 },
    { prospected_by_current_team: ['yes'] },
    { q_organization_domains: 'none.example\nalso-none.example' },
  ],
  'organizations.get': [
    { id: body('people.match', { id: person.id }).person.organization_id },
    { id: body('organizations.enrich', { domain: 'google.com' }).organization.id },
  ],
  'organizations.job_postings': [
    { organization_id: body('organizations.enrich', { domain: 'stripe.com' }).organization.id },
    { organization_id: body('people.match', { id: person.id }).person.organization_id, page: 9 },
  ],
  'organizations.bulk_enrich': [
    { domains: ['apollo.io', 'none.example'] },
    { details: [{ name: 'Microsoft' }, { website: 'https://www.salesforce.com' }] },
  ],
  'news.search': [
    { organization_ids: [body('organizations.enrich', { domain: 'apollo.io' }).organization.id] },
    { organization_ids: ['0123456789abcdef01234567'], categories: ['hires'] },
  ],
  'users.profile': [{}],
  'emails.create': [{ contact_id: withEmail.id, subject: 'Schema', body_html: '<p>Hi</p>' }],
  'emails.send_now': [{ id: draft }],
  'emails.send_status': [{ id: sent.id }],
  'emails.search': [{}, { emailer_message_stats: ['delivered'], per_page: 5 }],
  'emails.content': [{ ids: [sent.id] }],
  'emails.activities': [{ id: sent.id }],
  'emails.accounts': [{}],
  'emails.schedules': [{}],
  'sequences.create': [
    { name: 'Schema sequence', emailer_steps: [{ type: 'auto_email', wait_time: 0 }] },
  ],
  'sequences.update': [{ id: newSequence('Schema to rename'), name: 'Schema renamed' }],
  'sequences.approve': [{ sequence_id: newSequence('Schema to approve') }],
  'sequences.abort': [{ sequence_id: newSequence('Schema to abort', true) }],
  'sequences.archive': [{ sequence_id: newSequence('Schema to archive') }],
  'sequences.remove_contacts': [
    {
      emailer_campaign_ids: [enrolled.contact_campaign_statuses[0].emailer_campaign_id],
      contact_ids: [enrolled.id],
      mode: 'stop',
    },
  ],
  'sequences.activity_feed': [{ contact_id: withEmail.id }],
  'contacts.get': [{ contact_id: contact.id }],
  'contacts.deals': [{ contact_id: contact.id }],
  'contacts.bulk_create': [{ contacts: [{ first_name: 'Schema', last_name: 'Bulk' }] }],
  'contacts.bulk_update': [{ contact_attributes: [{ id: contact.id, title: 'Schema' }] }],
  'contacts.update_stages': [
    {
      contact_ids: [contact.id],
      contact_stage_id: body('contacts.stages', {}).contact_stages[0].id,
    },
  ],
  'contacts.update_owners': [{ contact_ids: [contact.id], owner_id: user }],
  'contacts.stages': [{}],
  'accounts.get': [{ id: account.id }],
  'accounts.bulk_create': [{ accounts: [{ name: 'Schema Bulk Co' }] }],
  'accounts.bulk_update': [{ account_attributes: [{ id: account.id, name: 'Schema Co' }] }],
  'accounts.update_owners': [{ account_ids: [account.id], owner_id: user }],
  'accounts.stages': [{}],
  'deals.get': [{ opportunity_id: deal.id }],
  'deals.stages': [{}],
  'deals.list_legacy': [{}],
  'reports.sync': [
    {
      metrics: [{ value: 'num_emails_sent' }, { value: 'email_open_rate' }],
      group_by: [{ name: 'smart_user_id' }],
      sorts: [],
      filters: {},
      group_by_totals_selected: true,
      pivot_group_by_totals_selected: false,
      date_ranges: [{ modality: 'all_time' }],
      pivot_group_by: [{ name: 'smart_datetime_month' }],
    },
  ],
};

describe('output schemas', () => {
  it('covers every catalog action but the two the server answers', () => {
    const server = ['usage.stats', 'usage.credits'];
    expect(Object.keys(calls).sort()).toEqual(
      actions
        .map((a) => a.id)
        .filter((id) => !server.includes(id))
        .sort(),
    );
    expect(Object.keys(calls)).toHaveLength(actions.length - server.length);
  });

  for (const [id, inputs] of Object.entries(calls)) {
    it(`answers ${id} with a body its output schema accepts`, () => {
      for (const input of inputs) {
        const parsed = getAction(id)!.output.safeParse(body(id, input));
        expect(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3))).toBe(true);
      }
    });
  }

  it('leaves usage.stats to the server with a 422', () => {
    expect(raw('usage.stats', {})).toMatchObject({ ok: false, status: 422 });
    expect(raw('usage.credits', {})).toMatchObject({ ok: false, status: 422 });
    expect(() => w.run('nope.nothing', {}, { userId: user })).toThrow(/no action/);
  });
});
