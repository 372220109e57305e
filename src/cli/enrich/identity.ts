// Which cells of a row identify a person for Apollo's people match: the fields a column can feed,
// the rule for "names someone", and the match input built from the usable values only.
import { normalizeDomain, normalizeLinkedInUrl } from '../../cache/index.js';
import { apolloId, domainParam, emailParam, urlParam } from '../../catalog/params.js';

/** The people.match fields a column can feed. */
export const identityFields = [
  'id',
  'email',
  'linkedin_url',
  'first_name',
  'last_name',
  'name',
  'organization_name',
  'domain',
] as const;
export type IdentityField = (typeof identityFields)[number];

/** Which input column (by index) feeds each field. */
export type ColumnMap = Partial<Record<IdentityField, number>>;

/**
 * Whether the fields present can name one person: an Apollo id, an email, a LinkedIn URL, or a
 * name (full, or first and last) with an employer (a domain or a company name).
 */
export function namesSomeone(has: (field: IdentityField) => boolean): boolean {
  const named = has('name') || (has('first_name') && has('last_name'));
  const employer = has('domain') || has('organization_name');
  return has('id') || has('email') || has('linkedin_url') || (named && employer);
}

/** The people.match input for a row, or null when it names nobody Apollo could match. */
export function identityOf(
  cells: readonly string[],
  map: ColumnMap,
  reveal = false,
): Record<string, unknown> | null {
  const raw = (f: IdentityField) => {
    const i = map[f];
    return i === undefined ? '' : (cells[i] ?? '').trim();
  };
  const input: Record<string, unknown> = {};
  const id = raw('id');
  if (apolloId.safeParse(id).success) input.id = id.toLowerCase();
  const email = raw('email');
  if (email && emailParam.safeParse(email).success) input.email = email;
  let linkedin = raw('linkedin_url');
  if (linkedin && !/^https?:\/\//i.test(linkedin))
    linkedin = `https://${linkedin.replace(/^\/\//, '')}`;
  if (
    linkedin &&
    normalizeLinkedInUrl(linkedin) !== undefined &&
    urlParam.safeParse(linkedin).success
  )
    input.linkedin_url = linkedin;
  for (const f of ['first_name', 'last_name', 'name', 'organization_name'] as const) {
    const v = raw(f);
    if (v && v.length <= 200) input[f] = v;
  }
  const domain = normalizeDomain(raw('domain'));
  if (domain && domainParam.safeParse(domain).success) input.domain = domain;
  if (!namesSomeone((f) => input[f] !== undefined)) return null;
  if (reveal) input.reveal_personal_emails = true;
  return input;
}
