// Finding and describing one company of the organization index: its name, label and domain, the
// company behind a name, domain or id, its headquarters, its flags and its people's titles.

import { leaderVariants, MAX_OFFICES, officesForKind, slot, titleLists } from './composition.js';
import { feistel, hash, hex8, salt, unfeistel } from './hash.js';
import type { OrgIndex } from './orgs.js';
import { nameForms, nameHeads, nameTails } from './vocab/industries.js';

const FORMS = nameForms.length;
const TAILS = nameTails.length;

/** Top-level domains companies use, by `OrgIndex.tld` code. */
export const tlds = [
  'com',
  'io',
  'ai',
  'co',
  'net',
  'org',
  'co.uk',
  'de',
  'fr',
  'ca',
  'com.au',
  'in',
];

/** A company's name: Bluewave Labs. */
export function nameOf(index: OrgIndex, o: number): string {
  return (
    nameHeads[index.nameHead[o]!]! + nameTails[index.nameTail[o]!]! + nameForms[index.nameForm[o]!]!
  );
}

/** A company's name in lower case without spaces: the domain's first label and LinkedIn slug. */
export function labelOf(index: OrgIndex, o: number): string {
  return nameOf(index, o).toLowerCase().replace(/ /g, '');
}

/** A company's primary domain: bluewavelabs.com. */
export function domainOf(index: OrgIndex, o: number): string {
  return `${labelOf(index, o)}.${tlds[index.tld[o]!]!}`;
}

const lowerHeads = nameHeads.map((h) => h.toLowerCase());
const lowerTails = nameTails.map((t) => t.toLowerCase());
const formLabels = nameForms.map((f) => f.toLowerCase().replace(/ /g, ''));

/** The company whose label this is, or -1. Parses the label back into its name tuple. */
export function orgByLabel(index: OrgIndex, label: string): number {
  for (let h = 0; h < lowerHeads.length; h++) {
    const head = lowerHeads[h]!;
    if (!label.startsWith(head)) continue;
    for (let t = 0; t < lowerTails.length; t++) {
      const tail = lowerTails[t]!;
      if (!label.startsWith(tail, head.length)) continue;
      const rest = label.slice(head.length + tail.length);
      const f = formLabels.indexOf(rest);
      if (f < 0) continue;
      const o = index.byName[(h * TAILS + t) * FORMS + f]!;
      if (o >= 0) return o;
    }
  }
  return -1;
}

/** A company by bare domain (or any URL or email on it); -1 when unknown. */
export function orgByDomain(index: OrgIndex, domain: string): number {
  const d = bareDomain(domain);
  for (let t = 0; t < tlds.length; t++) {
    const suffix = `.${tlds[t]!}`;
    if (!d.endsWith(suffix)) continue;
    const o = orgByLabel(index, d.slice(0, -suffix.length));
    if (o >= 0 && index.tld[o] === t) return o;
  }
  return -1;
}

/** A company by domain, website URL, LinkedIn URL or exact name; -1 when unknown. */
export function findOrg(
  index: OrgIndex,
  by: { domain?: string; website?: string; linkedinUrl?: string; name?: string },
): number {
  if (by.domain) {
    const o = orgByDomain(index, by.domain);
    if (o >= 0) return o;
  }
  if (by.website) {
    const o = orgByDomain(index, by.website);
    if (o >= 0) return o;
  }
  if (by.linkedinUrl) {
    const m = /linkedin\.com\/company\/([^/?#]+)/i.exec(by.linkedinUrl);
    const o = m ? orgByLabel(index, decodeURIComponent(m[1]!).toLowerCase()) : -1;
    if (o >= 0) return o;
  }
  if (by.name) {
    const lower = by.name.trim().toLowerCase().replace(/\s+/g, ' ');
    const o = orgByLabel(index, lower.replace(/ /g, ''));
    if (o >= 0 && nameOf(index, o).toLowerCase() === lower) return o;
  }
  return -1;
}

/** `https://www.Acme.com/about` → `acme.com`; `jane@acme.com` → `acme.com`. */
export function bareDomain(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^[^@/]*@/, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .replace(/^www\./, '')
    .replace(/\.$/, '');
}

const ORG_TAG = 0x6f7267;

/** The 24-hex Apollo id of a company. */
export function orgId(index: OrgIndex, o: number): string {
  const [l, r] = feistel(index.seed, salt.orgId, o, ORG_TAG);
  const w0 = 0x54000000 + (hash(index.seed, salt.orgIdCheck, l, r) % 0x06000000);
  return hex8(w0) + hex8(l) + hex8(r);
}

/** The company an id names, or -1 (random hex never decodes). */
export function orgFromId(index: OrgIndex, id: string): number {
  if (!/^[0-9a-f]{24}$/i.test(id)) return -1;
  const lower = id.toLowerCase();
  const w0 = parseInt(lower.slice(0, 8), 16);
  const l = parseInt(lower.slice(8, 16), 16);
  const r = parseInt(lower.slice(16, 24), 16);
  const [o, tag] = unfeistel(index.seed, salt.orgId, l, r);
  if (tag !== ORG_TAG || o >= index.count) return -1;
  return w0 === 0x54000000 + (hash(index.seed, salt.orgIdCheck, l, r) % 0x06000000) ? o : -1;
}

/** Headquarters place index. */
export function hqOf(index: OrgIndex, o: number): number {
  return index.offices[o * MAX_OFFICES]!;
}

/** True when bit `i` of a per-company bit set is on. */
export function hasBit(words: Uint32Array, width: number, o: number, i: number): boolean {
  return ((words[o * width + (i >> 5)]! >>> (i & 31)) & 1) === 1;
}

/** Titles of a company's block of one kind. */
export function titlesOf(index: OrgIndex, o: number, kind: number): Int16Array {
  return titleLists[slot(index.family[o]!, index.bucket[o]!, kind)]!;
}

/** Offices and variants per (title, office) of a company's block of one kind. */
export function blockShape(index: OrgIndex, o: number, kind: number): [number, number] {
  const offices = officesForKind(kind, index.officeCount[o]!);
  const b = index.bucket[o]!;
  const variants = kind === 0 ? 1 : kind === 1 ? leaderVariants[b]! : index.staffVariants[o]!;
  return [offices, variants];
}
