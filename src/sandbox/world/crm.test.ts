// Pins the team CRM: contacts round-trip through create, search and update; run_dedupe updates
// in place; accounts never dedupe; sequence enrollment skips with reasons and is idempotent;
// tasks, deals and users behave as Apollo documents (string pagination on users).
import { describe, expect, it } from 'vitest';

import type { World } from './index.js';
import { call, newWorld, T0 } from '../../../test/helpers/sandbox/world-call.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
function fresh(): World {
  let t = T0;
  return newWorld(21, () => (t += 1000));
}

function contacts(w: World, filters: Record<string, unknown> = {}): any[] {
  return call(w, 'contacts.search', { per_page: 100, ...filters }).json.contacts;
}

function allContacts(w: World): any[] {
  const out: any[] = [];
  for (let page = 1; ; page++) {
    const rows = contacts(w, { page });
    if (!rows.length) return out;
    out.push(...rows);
  }
}

function mailboxId(w: World): string {
  const enrolled = allContacts(w).find((c) => c.contact_campaign_statuses.length > 0);
  return enrolled.contact_campaign_statuses[0].send_email_from_email_account_id;
}

describe('seeded CRM', () => {
  it('holds 6 users led by an admin owner, ~300 contacts, ~80 accounts, 6 sequences, 50 tasks, 30 deals', () => {
    const w = fresh();
    const users = call(w, 'users.list', { per_page: 100 }).json;
    expect(users.users).toHaveLength(6);
    expect(users.users[0].id).toBe(w.team.ownerUserId);
    expect(w.profile(w.team.ownerUserId)).toMatchObject({
      id: w.team.ownerUserId,
      team_id: w.team.id,
    });
    expect(w.profile('0123456789abcdef01234567')).toBeUndefined();
    expect(w.users()).toHaveLength(6);
    expect(call(w, 'contacts.search', {}).json.pagination.total_entries).toBe(300);
    expect(call(w, 'accounts.search', {}).json.pagination.total_entries).toBe(80);
    expect(call(w, 'sequences.search', {}).json.pagination.total_entries).toBe(6);
    expect(call(w, 'tasks.search', {}).json.pagination.total_entries).toBe(50);
    expect(call(w, 'deals.list', {}).json.pagination.total_entries).toBe(30);
    expect(allContacts(w).filter((c) => c.person_id).length).toBeGreaterThanOrEqual(100);
  });

  it('answers users.list pagination with page and per_page as strings', () => {
    const r = call(newWorld(21), 'users.list', { page: 2, per_page: 4 }).json;
    expect(r.pagination).toEqual({ page: '2', per_page: '4', total_entries: 6, total_pages: 2 });
    expect(r.users).toHaveLength(2);
  });
});

