// The team's outreach: emailer messages (one-off emails and the emails sequences send), sending
// schedules, and each contact's sequence timeline. Kept beside the CRM records (Crm.outreach) and
// rendered as Apollo's JSON by outreach-json.ts.

/** One recipient of an email. */
export interface RecipientRecord {
  email: string;
  name: string | null;
  type: 'to' | 'cc' | 'bcc';
  contactId: string | null;
}

/** An emailer message. `status` moves drafted → scheduled → completed, or to failed. */
export interface MessageRecord {
  id: string;
  /** The user it is sent as. */
  userId: string;
  contactId: string | null;
  accountId: string | null;
  /** The sending mailbox (email account); null when the user has none. */
  mailboxId: string | null;
  type: 'outreach_manual_email' | 'outreach_automatic_email';
  status: 'drafted' | 'scheduled' | 'completed' | 'failed';
  sequenceId: string | null;
  stepId: string | null;
  touchId: string | null;
  templateId: string | null;
  subject: string;
  bodyHtml: string;
  recipients: RecipientRecord[];
  attachmentIds: string[];
  enableTracking: boolean;
  createdAt: number;
  dueAt: number | null;
  completedAt: number | null;
  failedAt: number | null;
  failureReason: string | null;
  notSentReason: string | null;
  dueAtSource: string | null;
  dueAtManuallyChanged: boolean | null;
  /** True once send_now queued it: Apollo delivers it asynchronously. */
  asyncSending: boolean | null;
  bounce: boolean | null;
  spamBlocked: boolean | null;
  replied: boolean | null;
  replyClass: string | null;
  demoed: boolean | null;
  unsubscribed: boolean;
  opens: number;
  clicks: number;
  inResponseToId: string | null;
  outreachTaskId: string | null;
  providerMessageId: string | null;
  providerThreadId: string | null;
}

/** A sending schedule: 24-hour [start, end] windows per weekday, in a time zone. */
export interface ScheduleRecord {
  id: string;
  name: string;
  isDefault: boolean;
  timeZone: string;
  windows: Partial<Record<Weekday, Array<[number, number]>>>;
  createdAt: number;
  useContactsTimeZone: boolean;
  skipHolidays: boolean;
}

export type Weekday =
  'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

/** One entry of a contact's sequence timeline (activity_feed). */
export interface SequenceEventRecord {
  contactId: string;
  sequenceId: string;
  type: 'enrolled' | 'paused' | 'resumed' | 'failed' | 'completed' | 'removed' | 'replied';
  at: number;
  stepPosition?: number;
  reason?: string;
  messageId?: string;
}

/** The outreach part of a team's CRM. */
export interface OutreachState {
  /** Messages in creation order. */
  readonly messages: Map<string, MessageRecord>;
  readonly schedules: Map<string, ScheduleRecord>;
  /** Timeline entries in the order they happened. */
  readonly events: SequenceEventRecord[];
  /**
   * Lists that sequences are filed in (label_names on create and update), by id. Kept apart from
   * the contact and account lists: the sandbox does not show them in labels.list.
   */
  readonly sequenceLabels: Map<string, { id: string; name: string }>;
}

/** An empty outreach state, filled by seedOutreach. */
export function emptyOutreach(): OutreachState {
  return { messages: new Map(), schedules: new Map(), events: [], sequenceLabels: new Map() };
}
