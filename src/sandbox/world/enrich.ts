// people.match and people.bulk_match.
//
// Credits (as Apollo documents them, and our assumptions where it does not): 1 per person found, 0 when not; +1 when
// reveal_personal_emails returns at least one address (our assumption: Apollo says only that it
// "may cost credits"); a revealed phone costs 8, charged when the webhook is delivered; the
// waterfall charges vendor prices on delivery (see waterfall.ts).

import { createHash } from 'node:crypto';

import { RawNumber } from '../json.js';
import { findOrg, orgByDomain, orgId, type OrgIndex } from './orgs.js';
import { personFull } from './person-json.js';
import { delayFor, phoneNumberJson } from './phone-json.js';
import {
  hasPhone,
  personByEmail,
  personByLinkedin,
  personByName,
  personFromId,
  personId,
  personalEmails,
  workEmail,
  type Person,
} from './people.js';
import { success, type AsyncDelivery, type WorldResult } from './result.js';
import { accountJson, contactJson } from './crm/json.js';
import type { CrmContext } from './crm/state.js';
import { waterfallDelivery } from './waterfall.js';

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

/** The native phone webhook: only people with a number; none at all if nobody has one. */
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
