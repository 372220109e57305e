// Phone numbers as Apollo's asynchronous deliveries carry them, and when a delivery
// is due: shared by the native phone reveal and the waterfall.

import { DAY_MS, iso, phoneIn } from './format.js';
import { hash, hex8, salt, unit } from './hash.js';
import type { OrgIndex } from './orgs.js';
import { personHash, type Person } from './people.js';
import { places } from './vocab/locations.js';

/** The k-th delivered phone number of a person. */
export function phoneNumberJson(index: OrgIndex, p: Person, k: number): Record<string, unknown> {
  const ph = phoneIn(places[p.place]!, personHash(index, p, 60));
  const id =
    hex8(0x60000000 + (personHash(index, p, 61) % 0x06000000)) +
    hex8(personHash(index, p, 62)) +
    hex8(k);
  const kind = unit(personHash(index, p, 63));
  return {
    _id: id,
    id,
    key: id,
    raw_number: ph.raw,
    sanitized_number: ph.sanitized,
    type_cd: kind < 0.7 ? 'mobile' : kind < 0.9 ? 'work_direct' : 'other',
    status_cd: 'valid_number',
    confidence_cd: kind < 0.8 ? 'high' : 'medium',
    direct_dial_source_cd: 'contact_trusted',
    dnc_status_cd: 'not_found',
    dnc_other_info: { country: places[p.place]!.country },
    dnc_status_updated_at: iso((index.anchorDay - 3) * DAY_MS),
    position: 0,
    created_at: null,
    updated_at: null,
  };
}

/** Delay before a webhook: a few hundred milliseconds, fixed per request. */
export function delayFor(index: OrgIndex, requestId: string): number {
  return 200 + (hash(index.seed, salt.delay, Number(BigInt(requestId) & 0xffffffffn)) % 400);
}
