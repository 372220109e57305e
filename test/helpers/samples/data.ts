// Samples for Apollo's database (people, companies, news) and the team's users, usage and reports
// beyond the first 20 actions.
import { base } from './core.js';
import type { Row, SampleBook, SampleContext } from './context.js';

const fixed = (make: (b: Awaited<ReturnType<typeof base>>) => Row) => ({
  build: async (ctx: SampleContext) => make(await base(ctx)),
});

export const dataSamples: SampleBook = {
  'people.get': fixed((b) => ({ id: b.people[0]!.id })),
  'people.search_legacy': fixed(() => ({ person_titles: ['Director'], per_page: 5 })),
  'organizations.get': fixed((b) => ({ id: b.orgs[0]!.id })),
  'organizations.job_postings': fixed((b) => ({ organization_id: b.orgs[0]!.id, per_page: 5 })),
  'organizations.bulk_enrich': fixed((b) => ({ domains: [b.orgs[0]!.primary_domain] })),
  'news.search': fixed((b) => ({ organization_ids: [b.orgs[0]!.id], per_page: 5 })),
  'users.profile': fixed(() => ({ include_credit_usage: true })),
  'usage.credits': fixed(() => ({})),
  'reports.sync': fixed(() => ({
    metrics: [
      {
        value: 'num_emails_sent',
        smart_datetime_reference: 'activity_datetime',
        smart_user_id_reference: 'user_id',
      },
    ],
    group_by: [{ name: 'smart_user_id', limit: 10 }],
    sorts: [],
    filters: {},
    group_by_totals_selected: false,
    pivot_group_by_totals_selected: false,
    date_ranges: [{ modality: 'last_30_days' }],
  })),
};
