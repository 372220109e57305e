// Which world function answers each catalog action. The map is checked against the catalog's
// action ids, so adding an action to the catalog without a handler here is a type error.
import type { ActionId } from '../../catalog/index.js';

import { createAccount, searchAccounts, updateAccount } from './crm/accounts.js';
import {
  bulkCreateAccounts,
  bulkUpdateAccounts,
  getAccount,
  updateAccountOwners,
} from './crm/accounts-bulk.js';
import { createContact, searchContacts, updateContact } from './crm/contacts.js';
import {
  bulkCreateContacts,
  bulkUpdateContacts,
  updateContactOwners,
  updateContactStages,
} from './crm/contacts-bulk.js';
import { contactDeals, getContact } from './crm/contacts-view.js';
import { createDeal, getDeal, listDeals, updateDeal } from './crm/deals.js';
import { listAccountStages, listContactStages, listDealStages } from './crm/stages.js';
import { addContacts, searchSequences } from './crm/sequences.js';
import { activityFeed, removeContacts } from './crm/sequence-contacts.js';
import {
  abortSequence,
  approveSequence,
  archiveSequence,
  createSequence,
  updateSequence,
} from './crm/sequence-edit.js';
import { createEmail, emailActivities, emailContent, sendNow, sendStatus } from './crm/emails.js';
import { listEmailAccounts, listSchedules, searchEmails } from './crm/outreach-search.js';
import { createTask, searchTasks } from './crm/tasks.js';
import {
  bulkCreateTasks,
  completeTask,
  getTask,
  skipTask,
  updateTask,
} from './crm/tasks-manage.js';
import {
  addToLabels,
  createLabel,
  listLabels,
  removeFromLabels,
  updateLabel,
} from './crm/labels.js';
import { createField, listFields, listTypedFields, updateField } from './crm/fields.js';
import { listNotes } from './crm/notes.js';
import { createCall, searchCalls, updateCall } from './crm/calls.js';
import {
  exportConversations,
  exportStatus,
  getConversation,
  searchConversations,
} from './crm/conversations.js';
import { listUsers, profileOf } from './crm/users.js';
import { organizationsEnrich, organizationsSearch, peopleSearch } from './database.js';
import { bulkMatch, matchPerson, type EnrichContext } from './enrich.js';
import { newsSearch } from './news.js';
import {
  organizationsBulkEnrich,
  organizationsGet,
  organizationsJobPostings,
} from './org-records.js';
import { peopleGet, peopleSearchLegacy } from './people-records.js';
import { syncReport } from './reports.js';
import { unprocessable, type WorldResult } from './result.js';

