import {
  accountsCreate,
  accountsGet,
  accountsSearch,
  accountsStages,
  accountsUpdate,
} from './accounts.js';
import { accountsBulkCreate, accountsBulkUpdate, accountsUpdateOwners } from './accounts-bulk.js';
import { usageCredits, usageStats, usersList, usersProfile } from './admin.js';
import {
  contactsCreate,
  contactsDeals,
  contactsGet,
  contactsSearch,
  contactsStages,
  contactsUpdate,
} from './contacts.js';
import {
  contactsBulkCreate,
  contactsBulkUpdate,
  contactsUpdateOwners,
  contactsUpdateStages,
} from './contacts-bulk.js';
import {
  dealsCreate,
  dealsGet,
  dealsList,
  dealsListLegacy,
  dealsStages,
  dealsUpdate,
} from './deals.js';
import { newsSearch } from './news.js';
import {
  organizationsBulkEnrich,
  organizationsGet,
  organizationsJobPostings,
} from './organization-records.js';
import { organizationsEnrich, organizationsSearch } from './organizations.js';
import { peopleBulkMatch, peopleMatch, peopleSearch } from './people.js';
import { peopleGet, peopleSearchLegacy } from './people-records.js';
import { reportsSync } from './reports.js';
import {
  sequencesActivityFeed,
  sequencesAddContacts,
  sequencesRemoveContacts,
  sequencesSearch,
} from './sequences.js';
import {
  sequencesAbort,
  sequencesApprove,
  sequencesArchive,
  sequencesCreate,
  sequencesUpdate,
} from './sequence-edit.js';
import {
  emailsActivities,
  emailsContent,
  emailsCreate,
  emailsSearch,
  emailsSendNow,
  emailsSendStatus,
} from './emails.js';
import { emailsAccounts, emailsSchedules } from './email-accounts.js';
import { tasksCreate, tasksSearch } from './tasks.js';
import {
  tasksBulkCreate,
  tasksComplete,
  tasksGet,
  tasksSkip,
  tasksUpdate,
} from './tasks-manage.js';
import {
  labelsAddRecords,
  labelsCreate,
  labelsList,
  labelsRemoveRecords,
  labelsUpdate,
} from './labels.js';
import { fieldsCreate, fieldsList, fieldsListTyped, fieldsUpdate } from './fields.js';
import { notesList } from './notes.js';
import { callsCreate, callsSearch, callsUpdate } from './calls.js';
import {
  conversationsExport,
  conversationsExportStatus,
  conversationsGet,
  conversationsSearch,
} from './conversations.js';
import type { ActionSpec, Group, HttpMethod } from './types.js';
import { matchPath } from './wire.js';

/** Every agent-callable Apollo action, in design.md's order. */
export const actions = Object.freeze([
  peopleSearch,
  peopleMatch,
  peopleBulkMatch,
  peopleGet,
  peopleSearchLegacy,
  organizationsSearch,
  organizationsEnrich,
  organizationsGet,
  organizationsJobPostings,
  organizationsBulkEnrich,
  newsSearch,
  contactsSearch,
  contactsCreate,
  contactsUpdate,
  contactsGet,
  contactsDeals,
  contactsBulkCreate,
  contactsBulkUpdate,
  contactsUpdateStages,
  contactsUpdateOwners,
  contactsStages,
  accountsSearch,
  accountsCreate,
  accountsUpdate,
  accountsGet,
  accountsBulkCreate,
  accountsBulkUpdate,
  accountsUpdateOwners,
  accountsStages,
  emailsCreate,
  emailsSendNow,
  emailsSendStatus,
  emailsSearch,
  emailsContent,
  emailsActivities,
  emailsAccounts,
  emailsSchedules,
  sequencesSearch,
  sequencesAddContacts,
  sequencesCreate,
  sequencesUpdate,
  sequencesApprove,
  sequencesAbort,
  sequencesArchive,
  sequencesRemoveContacts,
  sequencesActivityFeed,
  tasksSearch,
  tasksCreate,
  tasksGet,
  tasksUpdate,
  tasksComplete,
  tasksSkip,
  tasksBulkCreate,
  labelsList,
  labelsCreate,
  labelsUpdate,
  labelsAddRecords,
  labelsRemoveRecords,
  fieldsList,
  fieldsCreate,
  fieldsUpdate,
  fieldsListTyped,
  notesList,
  callsCreate,
  callsSearch,
  callsUpdate,
  conversationsSearch,
  conversationsGet,
  conversationsExport,
  conversationsExportStatus,
  dealsList,
  dealsCreate,
  dealsUpdate,
  dealsGet,
  dealsStages,
  dealsListLegacy,
  usersList,
  usageStats,
  usersProfile,
  usageCredits,
  reportsSync,
] as const);

/** Union of action ids. */
export type ActionId = (typeof actions)[number]['id'];

/** The sensitive capability for revealed personal data and waterfall enrichment. */
export const revealCapability = 'people.reveal';

const byId: ReadonlyMap<string, ActionSpec> = new Map(actions.map((a) => [a.id, a as ActionSpec]));

/** The catalog entry with this id, fully typed. */
export type ActionById<Id extends ActionId> = Extract<(typeof actions)[number], { id: Id }>;

/** Finds an action by id; a known literal id gives its exact type. */
export function getAction<Id extends ActionId>(id: Id): ActionById<Id>;
export function getAction(id: string): ActionSpec | undefined;
export function getAction(id: string): ActionSpec | undefined {
  return byId.get(id);
}

