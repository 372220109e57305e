// Person objects as Apollo returns them: people search rows and the full enrichment
// object.

import { DAY_MS, isoDate, isoOffset } from './format.js';
import { hash, hex8, salt, unit } from './hash.js';
import { organizationFlags, organizationFull } from './org-json.js';
import { nameOf, orgId, titlesOf, type OrgIndex } from './orgs.js';
import {
  hasPhone,
  linkedinUrl,
  personHash,
  personId,
  statusName,
  workEmail,
  type Person,
} from './people.js';
import { places } from './vocab/locations.js';
import { departmentValue, titles } from './vocab/titles.js';

const MAYBE_PHONE = 'Maybe: please request direct dial via people/bulk_match';

/** First two letters, three stars, last letter: Hu***n. */
export function obfuscate(last: string): string {
  return `${last.slice(0, 2)}***${last.slice(-1)}`;
}

function refreshedAt(index: OrgIndex, p: Person): string {
  const day = index.anchorDay - 1 - (personHash(index, p, 5) % 120);
  return isoOffset(day * DAY_MS + (personHash(index, p, 6) % DAY_MS));
}

/** A people search row: obfuscated, no email or phone. */
export function personRow(index: OrgIndex, p: Person): Record<string, unknown> {
  const place = places[p.place]!;
  return {
    id: personId(index, p),
    first_name: p.first,
    last_name_obfuscated: obfuscate(p.last),
    title: titles[p.title]!.title,
    last_refreshed_at: refreshedAt(index, p),
    has_email: statusName(p) !== 'unavailable',
    has_city: true,
    has_state: place.state !== null,
    has_country: true,
    has_direct_phone: hasPhone(index, p) ? 'Yes' : MAYBE_PHONE,
    organization: organizationFlags(index, p.o),
  };
}

function historyEntry(
  index: OrgIndex,
  p: Person,
  k: number,
  fields: { o: number; title: string; current: boolean; start: number; end: number | null },
): Record<string, unknown> {
  const id =
    hex8(0x5e000000 + (personHash(index, p, 40 + k) % 0x08000000)) +
    hex8(personHash(index, p, 50 + k)) +
    hex8(hash(index.seed, salt.personHistory, p.o, p.j, k));
  return {
    _id: id,
    id,
    key: id,
    created_at: null,
    updated_at: null,
    current: fields.current,
    degree: null,
    description: null,
    emails: null,
    end_date: fields.end === null ? null : isoDate(fields.end * DAY_MS),
    start_date: isoDate(fields.start * DAY_MS),
    grade_level: null,
    kind: null,
    major: null,
    organization_id: orgId(index, fields.o),
    organization_name: nameOf(index, fields.o),
    raw_address: null,
    title: fields.title,
  };
}

/** Current job first, then up to two earlier jobs at other companies. */
export function employmentHistory(index: OrgIndex, p: Person): Array<Record<string, unknown>> {
  const foundedDay = Math.floor(Date.UTC(index.founded[p.o]!, 0, 1) / DAY_MS);
  let start = Math.max(foundedDay, index.anchorDay - 60 - (personHash(index, p, 10) % 2500));
  const out = [
    historyEntry(index, p, 0, {
      o: p.o,
      title: titles[p.title]!.title,
      current: true,
      start,
      end: null,
    }),
  ];
  const earlier = personHash(index, p, 11) % 3;
  for (let k = 1; k <= earlier; k++) {
    let q = personHash(index, p, 12 + k) % index.count;
    if (q === p.o) q = (q + 1) % index.count;
    const list = titlesOf(index, q, 2);
    const title = list.length
      ? titles[list[personHash(index, p, 20 + k) % list.length]!]!.title
      : 'Associate';
    const end = start - 15 - (personHash(index, p, 30 + k) % 90);
    const begin = end - 300 - (personHash(index, p, 35 + k) % 1500);
    out.push(historyEntry(index, p, k, { o: q, title, current: false, start: begin, end }));
    start = begin;
  }
  return out;
}

/** Options for the full person object. */
export interface PersonFullOptions {
  /** The saved contact for this person, embedded as contact_id / contact. */
  contact?: { id: string; object: Record<string, unknown> };
  /** The team account saved for the employer. */
  account?: { id: string; object: Record<string, unknown> };
  /** Revealed personal emails; absent unless reveal_personal_emails was asked. */
  personalEmails?: string[];
  /** True while the email waterfall runs: Apollo omits email and email_status. */
  omitEmail?: boolean;
}

/** The full person of people enrichment. */
export function personFull(
  index: OrgIndex,
  p: Person,
  options: PersonFullOptions = {},
): Record<string, unknown> {
  const t = titles[p.title]!;
  const place = places[p.place]!;
  const status = statusName(p);
  const id = personId(index, p);
  const orgName = nameOf(index, p.o);
  const engineer = t.departments.includes('engineering_technical');
  const handle = `${p.first}${p.last}`.toLowerCase();
  const emailFields = options.omitEmail
    ? {}
    : {
        email: status === 'unavailable' ? null : workEmail(index, p),
        email_status: status,
      };
  return {
    id,
    first_name: p.first,
    last_name: p.last,
    name: `${p.first} ${p.last}`,
    linkedin_url: linkedinUrl(index, p),
    title: t.title,
    ...emailFields,
    photo_url:
      unit(personHash(index, p, 7)) < 0.6
        ? `https://images.sandbox.invalid/people/${id}.jpg`
        : null,
    twitter_url:
      unit(personHash(index, p, 8)) < 0.25
        ? `https://twitter.com/${handle}${personHash(index, p, 9) % 100}`
        : null,
    github_url:
      engineer && unit(personHash(index, p, 9)) < 0.3 ? `https://github.com/${handle}` : null,
    facebook_url: null,
    extrapolated_email_confidence:
      status === 'unverified' ? (70 + (personHash(index, p, 12) % 26)) / 100 : null,
    headline: `${t.title} at ${orgName}`,
    organization_id: orgId(index, p.o),
    employment_history: employmentHistory(index, p),
    state: place.state,
    city: place.city,
    country: place.country,
    time_zone: place.timeZone,
    formatted_address: [place.city, place.state, place.country].filter(Boolean).join(', '),
    ...(options.contact ? { contact_id: options.contact.id, contact: options.contact.object } : {}),
    ...(options.account ? { account_id: options.account.id, account: options.account.object } : {}),
    revealed_for_current_team: true,
    organization: organizationFull(index, p.o, options.account),
    is_likely_to_engage: status === 'likely to engage',
    intent_strength: null,
    show_intent: false,
    departments: t.departments.map(departmentValue),
    subdepartments: [...t.subdepartments],
    functions: [...t.functions],
    seniority: t.seniority,
    last_refreshed_at: refreshedAt(index, p),
    ...(options.personalEmails ? { personal_emails: options.personalEmails } : {}),
  };
}
