// How a company's people are laid out, so that counting and paging never enumerate them.
//
// A company's people are the union of three blocks, one per title kind (0 = one per company,
// 1 = leaders, 2 = staff). Block k is the mixed-radix product
//     titles(k) × locations(k) × variants(k)
// where titles(k) depends only on the company's industry family and size bucket, locations(k) is
// a prefix of the company's office list and variants(k) distinguishes several people with the same
// title in the same office. A person's local index j enumerates block 0, then 1, then 2, each in
// (title, location, variant) order. Every filter acts on exactly one factor, so the number of
// matching people in a company is a sum of three products.

import { families } from './vocab/industries.js';
import { titles } from './vocab/titles.js';

/** Employee-count ranges of the size buckets, [min, max]. */
export const sizeBuckets: ReadonlyArray<readonly [number, number]> = [
  [1, 10],
  [11, 50],
  [51, 200],
  [201, 500],
  [501, 1000],
  [1001, 5000],
  [5001, 10000],
  [10001, 250000],
];
export const BUCKETS = sizeBuckets.length;
export const KINDS = 3;

/** How many offices a company of each bucket has; the first is its headquarters. */
export const officeCount: readonly number[] = [1, 1, 1, 2, 3, 4, 6, 8];
export const MAX_OFFICES = 8;

/** Variants per (title, office) for kind-1 titles, by bucket. Kind 0 has 1; kind 2 scales. */
export const leaderVariants: readonly number[] = [1, 1, 1, 1, 2, 3, 4, 6];

/** Offices a block of this kind spans: executives sit at headquarters, leaders in two offices. */
export function officesForKind(kind: number, offices: number): number {
  return kind === 0 ? 1 : kind === 1 ? Math.min(2, offices) : offices;
}

function buildTitleLists(): Int16Array[] {
  const lists: Int16Array[] = [];
  for (let f = 0; f < families.length; f++) {
    for (let b = 0; b < BUCKETS; b++) {
      for (let k = 0; k < KINDS; k++) {
        const ids: number[] = [];
        titles.forEach((t, i) => {
          if (t.kind !== k || b < t.minBucket || b > t.maxBucket) return;
          if (t.families.length > 0 && !t.families.includes(families[f]!)) return;
          ids.push(i);
        });
        lists.push(Int16Array.from(ids));
      }
    }
  }
  return lists;
}

/** Title indices of each (family, bucket, kind), at `slot(family, bucket, kind)`. */
export const titleLists: readonly Int16Array[] = buildTitleLists();

/** Index into per-(family, bucket, kind) tables. */
export function slot(family: number, bucket: number, kind: number): number {
  return (family * BUCKETS + bucket) * KINDS + kind;
}

/**
 * Email status by variant: the status of variant v in a company with offset o is
 * `statusCycle[(v + o) % 10]`, so the variants with a given status are countable arithmetically.
 * Six in ten verified, two unverified, one likely to engage, one unavailable.
 */
export const emailStatusNames = ['verified', 'unverified', 'likely to engage', 'unavailable'];
export const statusCycle: readonly number[] = [0, 0, 1, 0, 2, 0, 1, 0, 3, 0];
export const CYCLE = statusCycle.length;

/** How many variants v in [0, count) have an accepted status, for a company's offset. */
export function countVariants(count: number, offset: number, accepted: Uint8Array): number {
  let perCycle = 0;
  for (let i = 0; i < CYCLE; i++) perCycle += accepted[statusCycle[i]!]!;
  const full = Math.floor(count / CYCLE);
  let n = full * perCycle;
  for (let v = full * CYCLE; v < count; v++) n += accepted[statusCycle[(v + offset) % CYCLE]!]!;
  return n;
}

/** The k-th (0-based) variant with an accepted status. */
export function nthVariant(k: number, offset: number, accepted: Uint8Array): number {
  let perCycle = 0;
  for (let i = 0; i < CYCLE; i++) perCycle += accepted[statusCycle[i]!]!;
  const cycles = Math.floor(k / perCycle);
  let rest = k - cycles * perCycle;
  for (let v = cycles * CYCLE; ; v++) {
    if (accepted[statusCycle[(v + offset) % CYCLE]!]) {
      if (rest === 0) return v;
      rest--;
    }
  }
}
