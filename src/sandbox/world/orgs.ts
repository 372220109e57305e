// The organization database: ~120,000 companies held as typed arrays built once per world. Every
// attribute is drawn from a generator seeded by hash(seed, company index), so the index is
// reproducible and compact; names, domains and the JSON objects Apollo returns are built on demand.

import {
  BUCKETS,
  KINDS,
  MAX_OFFICES,
  leaderVariants,
  officeCount,
  officesForKind,
  sizeBuckets,
  titleLists,
} from './composition.js';
import { hash, salt } from './hash.js';
import {
  familyFormIds,
  families,
  industries,
  keywords,
  nameForms,
  nameHeads,
  nameTails,
} from './vocab/industries.js';
import { places } from './vocab/locations.js';
import { firstNames, lastNames } from './vocab/names.js';
import { technologies } from './vocab/technologies.js';

import { nameOf, tlds } from './org-lookup.js';

// Finding and describing one company of the index (names, domains, ids, offices, titles).
export {
  nameOf,
  labelOf,
  domainOf,
  orgByLabel,
  orgByDomain,
  findOrg,
  bareDomain,
  orgId,
  orgFromId,
  hqOf,
  hasBit,
  titlesOf,
  blockShape,
  tlds,
} from './org-lookup.js';

export const ORG_COUNT = 120_000;
export const TECH_WORDS = Math.ceil(technologies.length / 32);
export const KEYWORD_WORDS = Math.ceil(keywords.length / 32);
/** Distinct (first, last) name pairs: the most people one company can hold. */
export const NAME_PAIRS = firstNames.length * lastNames.length;
/** Generated people per employee (Apollo also lists contractors and former staff). */
const PEOPLE_PER_EMPLOYEE = 1.6;

const bucketWeights = [0.3, 0.25, 0.18, 0.1, 0.07, 0.06, 0.025, 0.015];
const maxJobsByBucket = [2, 5, 15, 40, 80, 200, 500, 1500];

/** Funding stage names by `OrgIndex.fundingStage` (0 = never funded). */
export const fundingStages = [
  '',
  'Seed',
  'Series A',
  'Series B',
  'Series C',
  'Series D',
  'Series E',
  'Private Equity',
  'Venture (Round not Specified)',
];

/** Bits of `OrgIndex.flags`. */
export const flag = { phone: 1, zip: 2, public: 4, twitter: 8, facebook: 16 } as const;

/** The organization database of one world. */
export interface OrgIndex {
  readonly seed: number;
  readonly count: number;
  /** Day (since the epoch) the world's dates are relative to. */
  readonly anchorDay: number;
  readonly industry: Uint8Array;
  readonly family: Uint8Array;
  readonly bucket: Uint8Array;
  readonly employees: Uint32Array;
  /** Office place indices, MAX_OFFICES per company; the first is headquarters. */
  readonly offices: Uint16Array;
  readonly officeCount: Uint8Array;
  /** Annual revenue in USD; 0 when unknown. */
  readonly revenue: Float64Array;
  readonly tech: Uint32Array;
  readonly keywords: Uint32Array;
  readonly founded: Uint16Array;
  readonly totalFunding: Float64Array;
  readonly latestFunding: Float64Array;
  readonly latestFundingDay: Int32Array;
  readonly fundingStage: Uint8Array;
  readonly numJobs: Uint16Array;
  readonly latestJobDay: Int32Array;
  readonly flags: Uint8Array;
  /** Offset into the email-status cycle. */
  readonly statusOffset: Uint8Array;
  /** Variants per (title, office) for kind-2 titles. */
  readonly staffVariants: Uint16Array;
  readonly personCount: Uint32Array;
  readonly totalPeople: number;
  readonly tld: Uint8Array;
  /** The name as (head, tail, form) indices into the name vocabularies. */
  readonly nameHead: Uint16Array;
  readonly nameTail: Uint8Array;
  readonly nameForm: Uint8Array;
  /** Company index of each name tuple, or -1. */
  readonly byName: Int32Array;
  /** Lower-case names, built on first use (name filters). */
  lowerNames(): readonly string[];
  /** 1 for each company whose lower-case name contains the text; memoised for recent texts. */
  nameHits(text: string): Uint8Array;
}

