// The team's CRM: typed records, mutable for the life of the world. Apollo's JSON is derived from
// these records by json.ts, so the state holds only what has meaning.

import type { OrgIndex } from '../orgs.js';
import type { ActivityState } from './activity.js';
import type { IdGen } from './ids.js';
import type { OutreachState } from './outreach-state.js';

export interface UserRecord {
  id: string;
  firstName: string;
  lastName: string;
  title: string;
  email: string;
  admin: boolean;
  createdAt: number;
}

export interface MailboxRecord {
  id: string;
  userId: string;
  email: string;
  provider: 'gmail' | 'outlook';
  isDefault: boolean;
  createdAt: number;
}

export interface LabelRecord {
  id: string;
  modality: 'contacts' | 'accounts';
  name: string;
  userId: string;
  createdAt: number;
  updatedAt: number;
  /** Account lists only; null (or absent) when never set. */
  bookOfBusiness?: boolean | null;
}

export interface StageRecord {
  id: string;
  name: string;
  order: number;
  /** Opportunity stages only. */
  probability?: number;
  isWon?: boolean;
  isClosed?: boolean;
}

export interface PhoneRecord {
  raw: string;
  sanitized: string | null;
  type: string | null;
}

export interface CampaignStatusRecord {
  id: string;
  sequenceId: string;
  status: 'active' | 'paused' | 'finished' | 'failed';
  sendFromUserId: string;
  mailboxId: string;
  sendFromAddress: string;
  addedAt: number;
  addedBy: string;
  finishedAt: number | null;
  pausedAt: number | null;
  autoUnpauseAt: string | null;
  currentStepId: string | null;
  currentStepPosition: number;
  failureReason: string | null;
  /** Why the enrollment is not active ("Sequence inactive", "manually finished"); derived when absent. */
  inactiveReason?: string | null;
}

export interface ContactRecord {
  id: string;
  firstName: string | null;
  lastName: string | null;
  title: string | null;
  organizationName: string | null;
  organizationId: string | null;
  accountId: string | null;
  email: string | null;
  emailStatus: string | null;
  /** Additional emails (Apollo's contact_emails beyond the primary). */
  otherEmails: string[];
  websiteUrl: string | null;
  linkedinUrl: string | null;
  ownerId: string | null;
  creatorId: string | null;
  /** Write-once link to a database person. */
  personId: string | null;
  stageId: string;
  labelIds: string[];
  phones: PhoneRecord[];
  presentRawAddress: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  timeZone: string | null;
  source: 'api' | 'crm' | 'csv_import';
  typedCustomFields: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  lastActivityAt: number | null;
  emailLastOpenedAt: number | null;
  emailLastClickedAt: number | null;
  campaigns: CampaignStatusRecord[];
  /** Apollo detected a job change (blocks sequencing unless sequence_job_change). */
  jobChange: boolean;
  /** CRM cross-references and profile links that only bulk creates set. */
  extras?: Partial<Record<ContactExtraField, string>>;
}

/** Contact fields Apollo answers as given (CRM ids, social links), keyed by Apollo's name. */
export type ContactExtraField =
  | 'salesforce_id'
  | 'salesforce_lead_id'
  | 'salesforce_contact_id'
  | 'salesforce_account_id'
  | 'hubspot_vid'
  | 'outreach_id'
  | 'salesloft_id'
  | 'twitter_url'
  | 'facebook_url'
  | 'photo_url';

/** Account fields Apollo answers as given (CRM ids, hierarchy, social links). */
export type AccountExtraField =
  | 'salesforce_id'
  | 'hubspot_id'
  | 'parent_account_id'
  | 'facebook_url'
  | 'twitter_url'
  | 'phone_status_cd';

export interface AccountRecord {
  id: string;
  name: string;
  domain: string | null;
  organizationId: string | null;
  stageId: string;
  ownerId: string | null;
  creatorId: string | null;
  phone: string | null;
  sanitizedPhone: string | null;
  rawAddress: string | null;
  linkedinUrl: string | null;
  labelIds: string[];
  typedCustomFields: Record<string, string>;
  source: 'api' | 'crm' | 'csv_import';
  createdAt: number;
  updatedAt: number;
  lastActivityAt: number | null;
  /** CRM cross-references and links that only bulk creates set. */
  extras?: Partial<Record<AccountExtraField, string>>;
  /** CRM ids of records merged into this account (bulk create). */
  mergedCrmIds?: string[];
}

export interface TouchRecord {
  id: string;
  templateId: string;
  /** `reply` in older answers, `reply_to_thread` in the create and update bodies. */
  type: 'new_thread' | 'reply' | 'reply_to_thread';
  /** Only approved touches send. */
  status: 'approved' | 'pending' | 'draft' | 'to_be_reviewed';
  subject: string;
  /** The template's HTML body (seeded templates get one too). */
  bodyHtml?: string;
  includeSignature?: boolean;
  attachmentIds?: string[];
}

