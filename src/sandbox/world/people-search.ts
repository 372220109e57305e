// People API search over the generated population without enumerating it: each
// company passing the employer filters contributes |titles| × |offices| × |variants| matching
// people (composition.ts), and a page is located by running sums over companies.

import {
  BUCKETS,
  KINDS,
  MAX_OFFICES,
  countVariants,
  leaderVariants,
  nthVariant,
  slot,
  titleLists,
} from './composition.js';
import {
  compileEmployerFilter,
  compilePersonFilter,
  type EmployerInput,
  type PersonFilter,
  type PersonInput,
} from './filters.js';
import { blockShape, type OrgIndex } from './orgs.js';
import { localIndex, personAt, type Person } from './people.js';

/** Rows reachable by paging: 100 per page × 500 pages. */
export const REACHABLE_ROWS = 50_000;
/** per_page when the request gives none (our assumption; Apollo's docs do not say). */
export const DEFAULT_PER_PAGE = 25;

export interface PeopleSearchInput extends EmployerInput, PersonInput {
  page?: number;
  per_page?: number;
}

/** The true number of matches and the people on the requested page. */
export interface PeopleSearchResult {
  total: number;
  people: Person[];
}

interface Counter {
  count(o: number): number;
  nth(o: number, k: number): Person;
}

function counter(index: OrgIndex, pf: PersonFilter): Counter {
  const fullWords = (1 << pf.words.length) - 1;
  const offices = index.offices;
  const family = index.family;
  const bucket = index.bucket;
  const officeCounts = index.officeCount;
  const staff = index.staffVariants;
  const statusOffset = index.statusOffset;
  const placeOk = pf.placeOk;
  const statusOk = pf.statusOk;
  const slots = titleLists.length;
  // Matching title counts per slot, for each set of keyword words the title itself must supply.
  const countsByNeeded: Array<Int32Array | undefined> = [];
  const countsFor = (needed: number): Int32Array => {
    let counts = countsByNeeded[needed];
    if (!counts) {
      counts = new Int32Array(slots);
      for (let sl = 0; sl < slots; sl++) counts[sl] = pf.titlePositions(sl, needed).length;
      countsByNeeded[needed] = counts;
    }
    return counts;
  };
  const neededFor = (o: number) => (fullWords ? fullWords & ~pf.orgWords(o) : 0);
  const variantsOk = (o: number, v: number) =>
    statusOk ? countVariants(v, statusOffset[o]!, statusOk) : v;
  const okOfficesIn = (o: number, n: number): number[] => {
    const out: number[] = [];
    for (let k = 0; k < n; k++) if (!placeOk || placeOk[offices[o * MAX_OFFICES + k]!]) out.push(k);
    return out;
  };
  return {
    count(o) {
      if (pf.none) return index.personCount[o]!;
      const counts = countsFor(neededFor(o));
      const base = (family[o]! * BUCKETS + bucket[o]!) * KINDS;
      const t0 = counts[base]!;
      const t1 = counts[base + 1]!;
      const t2 = counts[base + 2]!;
      if (t0 + t1 + t2 === 0) return 0;
      const n = officeCounts[o]!;
      let l1 = n < 2 ? n : 2;
      let l0 = 1;
      let l2 = n;
      if (placeOk) {
        const at = o * MAX_OFFICES;
        l0 = placeOk[offices[at]!]!;
        l1 = l0 + (n > 1 ? placeOk[offices[at + 1]!]! : 0);
        l2 = l1;
        for (let k = 2; k < n; k++) l2 += placeOk[offices[at + k]!]!;
      }
      let sum = 0;
      if (t0 && l0) sum += t0 * l0 * variantsOk(o, 1);
      if (t1 && l1) sum += t1 * l1 * variantsOk(o, leaderVariants[bucket[o]!]!);
      if (t2 && l2) sum += t2 * l2 * variantsOk(o, staff[o]!);
      return sum;
    },
    nth(o, k) {
      if (pf.none) return personAt(index, o, k)!;
      const needed = neededFor(o);
      let rest = k;
      for (let kind = 0; kind < KINDS; kind++) {
        const positions = pf.titlePositions(slot(family[o]!, bucket[o]!, kind), needed);
        const [l, v] = blockShape(index, o, kind);
        const okOffices = okOfficesIn(o, l);
        const vm = variantsOk(o, v);
        const size = positions.length * okOffices.length * vm;
        if (rest >= size) {
          rest -= size;
          continue;
        }
        const variantRank = rest % vm;
        const q = Math.floor(rest / vm);
        const office = okOffices[q % okOffices.length]!;
        const titlePos = positions[Math.floor(q / okOffices.length)]!;
        const variant = statusOk
          ? nthVariant(variantRank, statusOffset[o]!, statusOk)
          : variantRank;
        return personAt(index, o, localIndex(index, o, kind, titlePos, office, variant))!;
      }
      throw new Error(`person ${k} is beyond company ${o}'s matches`);
    },
  };
}

/** Runs a people search: the true total and the page's people (empty beyond 50,000 rows). */
export function searchPeople(index: OrgIndex, input: PeopleSearchInput): PeopleSearchResult {
  const employer = compileEmployerFilter(index, input);
  const pf = compilePersonFilter(index, input, (s) => titleLists[s]!);
  const c = counter(index, pf);
  const perPage = input.per_page ?? DEFAULT_PER_PAGE;
  const offset = ((input.page ?? 1) - 1) * perPage;
  const end = Math.min(offset + perPage, REACHABLE_ROWS);
  const segments: Array<[number, number, number]> = [];
  let total = 0;
  const visit = (o: number) => {
    if (!employer.test(o)) return;
    const n = c.count(o);
    if (n === 0) return;
    if (total + n > offset && total < end) {
      segments.push([o, Math.max(0, offset - total), Math.min(n, end - total)]);
    }
    total += n;
  };
  if (employer.candidates) for (const o of employer.candidates) visit(o);
  else for (let o = 0; o < index.count; o++) visit(o);
  const people: Person[] = [];
  for (const [o, from, to] of segments) for (let k = from; k < to; k++) people.push(c.nth(o, k));
  return { total, people };
}
