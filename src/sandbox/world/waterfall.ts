// The waterfall webhook payload in the shape of Apollo's reference example: counters of what was
// asked, found and missed, the request times, and per person the vendor trail (addresses as plain
// strings), the phone numbers and the emails found. Credits are vendor prices: 1 per email found,
// 2.5 per phone found and 0.5 per miss (some vendors charge on a miss), so totals are often
// fractional.

import type { EnrichContext, RevealFlags } from './enrich.js';
import { iso } from './format.js';
import { hex8, unit } from './hash.js';
import { delayFor, phoneNumberJson } from './phone-json.js';
import { hasPhone, personHash, personId, statusName, workEmail, type Person } from './people.js';
import type { AsyncDelivery } from './result.js';

const emailVendors = ['Mailwise', 'Prospectly', 'Inboxly', 'Verifyr'];
const phoneVendors = ['Dialmark', 'Callbook', 'Numberly'];

function vendor(
  name: string,
  k: number,
  found: boolean,
  key: 'emails' | 'phone_numbers',
  values: string[],
): Record<string, unknown> {
  return {
    id: hex8(0x76000000 + k) + hex8(name.length * 0x1010101) + hex8(k),
    name,
    status: found ? 'VERIFIED' : 'NOT_FOUND',
    [key]: values,
    usedForVerification: false,
    statusCode: found ? 200 : 404,
    statusMessage: found ? 'Success' : 'No data found',
    authMechanism: 'apollo_managed',
  };
}

/** The waterfall delivery for the matched people, with its vendor-priced credits. */
export function waterfallDelivery(
  ctx: EnrichContext,
  people: Person[],
  flags: RevealFlags,
  requestId: string,
): AsyncDelivery {
  const { index } = ctx;
  const wantEmail = flags.run_waterfall_email === true;
  const wantPhone = flags.run_waterfall_phone === true || flags.reveal_phone_number === true;
  const delayMs = delayFor(index, requestId);
  const initiated = ctx.now();
  let credits = 0;
  const tally = { any: 0, email: 0, mobile: 0, none: 0, noEmail: 0, noMobile: 0 };
  const rows = people.map((p) => {
    const emailFound =
      wantEmail && (statusName(p) !== 'unavailable' || unit(personHash(index, p, 70)) < 0.5);
    const phoneFound = wantPhone && (hasPhone(index, p) || unit(personHash(index, p, 71)) < 0.3);
    const ev = personHash(index, p, 72) % emailVendors.length;
    const pv = personHash(index, p, 73) % phoneVendors.length;
    const address = workEmail(index, p);
    const phone = phoneFound ? phoneNumberJson(index, p, 1) : null;
    if (wantEmail) credits += emailFound ? 1 : 0.5;
    if (wantPhone) credits += phoneFound ? 2.5 : 0.5;
    if (emailFound || phoneFound) tally.any++;
    else tally.none++;
    if (wantEmail && emailFound) tally.email++;
    if (wantEmail && !emailFound) tally.noEmail++;
    if (wantPhone && phoneFound) tally.mobile++;
    if (wantPhone && !phoneFound) tally.noMobile++;
    const enrichedAt = iso(initiated + delayMs);
    return {
      id: personId(index, p),
      waterfall: {
        emails: wantEmail
          ? [
              {
                vendors: [
                  vendor(emailVendors[ev]!, ev, emailFound, 'emails', emailFound ? [address] : []),
                ],
              },
            ]
          : [],
        phone_numbers: wantPhone
          ? [
              {
                vendors: [
                  vendor(
                    phoneVendors[pv]!,
                    10 + pv,
                    phoneFound,
                    'phone_numbers',
                    phone ? [String(phone.sanitized_number)] : [],
                  ),
                ],
              },
            ]
          : [],
      },
      phone_numbers: phone
        ? [
            {
              _id: phone._id,
              id: phone.id,
              key: phone.key,
              raw_number: phone.raw_number,
              sanitized_number: phone.sanitized_number,
              status_cd: phone.status_cd,
              type_cd: phone.type_cd,
              confidence_cd: phone.confidence_cd,
              dnc_status_cd: phone.dnc_status_cd,
              dnc_other_info: phone.dnc_other_info,
              dnc_status_updated_at: phone.dnc_status_updated_at,
            },
          ]
        : [],
      emails: emailFound
        ? [
            {
              email: address,
              email_source_cd: 'waterfall',
              position: 0,
              email_status_cd: 'Verified',
              extrapolated_email_confidence: null,
              third_party_data_provider_id: hex8(0x77000000 + ev) + hex8(ev) + hex8(ev),
              waterfall_enriched_at: enrichedAt,
              vendor_validation_statuses: [],
            },
          ]
        : [],
    };
  });
  return {
    requestId,
    webhookUrl: flags.webhook_url!,
    delayMs,
    credits,
    payload: {
      status: 'success',
      total_requested_enrichments: people.length,
      target_fields: [...(wantEmail ? ['emails'] : []), ...(wantPhone ? ['phone_numbers'] : [])],
      records_enriched: tally.any,
      email_records_enriched: tally.email,
      mobile_records_enriched: tally.mobile,
      enrichment_not_found: tally.none,
      email_records_not_found: tally.noEmail,
      mobile_records_not_found: tally.noMobile,
      credits_consumed: credits,
      // The waterfall payload echoes the request id as a string (the synchronous answer's is a
      // bare number).
      request_id: requestId,
      request_initiated: iso(initiated),
      request_completed: iso(initiated + delayMs),
      people: rows,
    },
  };
}
