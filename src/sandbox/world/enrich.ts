// people.match and people.bulk_match (SPEC §1.2, §1.3, §10, §11).
//
// Credits (SPEC §11 and our assumptions): 1 per person found, 0 when not; +1 when
// reveal_personal_emails returns at least one address (our assumption: Apollo says only that it
// "may cost credits"); a revealed phone costs 8, charged when the webhook is delivered; the
// waterfall charges vendor prices on delivery: 1 per email found, 2.5 per phone found and 0.5 per
// miss (some vendors charge on a miss), so totals are often fractional.

import { createHash } from 'node:crypto';

import { RawNumber } from '../json.js';
import { DAY_MS, iso, phoneIn } from './format.js';
import { hash, hex8, salt, unit } from './hash.js';
import { findOrg, orgByDomain, orgId, type OrgIndex } from './orgs.js';
import { personFull } from './person-json.js';
import {
  hasPhone,
  personByEmail,
  personByLinkedin,
  personByName,
  personFromId,
  personHash,
  personId,
  personalEmails,
  statusName,
  workEmail,
  type Person,
} from './people.js';
import { success, type AsyncDelivery, type WorldResult } from './result.js';
import { accountJson, contactJson } from './crm/json.js';
import type { CrmContext } from './crm/state.js';
import { places } from './vocab/locations.js';

/** The identifiers of one person to enrich. */
export interface MatchDetail {
  first_name?: string;
  last_name?: string;
  name?: string;
  email?: string;
  hashed_email?: string;
  organization_name?: string;
  domain?: string;
  id?: string;
  linkedin_url?: string;
}

export interface RevealFlags {
  reveal_personal_emails?: boolean;
  reveal_phone_number?: boolean;
  run_waterfall_email?: boolean;
  run_waterfall_phone?: boolean;
  webhook_url?: string;
}

/** What the enrichment actions need. */
export interface EnrichContext extends CrmContext {
  /** The next request id: a signed 64-bit integer in decimal. */
  nextRequestId(): string;
}

const PHONE_CREDITS = 8;
const WATERFALL_MESSAGE =
  'Waterfall enrichment request accepted. Results will be sent to the provided webhook URL.';
const PHONE_MESSAGE =
  'Phone enrichment is processing asynchronously. Retrieve results at GET /api/v1/webhook_result/{request_id} ' +
  'or wait for the webhook. Retry after ~10 seconds.';

function emailHashes(email: string): string[] {
  const lower = email.trim().toLowerCase();
  return [
    createHash('md5').update(lower).digest('hex'),
    createHash('sha256').update(lower).digest('hex'),
  ];
}

function splitName(d: MatchDetail): [string, string] | null {
  if (d.first_name && d.last_name) return [d.first_name, d.last_name];
  if (d.name) {
    const words = d.name.trim().split(/\s+/);
    if (words.length >= 2) return [words[0]!, words[words.length - 1]!];
  }
  return null;
}

/**
 * Finds the person the identifiers name: by id, email, LinkedIn URL, then name with the
 * employer's domain or name. A name alone is too weak (no match). A hashed email cannot be
 * inverted: it is checked against the email of the person the other identifiers name, and a
 * mismatch means no match.
 */
export function resolvePerson(index: OrgIndex, d: MatchDetail): Person | null {
  const byDomain = (domain: string) => orgByDomain(index, domain);
  let p: Person | null = null;
  if (d.id) p = personFromId(index, d.id);
  if (!p && d.email) p = personByEmail(index, d.email, byDomain);
  if (!p && d.linkedin_url) p = personByLinkedin(index, d.linkedin_url);
  const name = splitName(d);
  if (!p && name) {
    const o = findOrg(index, {
      ...(d.domain ? { domain: d.domain } : {}),
      ...(d.organization_name ? { name: d.organization_name } : {}),
    });
    if (o >= 0) p = personByName(index, o, name[0], name[1]);
  }
  if (
    p &&
    d.hashed_email &&
    !emailHashes(workEmail(index, p)).includes(d.hashed_email.toLowerCase())
  )
    return null;
  return p;
}