/**
 * Answers one action. `input` has ALREADY been parsed by the action's input schema (path
 * parameters included), so each handler reads the shape its schema guarantees.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler's input is its schema's output
export type Handler = (ctx: EnrichContext, input: any, userId: string) => WorldResult;

export const handlers = {
  'people.search': (ctx, i) => peopleSearch(ctx, i),
  'people.match': (ctx, i) => matchPerson(ctx, i),
  'people.bulk_match': (ctx, i) => bulkMatch(ctx, i),
  'organizations.search': (ctx, i) => organizationsSearch(ctx, i),
  'organizations.enrich': (ctx, i) => organizationsEnrich(ctx, i),
  'people.get': (ctx, i) => peopleGet(ctx, i),
  'people.search_legacy': (ctx, i) => peopleSearchLegacy(ctx, i),
  'organizations.get': (ctx, i) => organizationsGet(ctx, i),
  'organizations.job_postings': (ctx, i) => organizationsJobPostings(ctx, i),
  'organizations.bulk_enrich': (ctx, i) => organizationsBulkEnrich(ctx, i),
  'news.search': (ctx, i) => newsSearch(ctx, i),
  'contacts.search': (ctx, i) => searchContacts(ctx, i),
  'contacts.create': (ctx, i, userId) => createContact(ctx, i, userId),
  'contacts.update': (ctx, i, userId) => updateContact(ctx, i, userId),
  'contacts.get': (ctx, i) => getContact(ctx, i),
  'contacts.deals': (ctx, i) => contactDeals(ctx, i),
  'contacts.bulk_create': (ctx, i, userId) => bulkCreateContacts(ctx, i, userId),
  'contacts.bulk_update': (ctx, i) => bulkUpdateContacts(ctx, i),
  'contacts.update_stages': (ctx, i) => updateContactStages(ctx, i),
  'contacts.update_owners': (ctx, i) => updateContactOwners(ctx, i),
  'contacts.stages': (ctx) => listContactStages(ctx),
  'accounts.search': (ctx, i) => searchAccounts(ctx, i),
  'accounts.create': (ctx, i, userId) => createAccount(ctx, i, userId),
  'accounts.update': (ctx, i) => updateAccount(ctx, i),
  'accounts.get': (ctx, i) => getAccount(ctx, i),
  'accounts.bulk_create': (ctx, i, userId) => bulkCreateAccounts(ctx, i, userId),
  'accounts.bulk_update': (ctx, i) => bulkUpdateAccounts(ctx, i),
  'accounts.update_owners': (ctx, i) => updateAccountOwners(ctx, i),
  'accounts.stages': (ctx) => listAccountStages(ctx),
  'sequences.search': (ctx, i) => searchSequences(ctx, i),
  'sequences.add_contacts': (ctx, i, userId) => addContacts(ctx, i, userId),
  'sequences.create': (ctx, i, userId) => createSequence(ctx, i, userId),
  'sequences.update': (ctx, i, userId) => updateSequence(ctx, i, userId),
  'sequences.approve': (ctx, i) => approveSequence(ctx, i),
  'sequences.abort': (ctx, i) => abortSequence(ctx, i),
  'sequences.archive': (ctx, i) => archiveSequence(ctx, i),
  'sequences.remove_contacts': (ctx, i, userId) => removeContacts(ctx, i, userId),
  'sequences.activity_feed': (ctx, i) => activityFeed(ctx, i),
  'emails.create': (ctx, i, userId) => createEmail(ctx, i, userId),
  'emails.send_now': (ctx, i, userId) => sendNow(ctx, i, userId),
  'emails.send_status': (ctx, i) => sendStatus(ctx, i),
  'emails.search': (ctx, i) => searchEmails(ctx, i),
  'emails.content': (ctx, i) => emailContent(ctx, i),
  'emails.activities': (ctx, i) => emailActivities(ctx, i),
  'emails.accounts': (ctx) => listEmailAccounts(ctx),
  'emails.schedules': (ctx) => listSchedules(ctx),
  'tasks.search': (ctx, i) => searchTasks(ctx, i),
  'tasks.create': (ctx, i, userId) => createTask(ctx, i, userId),
  'tasks.get': (ctx, i) => getTask(ctx, i),
  'tasks.update': (ctx, i, userId) => updateTask(ctx, i, userId),
  'tasks.complete': (ctx, i) => completeTask(ctx, i),
  'tasks.skip': (ctx, i) => skipTask(ctx, i),
  'tasks.bulk_create': (ctx, i, userId) => bulkCreateTasks(ctx, i, userId),
  'labels.list': (ctx) => listLabels(ctx),
  'labels.create': (ctx, i, userId) => createLabel(ctx, i, userId),
  'labels.update': (ctx, i) => updateLabel(ctx, i),
  'labels.add_records': (ctx, i, userId) => addToLabels(ctx, i, userId),
  'labels.remove_records': (ctx, i, userId) => removeFromLabels(ctx, i, userId),
  'fields.list': (ctx, i) => listFields(ctx, i),
  'fields.create': (ctx, i) => createField(ctx, i),
  'fields.update': (ctx, i) => updateField(ctx, i),
  'fields.list_typed': (ctx) => listTypedFields(ctx),
  'notes.list': (ctx, i) => listNotes(ctx, i),
  'calls.create': (ctx, i, userId) => createCall(ctx, i, userId),
  'calls.search': (ctx, i) => searchCalls(ctx, i),
  'calls.update': (ctx, i) => updateCall(ctx, i),
  'conversations.search': (ctx, i, userId) => searchConversations(ctx, i, userId),
  'conversations.get': (ctx, i, userId) => getConversation(ctx, i, userId),
  'conversations.export': (ctx, i, userId) => exportConversations(ctx, i, userId),
  'conversations.export_status': (ctx, i) => exportStatus(ctx, i),
  'deals.list': (ctx, i) => listDeals(ctx, i),
  'deals.create': (ctx, i, userId) => createDeal(ctx, i, userId),
  'deals.update': (ctx, i) => updateDeal(ctx, i),
  'deals.get': (ctx, i) => getDeal(ctx, i),
  'deals.stages': (ctx) => listDealStages(ctx),
  'deals.list_legacy': (ctx, i) => listDeals(ctx, i),
  'users.list': (ctx, i) => listUsers(ctx.crm, i),
  // Answered by the sandbox server, which holds the rate-limit counters.
  'usage.stats': () =>
    unprocessable(
      'usage.stats is answered by the sandbox server, which holds the rate-limit counters',
    ),
  // The user the credential acts as; the server adds the credit fields from its ledger.
  'users.profile': (ctx, _i, userId) => profileOf(ctx, userId),
  'usage.credits': () =>
    unprocessable('usage.credits is answered by the sandbox server, which holds the credit ledger'),
  'reports.sync': (ctx, i, userId) => syncReport(ctx, i, userId),
} satisfies Record<ActionId, Handler>;
