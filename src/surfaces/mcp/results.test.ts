// Result shaping for models: compact JSON, paging facts in both of Apollo's pagination styles,
// the one-line summaries, and refusals as isError results.
import { describe, expect, it } from 'vitest';

import { getAction } from '../../catalog/index.js';
import { gatewayError } from '../../core/index.js';

import { compact, failureResult, pageFacts, skippedNote, summarize } from './results.js';

describe('compact', () => {
  it('drops nulls, empty strings, lists and objects, and top-level breadcrumbs only', () => {
    expect(
      compact({
        breadcrumbs: [{ label: 'x' }],
        a: null,
        b: '',
        c: [],
        d: {},
        e: { f: null, g: [null, 1, ''] },
        h: 0,
        i: false,
        nested: { breadcrumbs: ['kept'] },
      }),
    ).toEqual({ e: { g: [1] }, h: 0, i: false, nested: { breadcrumbs: ['kept'] } });
  });
});

describe('pageFacts and summarize', () => {
  const people = getAction('people.search');
  const contacts = getAction('contacts.search');

  it('reads total_entries-only answers, capping pages at what Apollo serves', () => {
    const body = { total_entries: 1_204, people: Array.from({ length: 25 }, () => ({})) };
    expect(pageFacts(people, { per_page: 25 }, body)).toEqual({
      rows: 25,
      total: 1_204,
      page: 1,
      totalPages: 49,
    });
    expect(summarize(people, { per_page: 25 }, body, 0)).toBe(
      '25 of 1,204 people, page 1 of 49; call again with page 2 for more (no credits spent).',
    );
    const huge = { total_entries: 9_000_000, people: [{}] };
    expect(pageFacts(people, { per_page: 100 }, huge)?.totalPages).toBe(500);
  });

  it('reads pagination objects and says when the last page is reached', () => {
    const body = {
      contacts: [{}, {}],
      pagination: { page: 3, per_page: 10, total_entries: 22, total_pages: 3 },
    };
    expect(summarize(contacts, { page: 3 }, body, 0)).toBe(
      '2 of 22 contacts, page 3 of 3; this is the last page (no credits spent).',
    );
  });

  it('summarises matches and counts credits', () => {
    const match = getAction('people.match');
    expect(summarize(match, {}, { person: { name: 'Ann Lee', title: 'CTO' } }, 1)).toBe(
      'Found Ann Lee, CTO (1 credit spent).',
    );
    expect(summarize(match, {}, { person: null }, 0)).toBe(
      'No matching person (no credits spent).',
    );
    const bulk = getAction('people.bulk_match');
    expect(summarize(bulk, { details: [{}, {}, {}] }, { matches: [{}, null, {}] }, 2)).toBe(
      'Matched 2 of 3 people (2 credits spent).',
    );
  });
});

describe('failureResult', () => {
  it('is an isError result with a sentence to act on and the audit id', () => {
    const result = failureResult(
      gatewayError.notGranted({
        rule: 'contacts=read',
        reason: 'This agent may read contacts but not create them. Ask an admin for contacts=full.',
      }),
      'aud_1',
    );
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([
      {
        type: 'text',
        text: 'Denied: this agent may read contacts but not create them. Ask an admin for contacts=full. (audit aud_1)',
      },
    ]);
  });
});

describe('skippedNote', () => {
  it('names the contacts Apollo skipped and why, and says nothing when none were', () => {
    expect(skippedNote({ skipped_contact_ids: { c1: 'contacts_unverified_email' } })).toBe(
      " Apollo skipped 1 contact: c1 (contacts_unverified_email); see Apollo's sequence options (e.g. sequence_active_in_other_campaigns) to include them.",
    );
    expect(skippedNote({ skipped_contact_ids: {} })).toBe('');
    expect(skippedNote({ contacts: [] })).toBe('');
  });
});
