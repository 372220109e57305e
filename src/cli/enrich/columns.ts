// Which input column feeds each people.match field: found by the headers a spreadsheet usually
// has, then corrected by --columns. Refuses (exit 2) a mapping that cannot name anyone.
import { CliError } from '../io.js';

import { identityFields, namesSomeone, type ColumnMap, type IdentityField } from './identity.js';

/** Headers recognised for each field (compared lower-case, letters and digits only), best first. */
const headerNames: Record<IdentityField, readonly string[]> = {
  id: ['apolloid', 'apollopersonid', 'personid', 'apolloidentifier', 'id'],
  email: [
    'email',
    'workemail',
    'emailaddress',
    'workemailaddress',
    'businessemail',
    'contactemail',
    'personemail',
  ],
  linkedin_url: [
    'linkedinurl',
    'linkedin',
    'linkedinprofile',
    'linkedinprofileurl',
    'personlinkedinurl',
    'linkedinlink',
  ],
  first_name: ['firstname', 'first', 'givenname', 'forename'],
  last_name: ['lastname', 'last', 'surname', 'familyname'],
  name: ['name', 'fullname', 'contactname', 'personname', 'contact'],
  organization_name: [
    'organizationname',
    'organisationname',
    'organization',
    'organisation',
    'companyname',
    'company',
    'accountname',
    'account',
    'employer',
  ],
  domain: [
    'domain',
    'companydomain',
    'organizationdomain',
    'emaildomain',
    'website',
    'companywebsite',
    'websiteurl',
    'companyurl',
    'web',
  ],
};

/**
 * Names --columns accepts for each field. A Map, not an object: a name typed on the command line
 * ('constructor', '__proto__') must not find something inherited.
 */
const fieldAliases = new Map<string, IdentityField>([
  ['id', 'id'],
  ['apollo_id', 'id'],
  ['email', 'email'],
  ['linkedin_url', 'linkedin_url'],
  ['linkedin', 'linkedin_url'],
  ['first_name', 'first_name'],
  ['last_name', 'last_name'],
  ['name', 'name'],
  ['organization_name', 'organization_name'],
  ['organization', 'organization_name'],
  ['company', 'organization_name'],
  ['domain', 'domain'],
  ['website', 'domain'],
]);

const squash = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');
const quoted = (header: readonly string[]) => header.map((h) => `'${h}'`).join(', ');

/** Maps columns from the headers, then applies --columns; throws a CliError (exit 2) when wrong. */
export function mapColumns(header: readonly string[], columns?: string): ColumnMap {
  const map: ColumnMap = {};
  const squashed = header.map(squash);
  const taken = new Set<number>();
  for (const field of identityFields) {
    for (const name of headerNames[field]) {
      const i = squashed.findIndex((h, j) => h === name && !taken.has(j));
      if (i >= 0) {
        map[field] = i;
        taken.add(i);
        break;
      }
    }
  }
  if (columns !== undefined) applyOverrides(map, header, columns);
  if (!namesSomeone((f) => map[f] !== undefined)) {
    throw new CliError(
      `found no column with an email, a LinkedIn URL, an Apollo id, or a name with a domain or company (columns: ${quoted(header)}); map them with --columns email=<header>,…`,
      2,
    );
  }
  return map;
}

/** Applies `field=Header,…` to the detected map (an empty header turns a field off). */
function applyOverrides(map: ColumnMap, header: readonly string[], columns: string): void {
  const seen = new Set<IdentityField>();
  for (const pair of columns.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new CliError(
        `--columns: expected field=Header pairs separated by commas, got '${pair.trim()}'`,
        2,
      );
    const key = pair.slice(0, eq).trim().toLowerCase();
    const wanted = pair.slice(eq + 1).trim();
    const field = fieldAliases.get(key);
    if (!field)
      throw new CliError(
        `--columns: unknown field '${key}' (fields: ${identityFields.join(', ')})`,
        2,
      );
    if (seen.has(field)) throw new CliError(`--columns: ${field} is given twice`, 2);
    seen.add(field);
    if (wanted === '') {
      delete map[field];
      continue;
    }
    let i = header.indexOf(wanted);
    if (i < 0) {
      const loose = header.flatMap((h, j) =>
        h.trim().toLowerCase() === wanted.toLowerCase() ? [j] : [],
      );
      if (loose.length === 1) i = loose[0]!;
    }
    if (i < 0)
      throw new CliError(
        `--columns: the input has no column '${wanted}' (it has ${quoted(header)})`,
        2,
      );
    map[field] = i;
  }
}
