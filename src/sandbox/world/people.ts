// People: a person is (company o, local index j), never stored. Everything about them derives from
// (seed, o, j), and every public identifier maps back to (o, j):
// - the id is a keyed Feistel permutation of (o, j) plus a check word;
// - the name is an affine bijection of j modulo the number of (first, last) pairs, keyed per
//   company, so first.last@domain and "first last" at a company name exactly one person;
// - the LinkedIn slug carries an affine scramble of (o, j) in base 36.

import { KINDS, MAX_OFFICES, emailStatusNames, statusCycle } from './composition.js';
import { feistel, gcd, hash, hex8, modInverse, salt, unfeistel, unit } from './hash.js';
import { NAME_PAIRS, blockShape, domainOf, titlesOf, type OrgIndex } from './orgs.js';
import { places } from './vocab/locations.js';
import { firstNameIndex, firstNames, lastNameIndex, lastNames } from './vocab/names.js';

/** Where a person sits in their company's layout (composition.ts). */
export interface Person {
  readonly o: number;
  readonly j: number;
  readonly kind: number;
  /** Global title index. */
  readonly title: number;
  /** Position of the title in the company's list for this kind. */
  readonly titlePos: number;
  /** Office position in the company's office list, and the place it is in. */
  readonly office: number;
  readonly place: number;
  readonly variant: number;
  readonly first: string;
  readonly last: string;
  /** Index into emailStatusNames. */
  readonly status: number;
}

const LAST = lastNames.length;

/** The company's affine name key: multiplier coprime with NAME_PAIRS, and offset. */
function nameKey(index: OrgIndex, o: number): [number, number] {
  let a = 1 + (hash(index.seed, salt.orgNameAffine, o) % (NAME_PAIRS - 1));
  while (gcd(a, NAME_PAIRS) !== 1) a++;
  const b = hash(index.seed, salt.orgNameAffine, o, 1) % NAME_PAIRS;
  return [a, b];
}

/** Decodes a local index into a person, or null when j is out of range. */
export function personAt(index: OrgIndex, o: number, j: number): Person | null {
  if (!(o >= 0 && o < index.count && j >= 0 && j < index.personCount[o]!)) return null;
  let rest = j;
  for (let kind = 0; kind < KINDS; kind++) {
    const list = titlesOf(index, o, kind);
    const [offices, variants] = blockShape(index, o, kind);
    const size = list.length * offices * variants;
    if (rest >= size) {
      rest -= size;
      continue;
    }
    const variant = rest % variants;
    const q = Math.floor(rest / variants);
    const office = q % offices;
    const titlePos = Math.floor(q / offices);
    const [a, b] = nameKey(index, o);
    const pair = (a * j + b) % NAME_PAIRS;
    return {
      o,
      j,
      kind,
      title: list[titlePos]!,
      titlePos,
      office,
      place: index.offices[o * MAX_OFFICES + office]!,
      variant,
      first: firstNames[Math.floor(pair / LAST)]!,
      last: lastNames[pair % LAST]!,
      status: statusCycle[(variant + index.statusOffset[o]!) % statusCycle.length]!,
    };
  }
  return null;
}

/** The local index of (kind, title position, office, variant) in a company. */
export function localIndex(
  index: OrgIndex,
  o: number,
  kind: number,
  titlePos: number,
  office: number,
  variant: number,
): number {
  let j = 0;
  for (let k = 0; k < kind; k++) {
    const [offices, variants] = blockShape(index, o, k);
    j += titlesOf(index, o, k).length * offices * variants;
  }
  const [offices, variants] = blockShape(index, o, kind);
  return j + (titlePos * offices + office) * variants + variant;
}

/** The person with this (first, last) name at a company, or null. Case-insensitive. */
export function personByName(
  index: OrgIndex,
  o: number,
  first: string,
  last: string,
): Person | null {
  const fi = firstNameIndex.get(first.trim().toLowerCase());
  const li = lastNameIndex.get(last.trim().toLowerCase());
  if (fi === undefined || li === undefined || o < 0) return null;
  const [a, b] = nameKey(index, o);
  const pair = fi * LAST + li;
  const j = (modInverse(a, NAME_PAIRS) * ((pair - b + NAME_PAIRS) % NAME_PAIRS)) % NAME_PAIRS;
  return personAt(index, o, j);
}

const PERSON_ID_BASE = 0x5a000000;
const PERSON_ID_SPAN = 0x0c000000;

/** The 24-hex Apollo id of a person. */
export function personId(index: OrgIndex, p: { o: number; j: number }): string {
  const [l, r] = feistel(index.seed, salt.personId, p.o, p.j);
  const w0 = PERSON_ID_BASE + (hash(index.seed, salt.personIdCheck, l, r) % PERSON_ID_SPAN);
  return hex8(w0) + hex8(l) + hex8(r);
}

