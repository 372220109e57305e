import { z } from 'zod';

import type { EndpointSpec } from './types.js';
import { pathParamNames } from './wire.js';

function endpoint(
  spec: Omit<EndpointSpec, 'pathParams' | 'altMethods'> & {
    altMethods?: EndpointSpec['altMethods'];
  },
): EndpointSpec {
  return Object.freeze({
    ...spec,
    altMethods: spec.altMethods ?? [],
    pathParams: pathParamNames(spec.path),
  });
}

/**
 * The authorization page. Apollo serves it as a hash route of the web app
 * (`https://app.apollo.io/#/oauth/authorize`), so `hashRoutedAuthorize` below says where the
 * fragment goes; the sandbox serves the same path without the fragment.
 */
export const oauthAuthorize = endpoint({
  id: 'oauth.authorize',
  method: 'GET',
  host: 'app',
  path: '/oauth/authorize',
  keyScope: null,
  oauthScope: null,
  description: 'Where an admin grants Gatehouse access to Apollo (authorization-code grant).',
});

/** True for Apollo's real web app, whose router reads the path from the URL fragment. */
export const hashRoutedAuthorize = (appBaseUrl: string): string =>
  `${appBaseUrl.replace(/\/$/, '')}/#${oauthAuthorize.path}`;

/** Exchanges an authorization code or refresh token for tokens. */
export const oauthToken = endpoint({
  id: 'oauth.token',
  method: 'POST',
  host: 'app',
  path: '/api/v1/oauth/token',
  keyScope: null,
  oauthScope: null,
  description: 'Token endpoint: authorization_code and refresh_token grants.',
});

/** The user behind the credential. */
export const apiProfile = endpoint({
  id: 'users.api_profile',
  method: 'GET',
  host: 'api',
  path: '/api/v1/users/api_profile',
  keyScope: null,
  oauthScope: 'read_user_profile',
  description: 'Identifies the Apollo user behind an OAuth token or API key.',
});

/** Is this credential accepted? */
export const authHealth = endpoint({
  id: 'auth.health',
  method: 'GET',
  host: 'api',
  path: '/api/v1/auth/health',
  keyScope: null,
  oauthScope: null,
  description: 'Answers {healthy, is_logged_in}; is_logged_in is false for a bad credential.',
});

/** The legacy location of the health check, still used by some clients. */
export const authHealthLegacyPath = '/v1/auth/health';

/** Results of asynchronous (phone / waterfall) enrichment. */
export const webhookResult = endpoint({
  id: 'webhook_result',
  method: 'GET',
  host: 'api',
  path: '/api/v1/webhook_result/{request_id}',
  keyScope: 'api/v1/webhook_result/show',
  oauthScope: 'webhook_result_read',
  description:
    "Polls the stored result of an asynchronous enrichment request (kept 30 days): Apollo's envelope, the payload under webhook_result.",
});

/** All non-action endpoints. */
export const endpoints: readonly EndpointSpec[] = Object.freeze([
  oauthAuthorize,
  oauthToken,
  apiProfile,
  authHealth,
  webhookResult,
]);

/** The token endpoint's success body (Doorkeeper style). */
export const tokenResponseSchema = z.looseObject({
  access_token: z.string(),
  token_type: z.string(),
  expires_in: z.number(),
  refresh_token: z.string(),
  scope: z.string().optional(),
  created_at: z.number().optional(),
});

/**
 * The 200 of `webhook_result/{request_id}`: an envelope, not the bare payload. `webhook_status`
 * describes delivering the callback, not the enrichment: `in_progress` with a null
 * `webhook_result` is not finished, and a `failed` one may still carry the payload Apollo would
 * have sent. Credits are `webhook_result.credits_consumed`; `request_id` is echoed as a string.
 */
export const webhookResultEnvelopeSchema = z.looseObject({
  request_id: z.string(),
  webhook_status: z.enum(['in_progress', 'success', 'failed']),
  request_type: z.enum(['email', 'phone', 'waterfall']),
  last_dispatched_at: z.string().nullable(),
  failure_reason: z.string().nullable(),
  webhook_result: z.looseObject({ credits_consumed: z.number().optional() }).nullable(),
});

/** `webhook_result/{request_id}` error codes. */
export const webhookResultCodes = [
  'result_pending',
  'request_id_unknown',
  'request_id_expired',
  'invalid_request_id',
] as const;

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

/**
 * Apollo's request_id in canonical decimal, or null when it is not a signed 64-bit integer (its
 * `invalid_request_id`). Apollo sends it as a bare number, often beyond 2^53 and often negative.
 */
export function canonicalRequestId(raw: unknown): string | null {
  const text = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
  if (!/^-?\d{1,20}$/.test(text)) return null;
  const n = BigInt(text);
  return n < int64Min || n > int64Max ? null : n.toString();
}

/**
 * Every OAuth scope Apollo recognises (the union of Apollo's MCP server's metadata and its
 * official CLI's list). `read_user_profile` and `app_scopes` are added to every app.
 */
export const oauthScopes: readonly string[] = Object.freeze(
  (
    'read_user_profile app_scopes people_match people_bulk_match person_read organizations_enrich ' +
    'organizations_bulk_enrich organizations_job_posting organization_read mixed_people_search ' +
    'mixed_people_api_search mixed_people_organization_top_people mixed_companies_search ' +
    'organizations_search organizations_news_articles webhook_result_read contact_read contact_write ' +
    'contact_update contacts_search contacts_bulk_create contacts_bulk_update contact_stages_list ' +
    'contact_stages_update contact_owners_update account_read account_write account_update ' +
    'account_bulk_create accounts_search account_stages_list account_stages_update ' +
    'account_owners_update opportunity_read opportunity_write opportunity_update opportunities_list ' +
    'opportunity_stages_list emailer_campaign_read emailer_campaigns_search emailer_campaigns_create ' +
    'emailer_campaigns_update emailer_campaigns_approve emailer_campaigns_abort ' +
    'emailer_campaigns_archive emailer_campaigns_add_contact_ids ' +
    'emailer_campaigns_remove_or_stop_contact_ids emailer_campaigns_activity_feed ' +
    'emailer_schedules_list emailer_messages_search emailer_messages_create ' +
    'emailer_messages_send_now emailer_messages_email_send_status emailer_messages_get_content ' +
    'email_accounts_list tasks_create tasks_list phone_call_write phone_call_search ' +
    'phone_call_update users_list api_usage_stats_read credit_usage_stats_read report_sync ' +
    'tags_list lists_create lists_update lists_add_entities lists_remove_entities notes_list ' +
    'custom_fields_list custom_field_write conversations_search conversations_show ' +
    'conversations_export conversations_find_export'
  ).split(' '),
);