describe('contacts', () => {
  it('round-trips create → search → update, with labels, phones and a parsed address', () => {
    const w = fresh();
    const created = call(w, 'contacts.create', {
      first_name: 'Grace',
      last_name: 'Hopper',
      title: 'Rear Admiral',
      organization_name: 'Navy Labs Collective',
      email: 'grace@navylabs.example',
      label_names: ['Pioneers', 'Q4 Outbound'],
      direct_phone: '(415) 555-0134',
      mobile_phone: '+44 20 7946 0000',
      present_raw_address: 'Austin, Texas',
    });
    const c = created.json.contact;
    expect(c).toMatchObject({
      first_name: 'Grace',
      name: 'Grace Hopper',
      source: 'api',
      source_display_name: 'Created from API',
      city: 'Austin',
      state: 'Texas',
      country: 'United States',
      time_zone: 'America/Chicago',
      owner_id: w.team.ownerUserId,
    });
    expect(c.phone_numbers.map((p: any) => [p.type, p.sanitized_number])).toEqual([
      ['work_direct', '+14155550134'],
      ['mobile', '+442079460000'],
    ]);
    expect(created.json.labels.map((l: any) => l.name).sort()).toEqual(['Pioneers', 'Q4 Outbound']);
    expect(created.json.labels.every((l: any) => l.modality === 'contacts')).toBe(true);
    expect(created.json).not.toHaveProperty('dedupe_result');
    const found = contacts(w, { q_keywords: 'grace hopper' });
    expect(found.map((x) => x.id)).toEqual([c.id]);
    expect(contacts(w, { q_keywords: 'navylabs.example' }).map((x) => x.id)).toEqual([c.id]);
    const pioneers = created.json.labels.find((l: any) => l.name === 'Pioneers').id;
    expect(contacts(w, { contact_label_ids: [pioneers] }).map((x) => x.id)).toEqual([c.id]);
    const updated = call(w, 'contacts.update', {
      contact_id: c.id,
      title: 'Commodore',
      label_names: ['Legends'],
    });
    expect(updated.json.contact).toMatchObject({
      id: c.id,
      title: 'Commodore',
      email: 'grace@navylabs.example',
    });
    expect(updated.json.labels.map((l: any) => l.name)).toEqual(['Legends']);
    expect(contacts(w, { contact_label_ids: [pioneers] })).toEqual([]);
    expect(contacts(w, { q_keywords: 'commodore' })[0].id).toBe(c.id);
  });

  it('refuses unknown contacts, accounts and stage ids with 422', () => {
    const w = fresh();
    const missing = call(w, 'contacts.update', {
      contact_id: '0123456789abcdef01234567',
      title: 'X',
    });
    expect(missing).toMatchObject({
      ok: false,
      status: 422,
      body: { error: 'Parameters misconfigured. 0123456789abcdef01234567 is not a valid ID' },
    });
    const badAccount = call(w, 'contacts.create', {
      first_name: 'A',
      account_id: 'aaaaaaaaaaaaaaaaaaaaaaaa',
    });
    expect(badAccount).toMatchObject({
      ok: false,
      status: 422,
      body: { error: 'Parameters misconfigured. aaaaaaaaaaaaaaaaaaaaaaaa is not a valid ID' },
    });
    const some = contacts(w)[0];
    const badStage = call(w, 'contacts.update', {
      contact_id: some.id,
      contact_stage_id: 'bbbbbbbbbbbbbbbbbbbbbbbb',
    });
    expect(badStage).toMatchObject({ ok: false, status: 422 });
  });

  it('creates duplicates by default; run_dedupe updates the email match in place and returns the old id', () => {
    const w = fresh();
    const base = {
      first_name: 'Alan',
      last_name: 'Turing',
      email: 'alan@bletchley.example',
      title: 'Analyst',
    };
    const first = call(w, 'contacts.create', base).json.contact;
    const second = call(w, 'contacts.create', base).json.contact;
    expect(second.id).not.toBe(first.id);
    const deduped = call(w, 'contacts.create', {
      ...base,
      title: 'Head of Hut 8',
      run_dedupe: true,
    }).json;
    expect([first.id, second.id]).toContain(deduped.contact.id);
    expect(deduped.contact.title).toBe('Head of Hut 8');
    expect(deduped.contact.last_name).toBe('Turing');
    expect(deduped.dedupe_result).toEqual({
      found_existing: true,
      match_reason: 'email_match',
      existing_contact_id: deduped.contact.id,
    });
    expect(contacts(w, { q_keywords: 'turing' })).toHaveLength(2);
    const byName = call(w, 'contacts.create', {
      first_name: 'alan',
      last_name: 'TURING',
      email: 'turing@bletchley.example',
      run_dedupe: true,
    }).json;
    expect(byName.dedupe_result.found_existing).toBe(true);
    expect(byName.dedupe_result.match_reason).toBe('name_and_organization_match');
    const other = call(w, 'contacts.create', {
      first_name: 'Joan',
      last_name: 'Clarke',
      run_dedupe: true,
    }).json;
    expect(other).not.toHaveProperty('dedupe_result');
  });

  it('sorts by every sort field in both directions, nulls last', () => {
    const w = fresh();
    const fields = [
      'contact_last_activity_date',
      'contact_email_last_opened_at',
      'contact_email_last_clicked_at',
      'contact_created_at',
      'contact_updated_at',
    ];
    const created = allContacts(w).map((c) => c.created_at);
    for (const sort_by_field of fields) {
      for (const sort_ascending of [true, false]) {
        const rows = contacts(w, { sort_by_field, sort_ascending, per_page: 100 });
        expect(rows).toHaveLength(100);
        if (sort_by_field === 'contact_created_at') {
          const keys = rows.map((r) => r.created_at);
          const sorted = [...keys].sort();
          expect(keys).toEqual(sort_ascending ? sorted : sorted.reverse());
        }
      }
    }
    const byActivity = contacts(w, {
      sort_by_field: 'contact_last_activity_date',
      per_page: 100,
      page: 3,
    });
    const dates = byActivity.map((r) => r.last_activity_date);
    const firstNull = dates.indexOf(null);
    if (firstNull >= 0) expect(dates.slice(firstNull).every((d) => d === null)).toBe(true);
    expect(created).toHaveLength(300);
  });
});