/** The person an id names, or null (random hex never decodes). */
export function personFromId(index: OrgIndex, id: string): Person | null {
  if (!/^[0-9a-f]{24}$/i.test(id)) return null;
  const lower = id.toLowerCase();
  const w0 = parseInt(lower.slice(0, 8), 16);
  const l = parseInt(lower.slice(8, 16), 16);
  const r = parseInt(lower.slice(16, 24), 16);
  if (w0 !== PERSON_ID_BASE + (hash(index.seed, salt.personIdCheck, l, r) % PERSON_ID_SPAN))
    return null;
  const [o, j] = unfeistel(index.seed, salt.personId, l, r);
  return personAt(index, o, j);
}

/** The work email Apollo knows for a person (whether or not it is shown). */
export function workEmail(index: OrgIndex, p: Person): string {
  return `${p.first}.${p.last}@${domainOf(index, p.o)}`.toLowerCase();
}

/** The person a work email names, or null. */
export function personByEmail(
  index: OrgIndex,
  email: string,
  orgByDomain: (domain: string) => number,
): Person | null {
  const m = /^([a-z]+)\.([a-z]+)@(.+)$/i.exec(email.trim());
  if (!m) return null;
  const o = orgByDomain(m[3]!);
  return o < 0 ? null : personByName(index, o, m[1]!, m[2]!);
}

const J_BITS = 2 ** 19;
const SLUG_MOD = 2 ** 36;

function slugKey(seed: number): [number, number] {
  const a = (hash(seed, salt.linkedin) & 0xffff) | 1;
  const b = hash(seed, salt.linkedin, 1) * 16 + (hash(seed, salt.linkedin, 2) & 0xf);
  return [a, b % SLUG_MOD];
}

/** A person's LinkedIn profile URL: http://www.linkedin.com/in/jane-doe-1x2y3z4. */
export function linkedinUrl(index: OrgIndex, p: Person): string {
  const [a, b] = slugKey(index.seed);
  const x = p.o * J_BITS + p.j;
  const y = (((x * a) % SLUG_MOD) + b) % SLUG_MOD;
  return `http://www.linkedin.com/in/${p.first}-${p.last}-${y.toString(36)}`.toLowerCase();
}

/** The person a LinkedIn profile URL names, or null. Scheme, www and trailing parts are ignored. */
export function personByLinkedin(index: OrgIndex, url: string): Person | null {
  // eslint-disable-next-line security/detect-unsafe-regex -- disjoint parts separated by literal dashes: linear
  const m = /linkedin\.com\/in\/([a-z]+)-([a-z]+)-([0-9a-z]+)\/?(?:[?#].*)?$/i.exec(url.trim());
  if (!m) return null;
  const y = parseInt(m[3]!.toLowerCase(), 36);
  if (!Number.isSafeInteger(y) || y >= SLUG_MOD) return null;
  const [a, b] = slugKey(index.seed);
  const inv = modInverseBig(a, SLUG_MOD);
  const x = Number((BigInt((y - b + SLUG_MOD) % SLUG_MOD) * inv) % BigInt(SLUG_MOD));
  const p = personAt(index, Math.floor(x / J_BITS), x % J_BITS);
  if (!p) return null;
  return p.first.toLowerCase() === m[1]!.toLowerCase() &&
    p.last.toLowerCase() === m[2]!.toLowerCase()
    ? p
    : null;
}

function modInverseBig(a: number, m: number): bigint {
  let [oldR, r] = [BigInt(a), BigInt(m)];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % BigInt(m)) + BigInt(m)) % BigInt(m);
}

/** Per-person random draws, stable for a seed. */
export function personHash(index: OrgIndex, p: { o: number; j: number }, k: number): number {
  return hash(index.seed, salt.personAttr, p.o, p.j, k);
}

/** About 70% of people have a direct or mobile number Apollo can reveal. */
export function hasPhone(index: OrgIndex, p: Person): boolean {
  return unit(personHash(index, p, 1)) < 0.7;
}

/** The person's email status name. */
export function statusName(p: Person): string {
  return emailStatusNames[p.status]!;
}

/** True when GDPR-equivalent law covers where the person lives. */
export function inGdprRegion(p: Person): boolean {
  return places[p.place]!.gdpr;
}

/** Personal emails Apollo would reveal: none in GDPR regions, none for ~55% of others. */
export function personalEmails(index: OrgIndex, p: Person): string[] {
  if (inGdprRegion(p) || unit(personHash(index, p, 2)) >= 0.45) return [];
  const providers = ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'hotmail.com'];
  const provider = providers[personHash(index, p, 3) % providers.length]!;
  const n = personHash(index, p, 4) % 100;
  return [`${p.first}.${p.last}${n}@${provider}`.toLowerCase()];
}