function phoneNumberJson(index: OrgIndex, p: Person, k: number): Record<string, unknown> {
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
function delayFor(index: OrgIndex, requestId: string): number {
  return 200 + (hash(index.seed, salt.delay, Number(BigInt(requestId) & 0xffffffffn)) % 400);
}

/** The native phone webhook (SPEC §10): only people with a number; none at all if nobody has one. */
function phoneDelivery(
  ctx: EnrichContext,
  people: Person[],
  requestId: string,
  webhookUrl: string,
): AsyncDelivery | null {
  const withPhone = people.filter((p) => hasPhone(ctx.index, p));
  if (withPhone.length === 0) return null;
  const credits = PHONE_CREDITS * withPhone.length;
  return {
    requestId,
    webhookUrl,
    delayMs: delayFor(ctx.index, requestId),
    credits,
    payload: {
      status: 'success',
      total_requested_enrichments: people.length,
      unique_enriched_records: withPhone.length,
      missing_records: people.length - withPhone.length,
      credits_consumed: credits,
      people: withPhone.map((p) => ({
        id: personId(ctx.index, p),
        status: 'success',
        phone_numbers: [phoneNumberJson(ctx.index, p, 0)],
      })),
    },
  };
}

const emailVendors = ['Mailwise', 'Prospectly', 'Inboxly', 'Verifyr'];
const phoneVendors = ['Dialmark', 'Callbook', 'Numberly'];

/** The waterfall webhook (SPEC §10, reconstructed shape), with vendor-priced credits. */
function waterfallDelivery(
  ctx: EnrichContext,
  people: Person[],
  flags: RevealFlags,
  requestId: string,
): AsyncDelivery {
  const { index } = ctx;
  const wantEmail = flags.run_waterfall_email === true;
  const wantPhone = flags.run_waterfall_phone === true || flags.reveal_phone_number === true;
  let credits = 0;
  const rows = people.map((p) => {
    const emailFound = statusName(p) !== 'unavailable' || unit(personHash(index, p, 70)) < 0.5;
    const phoneFound = hasPhone(index, p) || unit(personHash(index, p, 71)) < 0.3;
    const emailVendor = emailVendors[personHash(index, p, 72) % emailVendors.length]!;
    const phoneVendor = phoneVendors[personHash(index, p, 73) % phoneVendors.length]!;
    const emails =
      wantEmail && emailFound
        ? [{ email: workEmail(index, p), email_status_cd: 'Verified', source: emailVendor }]
        : [];
    const phones = wantPhone && phoneFound ? [phoneNumberJson(index, p, 1)] : [];
    if (wantEmail) credits += emailFound ? 1 : 0.5;
    if (wantPhone) credits += phoneFound ? 2.5 : 0.5;
    return {
      id: personId(index, p),
      status: 'success',
      emails,
      phone_numbers: phones,
      waterfall: {
        emails: wantEmail
          ? [
              {
                vendors: [
                  { name: emailVendor, status: emails.length ? 'success' : 'no_match', emails },
                ],
              },
            ]
          : [],
        phone_numbers: wantPhone
          ? [
              {
                vendors: [
                  {
                    name: phoneVendor,
                    status: phones.length ? 'success' : 'no_match',
                    phone_numbers: phones,
                  },
                ],
              },
            ]
          : [],
      },
    };
  });
  return {
    requestId,
    webhookUrl: flags.webhook_url!,
    delayMs: delayFor(index, requestId),
    credits,
    payload: {
      status: 'success',
      request_id: new RawNumber(requestId),
      credits_consumed: credits,
      target_fields: [...(wantEmail ? ['email'] : []), ...(wantPhone ? ['phone'] : [])],
      waterfall: { status: 'completed', message: 'Waterfall enrichment completed.' },
      people: rows,
    },
  };
}

/** The full person with the team's saved contact and account, revealed emails if asked. */
function personBody(
  ctx: EnrichContext,
  p: Person,
  flags: RevealFlags,
): { person: Record<string, unknown>; credits: number } {
  const { crm, index } = ctx;
  const contactId = crm.contactByPerson.get(personId(index, p));
  const contact = contactId ? crm.contacts.get(contactId) : undefined;
  const accountId = crm.accountByOrg.get(orgId(index, p.o));
  const account = accountId ? crm.accounts.get(accountId) : undefined;
  // GDPR regions never get personal emails (personalEmails returns none there).
  const personal = flags.reveal_personal_emails ? personalEmails(index, p) : undefined;
  const person = personFull(index, p, {
    ...(contact ? { contact: { id: contact.id, object: contactJson(ctx, contact) } } : {}),
    ...(account ? { account: { id: account.id, object: accountJson(ctx, account) } } : {}),
    ...(personal ? { personalEmails: personal } : {}),
    omitEmail: flags.run_waterfall_email === true,
  });
  return { person, credits: 1 + (personal && personal.length > 0 ? 1 : 0) };
}

function wantsWaterfall(flags: RevealFlags): boolean {
  return flags.run_waterfall_email === true || flags.run_waterfall_phone === true;
}

/**
 * people.match. No match ⇒ `{person: null}`, 0 credits, and no asynchronous work (the waterfall
 * needs a person to run on). Phone reveal and waterfall answer with a request_id; when a waterfall
 * flag is set, reveal_phone_number is folded into the waterfall's phone search.
 */
export function matchPerson(ctx: EnrichContext, input: MatchDetail & RevealFlags): WorldResult {
  const p = resolvePerson(ctx.index, input);
  if (!p) return success({ person: null }, 0);
  const { person, credits } = personBody(ctx, p, input);
  const body: Record<string, unknown> = { person };
  const deliveries: AsyncDelivery[] = [];
  if (wantsWaterfall(input)) {
    const requestId = ctx.nextRequestId();
    body.waterfall = { status: 'accepted', message: WATERFALL_MESSAGE };
    body.request_id = new RawNumber(requestId);
    deliveries.push(waterfallDelivery(ctx, [p], input, requestId));
  } else if (input.reveal_phone_number) {
    const requestId = ctx.nextRequestId();
    body.request_id = new RawNumber(requestId);
    const d = phoneDelivery(ctx, [p], requestId, input.webhook_url!);
    if (d) deliveries.push(d);
  }
  return success(body, credits, deliveries);
}

/**
 * people.bulk_match. Unmatched details appear as `null` in matches (Apollo's docs are silent;
 * clients are told not to rely on alignment). A person named twice is charged once.
 */
export function bulkMatch(
  ctx: EnrichContext,
  input: RevealFlags & { details: MatchDetail[] },
): WorldResult {
  const requestId = ctx.nextRequestId();
  const resolved = input.details.map((d) => resolvePerson(ctx.index, d));
  const charged = new Map<string, number>();
  const people: Person[] = [];
  const matches = resolved.map((p) => {
    if (!p) return null;
    const { person, credits } = personBody(ctx, p, input);
    const id = person.id as string;
    if (!charged.has(id)) {
      charged.set(id, credits);
      people.push(p);
    }
    return person;
  });
  const credits = [...charged.values()].reduce((a, b) => a + b, 0);
  const missing = resolved.filter((p) => !p).length;
  const head = {
    status: 'success',
    error_code: null,
    error_message: null,
    total_requested_enrichments: input.details.length,
  };
  if (wantsWaterfall(input)) {
    const unprocessed = input.details.filter((_, i) => !resolved[i]);
    const deliveries = people.length ? [waterfallDelivery(ctx, people, input, requestId)] : [];
    return success(
      {
        ...head,
        matches,
        waterfall: {
          status: 'accepted',
          message: WATERFALL_MESSAGE,
          ...(unprocessed.length ? { unprocessed_attributes: unprocessed } : {}),
        },
        request_id: new RawNumber(requestId),
      },
      credits,
      deliveries,
    );
  }
  const body: Record<string, unknown> = {
    ...head,
    unique_enriched_records: charged.size,
    missing_records: missing,
    credits_consumed: credits,
    matches,
  };
  const deliveries: AsyncDelivery[] = [];
  if (input.reveal_phone_number && people.length > 0) {
    const d = phoneDelivery(ctx, people, requestId, input.webhook_url!);
    if (d) deliveries.push(d);
    body.phone_enrichment = d
      ? { request_id: new RawNumber(requestId), status: 'pending', message: PHONE_MESSAGE }
      : { status: 'skipped', message: 'None of the matched people has a phone number to enrich.' };
  }
  body.request_id = new RawNumber(requestId);
  return success(body, credits, deliveries);
}
