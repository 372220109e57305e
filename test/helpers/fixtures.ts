// A valid call for every catalog action, with ids taken from the sandbox the way an agent finds them.
import { actions, getAction } from '../../src/catalog/index.js';

type Row = Record<string, unknown>;

/** Calls Apollo (the sandbox) with a master key and returns the JSON body of a 200. */
export type ApolloCaller = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<Record<string, unknown>>;

/** Parameters (path parameters included) that Apollo accepts, for each of the 20 actions. */
export async function sampleInputs(
  apollo: ApolloCaller | { apollo: ApolloCaller },
): Promise<Record<string, Record<string, unknown>>> {
  const call = typeof apollo === 'function' ? apollo : apollo.apollo;
  // Every search in the catalog also accepts POST with a JSON body, even those documented as GET.
  const post = (id: string, body: object = {}) => call('POST', getAction(id)!.path, body);
  const people = (await post('people.search', { person_titles: ['Director'], per_page: 2 }))
    .people as Row[];
  const orgs = (await post('organizations.search', { per_page: 1 })).organizations as Row[];
  const contacts = (await post('contacts.search', { per_page: 100 })).contacts as Row[];
  const accounts = (await post('accounts.search', { per_page: 1 })).accounts as Row[];
  const sequences = (await post('sequences.search', {})).emailer_campaigns as Row[];
  const deals = (await post('deals.list', {})).opportunities as Row[];
  const users = (await post('users.list', {})).users as Row[];
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
  const inputs: Record<string, Record<string, unknown>> = {
    'people.search': { person_titles: ['VP Sales'], per_page: 5 },
    'people.match': { id: people[0].id },
    'people.bulk_match': { details: [{ id: people[0].id }, { id: people[1]?.id ?? people[0].id }] },
    'organizations.search': { organization_locations: ['Germany'], per_page: 5 },
    'organizations.enrich': { domain: orgs[0].primary_domain },
    'contacts.search': { q_keywords: 'a', per_page: 5 },
    'contacts.create': {
      first_name: 'Matrix',
      last_name: 'Case',
      email: 'matrix.case@example.com',
    },
    'contacts.update': { contact_id: withEmail.id, title: 'Head of Matrix' },
    'accounts.search': { per_page: 5 },
    'accounts.create': { name: 'Matrix Co', domain: 'matrix-co.example' },
    'accounts.update': { account_id: accounts[0].id, name: 'Matrix Renamed' },
    'sequences.search': {},
    'sequences.add_contacts': {
      sequence_id: sequences[0].id,
      contact_ids: [withEmail.id],
      send_email_from_email_account_id: mailbox,
    },
    'tasks.search': { per_page: 5 },
    'tasks.create': {
      user_id: users[0].id,
      contact_id: withEmail.id,
      type: 'call',
      status: 'scheduled',
      due_at: '2026-12-01T10:00:00.000Z',
    },
    'deals.list': { per_page: 5 },
    'deals.create': { name: 'Matrix deal', amount: '12000' },
    'deals.update': { opportunity_id: deals[0].id, amount: '13000' },
    'users.list': {},
    'usage.stats': {},
  };
  for (const a of actions) if (!inputs[a.id]) throw new Error(`no sample input for ${a.id}`);
  return inputs;
}

/** The method and URL path (path parameters filled, GET parameters in the query) for a sample call. */
export function requestFor(
  actionId: string,
  input: Record<string, unknown>,
): { method: string; path: string; body: unknown } {
  const action = getAction(actionId)!;
  let path = action.path;
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (action.pathParams.includes(k)) path = path.replace(`{${k}}`, encodeURIComponent(String(v)));
    else body[k] = v;
  }
  if (action.method === 'GET') {
    const qs = new URLSearchParams(
      Object.entries(body).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    return { method: 'GET', path: qs ? `${path}?${qs}` : path, body: undefined };
  }
  return { method: action.method, path, body };
}
