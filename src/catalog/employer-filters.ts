import { employeeRanges, quoted, rangeText } from './define.js';
import {
  amountParam,
  apolloId,
  dateParam,
  domainParam,
  employeeRangeParam,
  intParam,
  list,
  range,
  text,
} from './params.js';

const name = text(200);

/**
 * Filters shared by people search and organization search. Said of people they describe the
 * person's current employer; said of companies, the companies themselves.
 */
export const employerFilters = {
  organization_locations: list(name)
    .optional()
    .describe(
      'Headquarters locations of the company (for people: of their current employer), as cities, US states or countries; any one matches, and a company\'s other offices do not count. List of strings, e.g. ["texas", "tokyo"].',
    ),
  q_organization_domains_list: list(domainParam, 1000)
    .optional()
    .describe(
      'Company domains, bare (no scheme, @ or path; a leading www. is dropped); for people Apollo matches current or previous employers. Up to 1,000, e.g. ["apollo.io", "microsoft.com"].',
    ),
  organization_ids: list(apolloId)
    .optional()
    .describe(
      'Apollo organization ids (24 hexadecimal characters, from an organization search), e.g. ["5e66b6381e05b4008c8331b8"].',
    ),
  organization_num_employees_ranges: list(employeeRangeParam, 20)
    .optional()
    .describe(
      'Headcount ranges as "min,max" strings (no spaces; "10001," is open-ended); any one matches. Up to 20, e.g. ["1,10", "250,500"].',
    ),
  revenue_range: range(amountParam)
    .optional()
    .describe(
      'Annual revenue in US dollars as {min, max} (either may be left out), plain numbers without symbols or commas; query form revenue_range[min]=500000. E.g. {"min": 500000, "max": 1500000}.',
    ),
  currently_using_any_of_technology_uids: list(text(100))
    .optional()
    .describe(
      'Technologies the company uses, any one of them: Apollo technology uids with spaces and dots replaced by underscores, e.g. ["salesforce", "google_analytics", "wordpress_org"].',
    ),
  q_organization_job_titles: list(name)
    .optional()
    .describe(
      'Job titles in the company\'s active job postings, any one matches, e.g. ["sales manager", "research analyst"].',
    ),
  organization_job_locations: list(name)
    .optional()
    .describe(
      'Locations of the jobs the company is actively recruiting for, e.g. ["atlanta", "japan"].',
    ),
  organization_num_jobs_range: range(intParam(0, 1_000_000, 'number of jobs'))
    .optional()
    .describe(
      'Number of active job postings at the company as {min, max} whole numbers, e.g. {"min": 50, "max": 500}.',
    ),
  organization_job_posted_at_range: range(dateParam)
    .optional()
    .describe(
      'When the company\'s jobs were posted, as {min, max} dates YYYY-MM-DD, e.g. {"min": "2025-07-25", "max": "2025-09-25"}.',
    ),
  q_organization_keyword_tags: list(text(100))
    .optional()
    .describe(
      'Keyword tags describing what the company does, any one matches, e.g. ["mining", "consulting"].',
    ),
  q_organization_name: text(200)
    .optional()
    .describe('Part of the company\'s name; Apollo matches names that contain it, e.g. "apollo".'),
  organization_industry_tag_ids: list(apolloId)
    .optional()
    .describe(
      'Apollo industry tag ids (24 hexadecimal characters, as in an organization\'s industry_tag_id; industry names in words are refused), e.g. ["5567cd4773696439b10b0000"].',
    ),
};

/**
 * Audit clauses for the employer filters. Said of people they describe the employer ("at
 * companies with 250–500 employees"); said of companies, the companies themselves.
 */
export function employerClauses(
  i: Record<string, unknown>,
  subject: 'people' | 'companies',
): Array<string | undefined> {
  const at = subject === 'people' ? 'at companies ' : '';
  return [
    i.q_organization_name ? `${at}named like ${quoted(i.q_organization_name)}` : undefined,
    i.q_organization_domains_list
      ? `${subject === 'people' ? 'at' : 'with domain'} ${quoted(i.q_organization_domains_list)}`
      : undefined,
    i.organization_ids
      ? `${subject === 'people' ? 'at organizations' : 'with ids'} ${quoted(i.organization_ids)}`
      : undefined,
    i.organization_locations
      ? `${at}headquartered in ${quoted(i.organization_locations)}`
      : undefined,
    i.organization_num_employees_ranges
      ? `${at}with ${employeeRanges(i.organization_num_employees_ranges)} employees`
      : undefined,
    i.revenue_range ? `${at}with revenue ${rangeText(i.revenue_range)}` : undefined,
    i.q_organization_keyword_tags
      ? `${at}tagged ${quoted(i.q_organization_keyword_tags)}`
      : undefined,
    i.currently_using_any_of_technology_uids
      ? `${at}using ${quoted(i.currently_using_any_of_technology_uids)}`
      : undefined,
    i.q_organization_job_titles ? `${at}hiring ${quoted(i.q_organization_job_titles)}` : undefined,
  ];
}