export interface StepRecord {
  id: string;
  position: number;
  type:
    | 'auto_email'
    | 'call'
    | 'action_item'
    | 'manual_email'
    | 'linkedin_step_connect'
    | 'linkedin_step_message'
    | 'linkedin_step_view_profile'
    | 'linkedin_step_interact_post';
  waitTime: number;
  waitMode: 'minute' | 'hour' | 'day' | 'week';
  /** Null on auto_email steps created through the API. */
  priority: 'high' | 'medium' | 'low' | null;
  note: string | null;
  touches: TouchRecord[];
  exactDatetime?: string | null;
  maxEmailsPerDay?: number | null;
  autoSkipInXDays?: number | null;
}

export interface SequenceRecord {
  id: string;
  name: string;
  archived: boolean;
  active: boolean;
  userId: string;
  scheduleId: string;
  labelIds: string[];
  steps: StepRecord[];
  createdAt: number;
  lastUsedAt: number | null;
  /** Engagement counts (unique_*): seeded, then counted up as the sandbox schedules and sends. */
  history: Record<string, number>;
  updatedAt?: number;
  /** Settings given on create or update (max_emails_per_day, mark_finished_if_reply…), by Apollo's name. */
  settings?: Record<string, unknown>;
  /** Sharing as set on create (restricted) or update; absent on seeded sequences (shared with everyone). */
  sharing?: SequenceSharing;
}

/** Who may see and change a sequence. */
export interface SequenceSharing {
  visibility: 'restricted' | 'everyone';
  accessType: 'can_view' | 'can_edit' | 'full_access' | null;
  accesses: Array<{
    id: string;
    userOrTeamId: string;
    userOrTeamType: 'user' | 'team' | 'subteam';
    accessType: 'can_view' | 'can_edit' | 'full_access';
    sharedBy: string;
  }>;
}

export interface TaskRecord {
  id: string;
  userId: string;
  creatorId: string;
  contactId: string;
  accountId: string | null;
  type: string;
  priority: string;
  status: string;
  dueAt: number;
  title: string;
  note: string | null;
  createdAt: number;
  completedAt: number | null;
  skippedAt: number | null;
  sequenceId: string | null;
  createdFrom: 'api' | 'zp_ui';
  /** The deal the task belongs to (absent on seeded tasks). */
  opportunityId?: string | null;
  /** Set by task updates only. */
  callScript?: string | null;
  relevantFields?: string[] | null;
}

export interface DealRecord {
  id: string;
  name: string;
  ownerId: string;
  createdById: string;
  accountId: string | null;
  amount: number | null;
  stageId: string;
  closedDate: string | null;
  isClosed: boolean;
  isWon: boolean;
  source: string;
  description: string | null;
  currency: string;
  typedCustomFields: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  stageUpdatedAt: number;
  lastActivityAt: number | null;
  freshlyCreated: boolean;
  /** The contacts on the deal and their roles (Apollo: opportunity_contact_roles). */
  contactRoles?: DealContactRole[];
}

/** A contact's part in a deal. */
export interface DealContactRole {
  id: string;
  contactId: string;
  role: string;
  isPrimary: boolean;
  createdAt: number;
}

/** The whole CRM of one team. Maps keep insertion (creation) order. */
export interface Crm {
  readonly team: { id: string; name: string; domain: string; createdAt: number };
  readonly users: Map<string, UserRecord>;
  readonly mailboxes: Map<string, MailboxRecord>;
  readonly labels: Map<string, LabelRecord>;
  readonly contactStages: StageRecord[];
  readonly accountStages: StageRecord[];
  readonly opportunityStages: StageRecord[];
  readonly pipelineId: string;
  readonly contacts: Map<string, ContactRecord>;
  readonly accounts: Map<string, AccountRecord>;
  readonly sequences: Map<string, SequenceRecord>;
  readonly tasks: Map<string, TaskRecord>;
  readonly deals: Map<string, DealRecord>;
  /** Database person id → the first contact saved for that person. */
  readonly contactByPerson: Map<string, string>;
  /** Database organization id → the first account saved for that organization. */
  readonly accountByOrg: Map<string, string>;
  /** Custom fields, notes, phone calls and recorded conversations (activity.ts). */
  readonly activity: ActivityState;
  /** Emailer messages, sending schedules and sequence timelines (outreach-state.ts). */
  readonly outreach: OutreachState;
}

/** What CRM actions need besides the CRM itself. */
export interface CrmContext {
  readonly crm: Crm;
  readonly index: OrgIndex;
  readonly ids: IdGen;
  readonly now: () => number;
}

/** Records a contact's links to the database person and organization. */
export function indexContact(crm: Crm, c: ContactRecord): void {
  if (c.personId && !crm.contactByPerson.has(c.personId)) crm.contactByPerson.set(c.personId, c.id);
}

/** Records an account's link to a database organization. */
export function indexAccount(crm: Crm, a: AccountRecord): void {
  if (a.organizationId && !crm.accountByOrg.has(a.organizationId))
    crm.accountByOrg.set(a.organizationId, a.id);
}
