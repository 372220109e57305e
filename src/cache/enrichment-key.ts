// Identity keys and reveal levels for the enrichment cache. Pure: no I/O, no clock.
//
// A key names one identity of one person or organization, normalised so that equivalent spellings
// meet (`Ann@Example.COM ` and `ann@example.com`; `https://www.linkedin.com/in/Ann-Lee/?trk=x` and
// `linkedin.com/in/ann-lee`). Keys carry a kind and a type prefix (`person:email:…`,
// `organization:domain:…`), so a person's email can never hit an organization. Keys are personal
// data (emails, names): never log them; log `keyType(key)` instead.
import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';

/** What an entry describes. */
export type EnrichmentKind = 'person' | 'organization';

/** The identity a key is built from; person keys are listed in the order Apollo matches on. */
export type KeyType = 'id' | 'email' | 'email_hash' | 'linkedin' | 'name' | 'domain';

/** The actions whose answers the cache can hold. */
export const cacheableActionIds = ['people.match', 'people.bulk_match', 'organizations.enrich'];

/** Longer keys are not real identities; they are dropped rather than stored. */
export const maxKeyLength = 512;

/** Which kind of record an action's answer holds, or undefined when the action is not cached. */
export function kindOfAction(actionId: string): EnrichmentKind | undefined {
  if (actionId === 'people.match' || actionId === 'people.bulk_match') return 'person';
  if (actionId === 'organizations.enrich') return 'organization';
  return undefined;
}

/** The identity type of a key (`person:email:a@b.c` → `email`), safe to log. */
export function keyType(key: string): KeyType | undefined {
  const type = key.split(':', 2)[1];
  return keyTypes.has(type ?? '') ? (type as KeyType) : undefined;
}

const keyTypes: ReadonlySet<string> = new Set([
  'id',
  'email',
  'email_hash',
  'linkedin',
  'name',
  'domain',
]);

// ---------------------------------------------------------------------------------------------
// Normalisation. Every function returns undefined for input that cannot name anything, and is
// idempotent: normalising a normalised value returns it unchanged (pinned by a property test).

/** An Apollo record id: 24 hexadecimal characters, lower-cased. */
export function normalizeApolloId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const id = value.trim().toLowerCase();
  return /^[0-9a-f]{24}$/.test(id) ? id : undefined;
}

/** An email address, trimmed and lower-cased (no provider-specific folding such as Gmail dots). */
export function normalizeEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1 || /\s/.test(email)) return undefined;
  return email;
}

/** An MD5 or SHA-256 hex digest of an email, lower-cased. */
export function normalizeEmailHash(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const hash = value.trim().toLowerCase();
  return /^([0-9a-f]{32}|[0-9a-f]{64})$/.test(hash) ? hash : undefined;
}

/** The MD5 and SHA-256 hex digests of a (normalised) email, the two forms Apollo accepts. */
export function emailHashes(email: string): [string, string] {
  return [
    createHash('md5').update(email).digest('hex'),
    createHash('sha256').update(email).digest('hex'),
  ];
}

/**
 * A domain: lower-case, without scheme, user, port, path, query, trailing dot or leading `www.`;
 * internationalised names in their ASCII (punycode) form. `https://www.Apollo.io/about` →
 * `apollo.io`. Anything that is not a dotted host name gives undefined.
 */
export function normalizeDomain(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const host = hostOf(value);
  if (host === undefined) return undefined;
  let domain = domainToASCII(host);
  // eslint-disable-next-line security/detect-unsafe-regex -- each repetition starts with a literal dot, so matching is linear
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) return undefined;
  // `www.` is stripped only while a dotted name remains, so `www.com` stays itself.
  while (domain.startsWith('www.') && domain.slice(4).includes('.')) domain = domain.slice(4);
  return domain;
}