/** The actions of one group. */
export function actionsInGroup(group: Group): ActionSpec[] {
  return actions.filter((a) => a.group === group);
}

/** Every method an action answers on its path: the documented one first. */
export function acceptedMethods(action: ActionSpec): HttpMethod[] {
  return [action.method, ...action.altMethods];
}

/**
 * Every path an action answers on, literal segments first: `/tasks/search` is tried before
 * `/tasks/{id}`, so a literal path is never read as an id.
 */
const routeTable: ReadonlyArray<{ path: string; action: ActionSpec }> = (
  actions as readonly ActionSpec[]
)
  .flatMap((action) => [action.path, ...action.altPaths].map((path) => ({ path, action })))
  .sort((a, b) => a.path.split('{').length - b.path.split('{').length);

/** Finds the action a request is for, by method and path; path parameters come back decoded. */
export function findActionByRoute(
  method: string,
  path: string,
): { action: ActionSpec; params: Record<string, string> } | undefined {
  for (const { path: template, action } of routeTable) {
    const params = matchPath(template, path);
    if (params && acceptedMethods(action).includes(method.toUpperCase() as HttpMethod)) {
      return { action, params };
    }
  }
  return undefined;
}

/** True when some action lives at this path (under any method). */
export function isCatalogPath(path: string): boolean {
  return routeTable.some((r) => matchPath(r.path, path) !== null);
}

// Apollo's hosted MCP server names its tools after the endpoint path; we derive the same names
// mechanically, so `POST /contacts` → apollo_contacts_create, `PATCH /contacts/{id}` →
// apollo_contacts_update, `/mixed_people/api_search` → apollo_mixed_people_api_search. A GET
// ending on an id reads one record (`GET /opportunities/{id}` → apollo_opportunities_get) and a GET
// on a bare collection lists it (`GET /opportunities` → apollo_opportunities_list), so the two
// never share a name.
const verbForCollection: Record<HttpMethod, string> = {
  POST: 'create',
  PATCH: 'update',
  PUT: 'update',
  GET: 'get',
};

/** The MCP tool name for an action: `[a-z0-9_]`, at most 64 characters. */
export function toolName(action: Pick<ActionSpec, 'path' | 'method'>): string {
  const segments = action.path.replace(/^\/api\/v1\//, '').split('/');
  const fixed = segments.filter((s) => !s.startsWith('{'));
  const last = segments[segments.length - 1] ?? '';
  const endsOnCollection = last.startsWith('{') || segments.length === 1;
  const verb =
    action.method === 'GET' && !last.startsWith('{') ? 'list' : verbForCollection[action.method];
  const words = endsOnCollection ? [...fixed, verb] : fixed;
  return `apollo_${words.join('_')}`.toLowerCase();
}

/** `["api/v1/contacts", "search"]`-style key Apollo uses in usage stats for this action. */
export function usageKey(action: Pick<ActionSpec, 'keyScope'>): string {
  const scope = action.keyScope.replace(/^deals\//, '');
  const cut = scope.lastIndexOf('/');
  return JSON.stringify([scope.slice(0, cut), scope.slice(cut + 1)]).replace('","', '", "');
}

export { effects } from './types.js';
export type {
  ActionHints,
  AsyncDeliverySpec,
  ActionSpec,
  Access,
  CreditRule,
  Effect,
  EndpointSpec,
  Group,
  HttpMethod,
  PaginationRule,
  RateClass,
} from './types.js';
export { groups } from './types.js';
export { estimateCredits, creditsFromResponse } from './credits.js';
export {
  documentedDayHeaders,
  planLimits,
  plans,
  windows,
  windowMs,
  rateLimitHeaders,
  windowWord,
} from './rate-limits.js';
export type { Plan, Window, WindowLimits } from './rate-limits.js';
export {
  apiProfile,
  authHealth,
  authHealthLegacyPath,
  canonicalRequestId,
  endpoints,
  hashRoutedAuthorize,
  oauthAuthorize,
  oauthScopes,
  oauthToken,
  tokenResponseSchema,
  webhookResult,
  webhookResultCodes,
  webhookResultEnvelopeSchema,
} from './endpoints.js';
export { decodeQuery, encodeQuery, fillPath, matchPath } from './wire.js';
export {
  describeInputShapeProblem,
  forbiddenKeys,
  inputShapeLimits,
  inspectInputShape,
  isForbiddenKey,
} from './input-shape.js';
export type { InputShapeLimits, InputShapeProblem } from './input-shape.js';
export { bulkMatchLimit, emailStatuses, seniorities } from './people.js';
export { bulkEnrichLimit, jobPostingsPerPage } from './organization-records.js';
export { newsPerPage } from './news.js';
export { skipReasons } from './sequences.js';
export { taskPriorities, taskStatuses, taskTypes } from './tasks.js';
export {
  contactsBulkCreateLimit,
  contactsBulkUpdateLimit,
  contactsBulkUpdateSyncLimit,
} from './contacts-bulk.js';
export { accountsBulkCreateLimit, accountsBulkUpdateLimit } from './accounts-bulk.js';
export {
  accountSchema,
  breadcrumbSchema,
  contactSchema,
  labelSchema,
  opportunitySchema,
  organizationSchema,
  paginationSchema,
  personSchema,
  personSearchRowSchema,
  phoneNumberSchema,
  sequenceSchema,
  taskSchema,
  usageWindowSchema,
  userSchema,
} from './objects.js';