describe('accounts', () => {
  it('never deduplicates, links known domains to the database, and refuses unknown ids with 422', () => {
    const w = fresh();
    const org = call(w, 'organizations.search', { per_page: 1, page: 7 }).json.organizations[0];
    const a = call(w, 'accounts.create', { domain: org.primary_domain }).json.account;
    const b = call(w, 'accounts.create', { domain: org.primary_domain }).json.account;
    expect(a.id).not.toBe(b.id);
    expect(a).toMatchObject({
      name: org.name,
      organization_id: org.id,
      source: 'api',
      modality: 'account',
    });
    const rows = call(w, 'accounts.search', { q_organization_name: org.name }).json.accounts;
    expect(rows.map((r: any) => r.id).sort()).toEqual([a.id, b.id].sort());
    expect(rows[0]).toMatchObject({ num_contacts: 0, contact_emailer_campaign_ids: [] });
    const updated = call(w, 'accounts.update', {
      account_id: a.id,
      name: 'Renamed Co',
      phone: '212-555-0199',
    }).json;
    expect(updated.account).toMatchObject({ name: 'Renamed Co', sanitized_phone: '+12125550199' });
    expect(updated.labels).toEqual([]);
    expect(
      call(w, 'accounts.update', { account_id: 'cccccccccccccccccccccccc', name: 'x' }),
    ).toMatchObject({
      status: 422,
      body: { error: 'Parameters misconfigured. account_id is not a valid ID' },
    });
    expect(
      call(w, 'accounts.update', { account_id: a.id, owner_id: 'dddddddddddddddddddddddd' }),
    ).toMatchObject({
      status: 422,
    });
  });

  it('matches the name partially and filters by stage', () => {
    const w = fresh();
    const all = call(w, 'accounts.search', { per_page: 100 }).json.accounts;
    const stage = all[0].account_stage_id;
    const staged = call(w, 'accounts.search', { account_stage_ids: [stage], per_page: 100 }).json;
    expect(staged.accounts.every((a: any) => a.account_stage_id === stage)).toBe(true);
    expect(staged.breadcrumbs[0]).toMatchObject({
      signal_field_name: 'account_stage_ids',
      value: stage,
    });
    const fragment = all[0].name.slice(1, 5).toLowerCase();
    const byName = call(w, 'accounts.search', { q_organization_name: fragment, per_page: 100 }).json
      .accounts;
    expect(byName.length).toBeGreaterThan(0);
    expect(byName.every((a: any) => a.name.toLowerCase().includes(fragment))).toBe(true);
  });
});

describe('sequences.add_contacts', () => {
  it('adds eligible contacts, skips the rest with reasons, and skips them on a second call', () => {
    const w = fresh();
    const mailbox = mailboxId(w);
    const seq = call(w, 'sequences.search', { q_name: 'webinar' }).json.emailer_campaigns[0];
    expect(seq.name).toBe('Webinar Follow-up');
    const everyone = allContacts(w);
    const free = everyone.filter(
      (c) => c.email && c.contact_campaign_statuses.length === 0 && c.email_status === 'verified',
    );
    const noEmail = everyone.find((c) => !c.email && c.contact_campaign_statuses.length === 0);
    const activeElsewhere = everyone.find((c) =>
      c.contact_campaign_statuses.some(
        (s: any) => s.status === 'active' && s.emailer_campaign_id !== seq.id,
      ),
    );
    const picked = [];
    const companies = new Set();
    for (const c of free) {
      const key = c.account_id ?? c.organization_name;
      if (companies.has(key)) continue;
      companies.add(key);
      picked.push(c);
      if (picked.length === 2) break;
    }
    const ghost = '0123456789abcdef01234567';
    const ids = [...picked.map((c) => c.id), noEmail.id, activeElsewhere.id, ghost];
    const r = call(w, 'sequences.add_contacts', {
      sequence_id: seq.id,
      contact_ids: ids,
      send_email_from_email_account_id: mailbox,
    }).json;
    expect(r.contacts.map((c: any) => c.id).sort()).toEqual(picked.map((c) => c.id).sort());
    expect(r.skipped_contact_ids).toEqual({
      [noEmail.id]: 'contacts_without_email',
      [activeElsewhere.id]: 'contacts_active_in_other_campaigns',
      [ghost]: 'contact_not_found',
    });
    for (const c of r.contacts) {
      expect(c.emailer_campaign_ids).toContain(seq.id);
      expect(c.contact_campaign_statuses.at(-1)).toMatchObject({
        emailer_campaign_id: seq.id,
        status: 'active',
        send_email_from_email_account_id: mailbox,
      });
    }
    expect(r.emailer_campaign.id).toBe(seq.id);
    expect(r.emailer_steps.length).toBe(seq.num_steps);
    expect(r.emailer_touches.length).toBeGreaterThan(0);
    expect(r.team).toEqual({ id: w.team.id, sequences_finder_empty: false });
    expect(r.signals_hash).toBeNull();
    expect(r.emailer_campaign.contact_statuses.active).toBe(seq.contact_statuses.active + 2);

    const again = call(w, 'sequences.add_contacts', {
      sequence_id: seq.id,
      contact_ids: ids,
      send_email_from_email_account_id: mailbox,
      sequence_no_email: true,
      sequence_active_in_other_campaigns: true,
    }).json;
    expect(again.contacts.map((c: any) => c.id).sort()).toEqual(
      [noEmail.id, activeElsewhere.id].sort(),
    );
    for (const c of picked)
      expect(again.skipped_contact_ids[c.id]).toBe('contacts_already_exists_in_current_campaign');
  });

  it('answers 404 for an unknown sequence and 422 for an unknown mailbox', () => {
    const w = fresh();
    const seq = call(w, 'sequences.search', {}).json.emailer_campaigns[0];
    const contact = contacts(w)[0];
    expect(
      call(w, 'sequences.add_contacts', {
        sequence_id: 'eeeeeeeeeeeeeeeeeeeeeeee',
        contact_ids: [contact.id],
        send_email_from_email_account_id: mailboxId(w),
      }),
    ).toMatchObject({ ok: false, status: 404 });
    expect(
      call(w, 'sequences.add_contacts', {
        sequence_id: seq.id,
        contact_ids: [contact.id],
        send_email_from_email_account_id: 'ffffffffffffffffffffffff',
      }),
    ).toMatchObject({ ok: false, status: 422 });
  });
});