/** The host part of a URL or bare host, lower-cased, without user, port or trailing dots. */
function hostOf(value: string): string | undefined {
  let s = value.trim().toLowerCase();
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^\/\//, '');
  s = s.split(/[/?#\\]/, 1)[0] ?? '';
  const at = s.lastIndexOf('@');
  if (at >= 0) s = s.slice(at + 1);
  s = s.replace(/:\d*$/, '').replace(/\.+$/, '');
  return s === '' ? undefined : s;
}

// LinkedIn sections whose second segment is the identity; `/in/ann-lee/details/experience` and
// `/in/ann-lee/de` (a locale) are both Ann's profile. Old `/pub/` URLs need every segment.
const slugSections = new Set(['in', 'company', 'school', 'showcase', 'sales']);

/**
 * A LinkedIn URL as `linkedin.com/<section>/<slug>`: scheme, `www.`/`m.`/country subdomains,
 * query, fragment and trailing slash stripped, the slug percent-decoded and lower-cased (LinkedIn
 * paths are case-insensitive). A URL on another host gives undefined.
 */
export function normalizeLinkedInUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  let s = value.trim();
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^\/\//, '');
  s = s.split(/[?#]/, 1)[0] ?? '';
  const slash = s.indexOf('/');
  const host = hostOf(slash < 0 ? s : s.slice(0, slash));
  if (host === undefined || !(host === 'linkedin.com' || host.endsWith('.linkedin.com'))) {
    return undefined;
  }
  const segments = (slash < 0 ? '' : s.slice(slash + 1))
    .split('/')
    .map(normalizeSlug)
    .filter((seg) => seg !== '');
  const [section, slug] = segments;
  if (section === undefined) return undefined;
  if (slugSections.has(section)) {
    return slug === undefined ? undefined : `linkedin.com/${section}/${slug}`;
  }
  return `linkedin.com/${segments.join('/')}`;
}

/** One path segment, percent-decoded when that is reversible, NFC, lower-cased. */
function normalizeSlug(raw: string): string {
  const segment = raw.trim();
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    decoded = segment;
  }
  // Decoding must not create characters that would change how the path splits, trims or decodes
  // on a second pass; such a segment keeps its escapes.
  const text = /[%/?#\\\s\p{Cc}]/u.test(decoded) ? segment : decoded;
  return text.normalize('NFC').toLowerCase().trim();
}

/**
 * A person's or company's name for matching: NFKC, lower-cased, typographic apostrophes and
 * dashes unified, other punctuation turned into spaces, whitespace collapsed. `Acme, Inc.` and
 * `ACME Inc` meet; `O’Brien` and `o'brien` meet. Legal suffixes are kept: `Acme` and `Acme Inc`
 * may be different companies.
 */
export function normalizeName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const name = value
    .toLowerCase()
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc\u0060\u00b4]/g, "'")
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[^\p{L}\p{M}\p{N}'-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return name === '' ? undefined : name;
}

// ---------------------------------------------------------------------------------------------
// Keys.

function key(kind: EnrichmentKind, type: KeyType, value: string): string {
  return `${kind}:${type}:${value}`;
}

function unique(keys: Array<string | undefined>): string[] {
  const seen = new Set<string>();
  for (const k of keys) if (k !== undefined && k.length <= maxKeyLength) seen.add(k);
  return [...seen];
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** A person's full name from first+last (either may be missing) or from `name`. */
function fullName(p: Record<string, unknown>): string | undefined {
  const parts = [p.first_name, p.last_name].filter((v): v is string => typeof v === 'string');
  const joined = parts.length > 0 ? normalizeName(parts.join(' ')) : undefined;
  return joined ?? normalizeName(p.name);
}

function nameKey(name: string, employer: { domain?: string; org?: string }): string | undefined {
  if (employer.domain) return key('person', 'name', `${name}|domain:${employer.domain}`);
  if (employer.org) return key('person', 'name', `${name}|org:${employer.org}`);
  return undefined;
}

/**
 * The identity keys of one people.match input (or one bulk `details[i]`), most decisive first:
 * Apollo id, email, hashed email, LinkedIn URL, then name with the employer's domain (or, without
 * a domain, the employer's name). A name without an employer is too weak to key on.
 */
export function personRequestKeys(input: Record<string, unknown>): string[] {
  const id = normalizeApolloId(input.id);
  const email = normalizeEmail(input.email);
  const hash = normalizeEmailHash(input.hashed_email);
  const linkedin = normalizeLinkedInUrl(input.linkedin_url);
  const name = fullName(input);
  const domain = normalizeDomain(input.domain);
  const org = normalizeName(input.organization_name);
  return unique([
    id && key('person', 'id', id),
    email && key('person', 'email', email),
    hash && key('person', 'email_hash', hash),
    linkedin && key('person', 'linkedin', linkedin),
    name && nameKey(name, domain ? { domain } : org ? { org } : {}),
  ]);
}

/** Apollo's placeholder for an email it has not unlocked: not an identity. */
function isPlaceholderEmail(email: string): boolean {
  return email.startsWith('email_not_unlocked@');
}

/**
 * The identities an answer proves about the person it returns, under which it is stored too:
 * their Apollo id, work email (and its MD5/SHA-256 hashes) and LinkedIn URL.
 */
export function personAnswerKeys(person: Record<string, unknown>): string[] {
  const id = normalizeApolloId(person.id);
  const rawEmail = normalizeEmail(person.email);
  const email = rawEmail && !isPlaceholderEmail(rawEmail) ? rawEmail : undefined;
  const linkedin = normalizeLinkedInUrl(person.linkedin_url);
  return unique([
    id && key('person', 'id', id),
    email && key('person', 'email', email),
    ...(email ? emailHashes(email).map((h) => key('person', 'email_hash', h)) : []),
    linkedin && key('person', 'linkedin', linkedin),
  ]);
}

/** A person's identities plus their name at their current employer's domain or name. */
function personConfirmedKeys(person: Record<string, unknown>): Set<string> {
  const keys = new Set(personAnswerKeys(person));
  const name = fullName(person);
  const org = asRecord(person.organization);
  if (name) {
    for (const domain of [normalizeDomain(org.primary_domain), normalizeDomain(org.website_url)]) {
      if (domain) keys.add(nameKey(name, { domain })!);
    }
    const orgName = normalizeName(org.name) ?? normalizeName(person.organization_name);
    if (orgName) keys.add(nameKey(name, { org: orgName })!);
  }
  return keys;
}

/**
 * The identity keys of one organizations.enrich input, most decisive first: domain, website's
 * domain, LinkedIn URL, name.
 */
export function organizationRequestKeys(input: Record<string, unknown>): string[] {
  const domain = normalizeDomain(input.domain);
  const website = normalizeDomain(input.website);
  const linkedin = normalizeLinkedInUrl(input.linkedin_url);
  const name = normalizeName(input.name);
  return unique([
    domain && key('organization', 'domain', domain),
    website && key('organization', 'domain', website),
    linkedin && key('organization', 'linkedin', linkedin),
    name && key('organization', 'name', name),
  ]);
}

/**
 * The identities an organization answer proves: its primary domain, its website's domain and its
 * LinkedIn URL. Its name is not one: several companies share a name.
 */
export function organizationAnswerKeys(org: Record<string, unknown>): string[] {
  const primary = normalizeDomain(org.primary_domain);
  const website = normalizeDomain(org.website_url);
  const linkedin = normalizeLinkedInUrl(org.linkedin_url);
  return unique([
    primary && key('organization', 'domain', primary),
    website && key('organization', 'domain', website),
    linkedin && key('organization', 'linkedin', linkedin),
  ]);
}

function organizationConfirmedKeys(org: Record<string, unknown>): Set<string> {
  const keys = new Set(organizationAnswerKeys(org));
  const name = normalizeName(org.name);
  if (name) keys.add(key('organization', 'name', name));
  return keys;
}

/** The identity keys of a request for this kind of record. */
export function requestKeys(kind: EnrichmentKind, input: Record<string, unknown>): string[] {
  return kind === 'person' ? personRequestKeys(input) : organizationRequestKeys(input);
}

/** The identity keys an answer proves about its record. */
export function answerKeys(kind: EnrichmentKind, record: Record<string, unknown>): string[] {
  return kind === 'person' ? personAnswerKeys(record) : organizationAnswerKeys(record);
}

/**
 * Every request key an answer agrees with: the identities it proves, plus its name at its
 * employer (people) or its name (organizations). Decides which of a request's keys an answer may
 * be filed under, whether a cached answer contradicts a request, and which bulk detail an
 * unaligned match belongs to.
 */
export function confirmedKeys(kind: EnrichmentKind, record: Record<string, unknown>): Set<string> {
  return kind === 'person' ? personConfirmedKeys(record) : organizationConfirmedKeys(record);
}

/**
 * The keys to store an answer under: every identity the answer proves, plus the request's own keys
 * when the request had only one (the answer is then exactly Apollo's answer to that identity) or
 * when the answer agrees with them. A request such as `{id: A, email: B}` where B belongs to
 * someone else must not file A's profile under B.
 */
export function keysToStore(
  kind: EnrichmentKind,
  requested: readonly string[],
  record: Record<string, unknown>,
): string[] {
  const confirmed = confirmedKeys(kind, record);
  const fromRequest =
    requested.length === 1 ? requested : requested.filter((k) => confirmed.has(k));
  return unique([...answerKeys(kind, record), ...fromRequest]);
}

// An identity the request gives ahead of the key that hit decides the match at Apollo; if the
// cached record has a different value for it, Apollo would have answered with someone else.
const decisiveTypes: ReadonlySet<KeyType> = new Set(['id', 'email', 'linkedin', 'domain']);

/** The cached record's own value for a decisive identity type, if it has one. */
function hasIdentity(
  kind: EnrichmentKind,
  type: KeyType,
  record: Record<string, unknown>,
): boolean {
  return answerKeys(kind, record).some((k) => keyType(k) === type);
}

/**
 * Whether a cached record found under `hitKey` is a faithful answer to a request with keys
 * `requested`: no more decisive identity of the request contradicts it, and a hashed email in the
 * request (which Apollo checks against the person's email) matches the person's email.
 */
export function hitAgrees(
  kind: EnrichmentKind,
  requested: readonly string[],
  hitKey: string,
  record: Record<string, unknown>,
): boolean {
  const confirmed = confirmedKeys(kind, record);
  const position = requested.indexOf(hitKey);
  if (position < 0) return false;
  for (const [i, k] of requested.entries()) {
    const type = keyType(k);
    if (type === undefined) continue;
    if (type === 'email_hash') {
      // Apollo checks a hashed email against the person it finds; the key the answer was filed
      // under by that very hash (a sole identifier) stands on its own.
      if (k !== hitKey && !confirmed.has(k)) return false;
    } else if (i < position && decisiveTypes.has(type)) {
      if (!confirmed.has(k) && hasIdentity(kind, type, record)) return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Reveal levels.

/** What a request asks Apollo to reveal beyond the plain profile. */
export interface RevealLevel {
  /** `reveal_personal_emails`: returned in the synchronous answer. */
  readonly personalEmails: boolean;
  /** `reveal_phone_number`: phones are delivered later to the request's webhook. */
  readonly phoneNumbers: boolean;
  /** `run_waterfall_email` or `run_waterfall_phone`: third-party vendors, delivered by webhook. */
  readonly waterfall: boolean;
}

/** What a cached answer holds beyond the plain profile: the reveals it was fetched with. */
export interface CachedReveal {
  readonly personalEmails: boolean;
  readonly phoneNumbers: boolean;
}

/** A plain request, or a plain cached answer. */
export const noReveal: RevealLevel = Object.freeze({
  personalEmails: false,
  phoneNumbers: false,
  waterfall: false,
});

// Raw query-string input says "true"; parsed input says true. Either asks.
const on = (v: unknown) => v === true || v === 'true';

/** The reveal level a people.match or people.bulk_match input asks for (top-level flags). */
export function requestedReveal(input: Record<string, unknown>): RevealLevel {
  return {
    personalEmails: on(input.reveal_personal_emails),
    phoneNumbers: on(input.reveal_phone_number),
    waterfall: on(input.run_waterfall_email) || on(input.run_waterfall_phone),
  };
}

/** What an answer fetched with this input holds (the flags it was fetched with). */
export function fetchedReveal(input: Record<string, unknown>): CachedReveal {
  return {
    personalEmails: on(input.reveal_personal_emails),
    phoneNumbers: on(input.reveal_phone_number) || on(input.run_waterfall_phone),
  };
}

/**
 * Whether an answer fetched with this input may be cached at all. With `run_waterfall_email`
 * Apollo leaves the work email out of the answer (it arrives by webhook), so the answer is not a
 * profile that could serve anyone else.
 */
export function isStorableFetch(input: Record<string, unknown>): boolean {
  return !on(input.run_waterfall_email);
}

/**
 * Whether a request at `wanted` may be answered from a cached record holding `cached`. A record
 * without a reveal never answers a request that asks for it. Phone reveals and waterfalls are
 * never answered from the cache at all: their results reach the caller by a webhook Apollo sends
 * after the call, which a cached answer cannot trigger. A record fetched with reveals may answer a
 * plainer request (see {@link withoutUnrequestedReveals}).
 */
export function canServe(cached: CachedReveal, wanted: RevealLevel): boolean {
  if (wanted.waterfall || wanted.phoneNumbers) return false;
  return !wanted.personalEmails || cached.personalEmails;
}

/**
 * The person as a request at `wanted` would have received it: revealed fields the cached record
 * holds but the request did not ask for are removed (a shallow copy; the input is not changed).
 * This keeps a plain request from receiving personal data another agent paid to reveal.
 */
export function withoutUnrequestedReveals(
  person: Record<string, unknown>,
  cached: CachedReveal,
  wanted: RevealLevel,
): Record<string, unknown> {
  const copy = { ...person };
  if (cached.personalEmails && !wanted.personalEmails) delete copy.personal_emails;
  if (cached.phoneNumbers && !wanted.phoneNumbers) delete copy.phone_numbers;
  return copy;
}