function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

function weighted(cum: Float64Array, u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const industryCum = cumulative(industries.map((i) => i.weight));
const bucketCum = cumulative(bucketWeights);
const placeCum = cumulative(places.map((p) => p.weight));
const placesByCountry = new Map<string, number[]>();
places.forEach((p, i) => {
  const list = placesByCountry.get(p.country) ?? [];
  list.push(i);
  placesByCountry.set(p.country, list);
});
const domesticPlaces = places.map((p) => placesByCountry.get(p.country)!);
const tldIndex = new Map(tlds.map((t, i) => [t, i]));

function tldFor(u: number, familyName: string, country: string): number {
  let t = 'com';
  if (familyName === 'education' && u < 0.5) t = 'org';
  else if (country === 'United Kingdom' && u < 0.4) t = 'co.uk';
  else if (country === 'Germany' && u < 0.4) t = 'de';
  else if (country === 'France' && u < 0.4) t = 'fr';
  else if (country === 'Canada' && u < 0.3) t = 'ca';
  else if (country === 'Australia' && u < 0.4) t = 'com.au';
  else if (country === 'India' && u < 0.3) t = 'in';
  else if (familyName === 'tech' && u > 0.8) t = u > 0.93 ? 'ai' : 'io';
  else if (u > 0.9) t = 'net';
  else if (u > 0.84) t = 'co';
  return tldIndex.get(t)!;
}

const U32 = 4294967296;
const FORMS = nameForms.length;
const TAILS = nameTails.length;

/** Builds the organization index for a seed; dates are relative to `anchorDay`. */
export function buildOrgIndex(s: number, anchorDay: number): OrgIndex {
  // Imported bindings can be getters under some module loaders: the loop uses local copies only.
  const hx = hash;
  const saltOrg = salt.org;
  const n = ORG_COUNT;
  const techCount = technologies.length;
  const famCount = families.length;
  const techP = new Float64Array(famCount * BUCKETS * techCount);
  for (let f = 0; f < famCount; f++)
    for (let b = 0; b < BUCKETS; b++)
      for (let i = 0; i < techCount; i++) {
        const t = technologies[i]!;
        techP[(f * BUCKETS + b) * techCount + i] = Math.min(
          0.95,
          t.base * (t.boost.includes(families[f]!) ? 2.5 : 1) * (0.6 + b * 0.12),
        );
      }
  const shape = Int32Array.from(titleLists.map((l) => l.length));
  const offCountByBucket = Int32Array.from(officeCount);
  const leaders = Int32Array.from(leaderVariants);
  const ranges = sizeBuckets.map((r) => [r[0], r[1]] as [number, number]);
  const jobsCap = Int32Array.from(maxJobsByBucket);
  const inds = industries.map((i) => ({
    fam: i.familyIndex,
    famName: families[i.familyIndex]!,
    kws: Int32Array.from(i.keywordIds),
    rpe: i.revenuePerEmployee,
  }));
  const formsByFamily = familyFormIds.map((ids) => Int32Array.from(ids));
  const countries = places.map((p) => p.country);
  const heads = nameHeads.length;
  const l1ByCount = Int32Array.from({ length: MAX_OFFICES + 1 }, (_, c) => officesForKind(1, c));
  const l2ByCount = Int32Array.from({ length: MAX_OFFICES + 1 }, (_, c) => officesForKind(2, c));

  const industry = new Uint8Array(n);
  const family = new Uint8Array(n);
  const bucket = new Uint8Array(n);
  const employees = new Uint32Array(n);
  const offices = new Uint16Array(n * MAX_OFFICES);
  const offCount = new Uint8Array(n);
  const revenue = new Float64Array(n);
  const tech = new Uint32Array(n * TECH_WORDS);
  const kw = new Uint32Array(n * KEYWORD_WORDS);
  const founded = new Uint16Array(n);
  const totalFunding = new Float64Array(n);
  const latestFunding = new Float64Array(n);
  const latestFundingDay = new Int32Array(n);
  const fundingStage = new Uint8Array(n);
  const numJobs = new Uint16Array(n);
  const latestJobDay = new Int32Array(n);
  const flags = new Uint8Array(n);
  const statusOffset = new Uint8Array(n);
  const staffVariants = new Uint16Array(n);
  const personCount = new Uint32Array(n);
  const tld = new Uint8Array(n);
  const nameHead = new Uint16Array(n);
  const nameTail = new Uint8Array(n);
  const nameForm = new Uint8Array(n);
  const byName = new Int32Array(heads * TAILS * FORMS).fill(-1);
  const anchorYear = new Date(anchorDay * 86_400_000).getUTCFullYear();
  let totalPeople = 0;

  // mulberry32, inlined: one generator per company, seeded by hash(seed, company).
  let st = 0;
  const rnd = (): number => {
    st = (st + 0x6d2b79f5) | 0;
    let t = st;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / U32;
  };

  // One call per company: a small hot function optimises far better than one huge loop body.
  const generate = (o: number): void => {
    st = hx(s, saltOrg, o) | 0;
    const ind = weighted(industryCum, rnd());
    const info = inds[ind]!;
    const fam = info.fam;
    const b = weighted(bucketCum, rnd());
    const range = ranges[b]!;
    const ue = rnd();
    const emp = Math.round(
      range[0] * Math.pow(range[1] / range[0], b === BUCKETS - 1 ? ue * ue : ue),
    );
    industry[o] = ind;
    family[o] = fam;
    bucket[o] = b;
    employees[o] = emp;

    const hq = weighted(placeCum, rnd());
    const count = offCountByBucket[b]!;
    offCount[o] = count;
    const base = o * MAX_OFFICES;
    offices[base] = hq;
    const domestic = domesticPlaces[hq]!;
    for (let k = 1; k < count; k++) {
      for (;;) {
        const candidate =
          rnd() < 0.6 && domestic.length > k + 1
            ? domestic[Math.floor(rnd() * domestic.length)]!
            : weighted(placeCum, rnd());
        let taken = false;
        for (let q = 0; q < k; q++) if (offices[base + q] === candidate) taken = true;
        if (!taken) {
          offices[base + k] = candidate;
          break;
        }
      }
    }

    const ur = rnd();
    const perEmployee = info.rpe * (0.5 + rnd());
    if (!(b <= 2 && ur < 0.25)) revenue[o] = Math.round((emp * perEmployee) / 1000) * 1000;

    // Two technologies per draw: 16 bits of resolution each is plenty.
    const pBase = (fam * BUCKETS + b) * techCount;
    for (let i = 0; i < techCount; i += 2) {
      const u = rnd();
      const hiHalf = Math.floor(u * 65536);
      if (hiHalf / 65536 < techP[pBase + i]!) tech[o * TECH_WORDS + (i >> 5)]! |= 1 << (i & 31);
      if (i + 1 < techCount && u * 65536 - hiHalf < techP[pBase + i + 1]!)
        tech[o * TECH_WORDS + ((i + 1) >> 5)]! |= 1 << ((i + 1) & 31);
    }

    const kws = info.kws;
    let any = false;
    for (let i = 0; i < kws.length; i++) {
      const id = kws[i]!;
      if (rnd() < 0.6) {
        kw[o * KEYWORD_WORDS + (id >> 5)]! |= 1 << (id & 31);
        any = true;
      }
    }
    if (!any) kw[o * KEYWORD_WORDS + (kws[0]! >> 5)]! |= 1 << (kws[0]! & 31);

    founded[o] = anchorYear - 1 - Math.floor(Math.pow(rnd(), 3 - b * 0.25) * (20 + b * 18));

    const fundedShare = info.famName === 'tech' ? 0.5 : info.famName === 'health' ? 0.35 : 0.15;
    const uf = rnd();
    const uf1 = rnd();
    const uf2 = rnd();
    const uf3 = rnd();
    const uf4 = rnd();
    if (uf < fundedShare * (b >= 6 ? 0.6 : 1)) {
      const total = Math.round((emp * 60_000 * (0.2 + 2.8 * uf1)) / 1e5) * 1e5 + 1e5;
      totalFunding[o] = total;
      latestFunding[o] = Math.max(1e5, Math.round((total * (0.2 + 0.5 * uf2)) / 1e5) * 1e5);
      latestFundingDay[o] = anchorDay - 20 - Math.floor(uf3 * 1500);
      const stage = Math.max(1, Math.min(6, b + Math.floor(uf4 * 2)));
      fundingStage[o] = b >= 6 && uf4 < 0.4 ? 7 : uf3 > 0.92 ? 8 : stage;
    }

    const uj = rnd();
    const uj1 = rnd();
    const uj2 = rnd();
    if (uj < 0.2 + 0.1 * b) {
      numJobs[o] = 1 + Math.floor(uj1 * jobsCap[b]!);
      latestJobDay[o] = anchorDay - Math.floor(uj2 * 60);
    }

    let f = 0;
    if (rnd() < 0.85) f |= flag.phone;
    if (rnd() < 0.7) f |= flag.zip;
    if (rnd() < (b >= 6 ? 0.4 : b === 5 ? 0.1 : 0)) f |= flag.public;
    if (rnd() < 0.6) f |= flag.twitter;
    if (rnd() < 0.5) f |= flag.facebook;
    flags[o] = f;
    statusOffset[o] = Math.floor(rnd() * 10);

    const sl = (fam * BUCKETS + b) * KINDS;
    const l1 = l1ByCount[count]!;
    const l2 = l2ByCount[count]!;
    const t2 = shape[sl + 2]!;
    const fixed = shape[sl]! + shape[sl + 1]! * l1 * leaders[b]!;
    const cap = Math.floor((NAME_PAIRS - fixed) / Math.max(1, t2 * l2));
    const ideal = Math.round((emp * PEOPLE_PER_EMPLOYEE) / Math.max(1, t2 * l2));
    const v2 = Math.max(1, Math.min(cap, 65_535, ideal));
    staffVariants[o] = v2;
    const people = fixed + t2 * l2 * v2;
    personCount[o] = people;
    totalPeople += people;

    tld[o] = tldFor(rnd(), info.famName, countries[hq]!);
    const forms = formsByFamily[fam]!;
    for (;;) {
      const head = Math.floor(rnd() * heads);
      const tail = Math.floor(rnd() * TAILS);
      const form = forms[Math.floor(rnd() * forms.length)]!;
      const key = (head * TAILS + tail) * FORMS + form;
      if (byName[key] !== -1) continue;
      byName[key] = o;
      nameHead[o] = head;
      nameTail[o] = tail;
      nameForm[o] = form;
      break;
    }
  };
  for (let o = 0; o < n; o++) generate(o);

  let lower: string[] | undefined;
  // Paging through one search repeats its name filter: keep the last few answers.
  const hitCache = new Map<string, Uint8Array>();
  const index: OrgIndex = {
    seed: s,
    count: n,
    anchorDay,
    industry,
    family,
    bucket,
    employees,
    offices,
    officeCount: offCount,
    revenue,
    tech,
    keywords: kw,
    founded,
    totalFunding,
    latestFunding,
    latestFundingDay,
    fundingStage,
    numJobs,
    latestJobDay,
    flags,
    statusOffset,
    staffVariants,
    personCount,
    totalPeople,
    tld,
    nameHead,
    nameTail,
    nameForm,
    byName,
    lowerNames: () =>
      (lower ??= Array.from({ length: n }, (_, o) => nameOf(index, o).toLowerCase())),
    nameHits: (text) => {
      let hits = hitCache.get(text);
      if (!hits) {
        const names = index.lowerNames();
        hits = new Uint8Array(n);
        for (let o = 0; o < n; o++) if (names[o]!.includes(text)) hits[o] = 1;
        hitCache.set(text, hits);
        if (hitCache.size > 32) hitCache.delete(hitCache.keys().next().value!);
      }
      return hits;
    },
  };
  return index;
}