describe('tasks and deals', () => {
  it('creates tasks without deduplication and finds them by contact', () => {
    const w = fresh();
    const c = contacts(w)[0];
    const input = {
      user_id: w.team.ownerUserId,
      contact_id: c.id,
      type: 'call',
      status: 'scheduled',
      due_at: '2026-12-01T09:00:00Z',
    };
    const a = call(w, 'tasks.create', input).json.task;
    const b = call(w, 'tasks.create', input).json.task;
    expect(a.id).not.toBe(b.id);
    expect(a).toMatchObject({
      priority: 'medium',
      status: 'scheduled',
      contact_id: c.id,
      created_from: 'api',
    });
    expect(a.title).toContain(c.first_name);
    const found = call(w, 'tasks.search', {
      contact_id: c.id,
      open_factor_names: ['task_types'],
    }).json;
    expect(found.tasks.map((t: any) => t.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(found.tasks[0].contact.id).toBe(c.id);
    // Task-type counts come under faceting (CORRECTIONS C10).
    expect(
      found.faceting.task_types.find((t: any) => t.value === 'call').count,
    ).toBeGreaterThanOrEqual(2);
    expect(
      call(w, 'tasks.create', { ...input, contact_id: 'abababababababababababab' }),
    ).toMatchObject({ status: 422 });
  });

  it('stores a digit-string amount as a number, updates by id, and refuses unknown ids', () => {
    const w = fresh();
    const deal = call(w, 'deals.create', { name: 'Pilot', amount: '12500' }).json.opportunity;
    expect(deal).toMatchObject({
      name: 'Pilot',
      amount: 12500,
      source: 'api',
      owner_id: w.team.ownerUserId,
      is_closed: false,
    });
    // A deal is won by moving it to a won stage: Apollo's update takes no is_won (CORRECTIONS C11).
    const won = call(w, 'deals.stages', {}).json.opportunity_stages.find((s: any) => s.is_won);
    const updated = call(w, 'deals.update', {
      opportunity_id: deal.id,
      amount: '9999999999',
      opportunity_stage_id: won.id,
    }).json.opportunity;
    expect(updated).toMatchObject({ amount: 9999999999, is_won: true, is_closed: true });
    expect(
      call(w, 'deals.update', { opportunity_id: '121212121212121212121212', name: 'x' }),
    ).toMatchObject({ status: 422, body: { error: 'Opportunity does not exist.' } });
    expect(
      call(w, 'deals.create', { name: 'x', account_id: '343434343434343434343434' }),
    ).toMatchObject({ status: 422 });
    const sorted = call(w, 'deals.list', { sort_by_field: 'amount', per_page: 100 }).json
      .opportunities;
    const amounts = sorted.map((d: any) => d.amount);
    expect(amounts).toEqual([...amounts].sort((x: number, y: number) => y - x));
    expect(sorted[0].account === null || typeof sorted[0].account === 'object').toBe(true);
  });
});

describe('account links', () => {
  it('shows an organization as a saved account only while an account points at it', () => {
    const w = fresh();
    const org = call(w, 'organizations.search', { per_page: 1, page: 11 }).json.organizations[0];
    const a = call(w, 'accounts.create', { name: 'Linked', domain: org.primary_domain }).json
      .account;
    expect(
      call(w, 'organizations.search', { organization_ids: [org.id] }).json.accounts[0].id,
    ).toBe(a.id);
    call(w, 'accounts.update', { account_id: a.id, domain: 'elsewhere.example' });
    const after = call(w, 'organizations.search', { organization_ids: [org.id] }).json;
    expect(after.accounts).toEqual([]);
    expect(after.organizations[0].id).toBe(org.id);
  });
});
