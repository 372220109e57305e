// The first 20 actions' samples, and the lookups (people, companies, the team's records) that the
// other areas' samples share.
import { type Row, type SampleBook, type SampleContext } from './context.js';

export interface BaseIds {
  people: Row[];
  orgs: Row[];
  contacts: Row[];
  accounts: Row[];
  sequences: Row[];
  deals: Row[];
  users: Row[];
  /** A mailbox a seeded enrollment sends from. */
  mailbox: string;
  /** The first contact with an email address: the one the outreach samples write to. */
  withEmail: Row;
}

/** One search per kind of record, as an agent would start. */
export function base(ctx: SampleContext): Promise<BaseIds> {
  return ctx.once('base', async () => {
    const people = (await ctx.run('people.search', { person_titles: ['Director'], per_page: 2 }))
      .people as Row[];
    const orgs = (await ctx.run('organizations.search', { per_page: 1 })).organizations as Row[];
    const contacts = (await ctx.run('contacts.search', { per_page: 100 })).contacts as Row[];
    const accounts = (await ctx.run('accounts.search', { per_page: 1 })).accounts as Row[];
    const sequences = (await ctx.run('sequences.search', {})).emailer_campaigns as Row[];
    const deals = (await ctx.run('deals.list', {})).opportunities as Row[];
    const users = (await ctx.run('users.list', {})).users as Row[];
    const mailbox = contacts
      .flatMap((c) => (c.contact_campaign_statuses as Row[] | undefined) ?? [])
      .map((s) => s.send_email_from_email_account_id)
      .find((id): id is string => typeof id === 'string');
    const withEmail = contacts.find((c) => typeof c.email === 'string');
    if (
      !people[0] ||
      !orgs[0] ||
      !withEmail ||
      !accounts[0] ||
      !sequences[0] ||
      !deals[0] ||
      !users[0] ||
      !mailbox
    ) {
      throw new Error('the sandbox lacks a fixture the matrix needs');
    }
    return { people, orgs, contacts, accounts, sequences, deals, users, mailbox, withEmail };
  });
}

const fixed = (make: (b: BaseIds) => Record<string, unknown>) => ({
  build: async (ctx: SampleContext) => make(await base(ctx)),
});

export const coreSamples: SampleBook = {
  'people.search': fixed(() => ({ person_titles: ['VP Sales'], per_page: 5 })),
  'people.match': fixed((b) => ({ id: b.people[0]!.id })),
  'people.bulk_match': fixed((b) => ({
    details: [{ id: b.people[0]!.id }, { id: b.people[1]?.id ?? b.people[0]!.id }],
  })),
  'organizations.search': fixed(() => ({ organization_locations: ['Germany'], per_page: 5 })),
  'organizations.enrich': fixed((b) => ({ domain: b.orgs[0]!.primary_domain })),
  'contacts.search': fixed(() => ({ q_keywords: 'a', per_page: 5 })),
  'contacts.create': fixed(() => ({
    first_name: 'Matrix',
    last_name: 'Case',
    email: 'matrix.case@example.com',
  })),
  'contacts.update': fixed((b) => ({ contact_id: b.withEmail.id, title: 'Head of Matrix' })),
  'accounts.search': fixed(() => ({ per_page: 5 })),
  'accounts.create': fixed(() => ({ name: 'Matrix Co', domain: 'matrix-co.example' })),
  'accounts.update': fixed((b) => ({ account_id: b.accounts[0]!.id, name: 'Matrix Renamed' })),
  'sequences.search': fixed(() => ({})),
  'sequences.add_contacts': fixed((b) => ({
    sequence_id: b.sequences[0]!.id,
    contact_ids: [b.withEmail.id],
    send_email_from_email_account_id: b.mailbox,
  })),
  'tasks.search': fixed(() => ({ per_page: 5 })),
  'tasks.create': fixed((b) => ({
    user_id: b.users[0]!.id,
    contact_id: b.withEmail.id,
    type: 'call',
    status: 'scheduled',
    due_at: '2026-12-01T10:00:00.000Z',
  })),
  'deals.list': fixed(() => ({ per_page: 5 })),
  'deals.create': fixed(() => ({ name: 'Matrix deal', amount: '12000' })),
  'deals.update': fixed((b) => ({ opportunity_id: b.deals[0]!.id, amount: '13000' })),
  'users.list': fixed(() => ({})),
  'usage.stats': fixed(() => ({})),
};
