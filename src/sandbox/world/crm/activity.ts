// The team's custom fields and activity records: notes, phone calls and recorded conversations
// (with their exports). Seeded after the rest of the CRM from their own random stream, so adding
// them leaves every other seeded record as it was.

export interface PicklistOption {
  id: string;
  name: string;
  mappedCrmId: string | null;
}

export interface CustomFieldRecord {
  /** The bare id records use as their `typed_custom_fields` key. */
  id: string;
  modality: 'contact' | 'account' | 'opportunity';
  label: string;
  type: 'string' | 'textarea' | 'number' | 'date' | 'datetime' | 'boolean' | 'picklist';
  maxLength: number | null;
  picklist: PicklistOption[];
  fieldGroupId: string | null;
  autorunDownstreamEnrichment: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface NoteRecord {
  id: string;
  userId: string;
  content: string;
  contactIds: string[];
  accountIds: string[];
  opportunityIds: string[];
  conversationIds: string[];
  calendarEventIds: string[];
  pinned: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface PhoneCallRecord {
  id: string;
  userId: string;
  contactId: string | null;
  accountId: string | null;
  opportunityId: string | null;
  purposeId: string | null;
  outcomeId: string | null;
  inbound: boolean;
  fromNumber: string | null;
  toNumber: string | null;
  startTime: number;
  endTime: number;
  /** Seconds. */
  duration: number;
  status: string;
  logged: boolean;
  note: string | null;
  recordingSid: string | null;
  callSid: string | null;
  callIdentifier: string | null;
  conversationId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface TranscriptLine {
  speaker: { id: string; name: string };
  startMs: number;
  endMs: number;
  sentence: string;
}

export interface CallSummary {
  outcome: string;
  pricingDiscussion: string | null;
  nextSteps: string[];
  painPoints: string[];
  objections: string[];
}

export interface ConversationRecord {
  id: string;
  topic: string;
  type: 'video_conference' | 'phone_call';
  startTime: number;
  /** Seconds. */
  duration: number;
  hostId: string;
  isPrivate: boolean;
  contactIds: string[];
  accountIds: string[];
  opportunityIds: string[];
  tagIds: string[];
  trackerIds: string[];
  /** Apollo's AI insights; a conversation that has them costs a credit to view or export. */
  insights: CallSummary | null;
  transcript: TranscriptLine[];
  commentCount: number;
  shareId: string;
}

export interface ConversationExportRecord {
  id: string;
  userId: string;
  /** The teammate e-mailed when the file is ready. */
  emailedUserId: string;
  startTime: number;
  endTime: number;
  conversationIds: string[];
  createdAt: number;
}

/** A named team setting (call purpose or outcome, conversation tag or tracker). */
export interface NamedRecord {
  id: string;
  name: string;
}

/** Everything this file holds, one map per kind. */
export interface ActivityState {
  readonly customFields: Map<string, CustomFieldRecord>;
  readonly notes: Map<string, NoteRecord>;
  readonly callPurposes: NamedRecord[];
  readonly callOutcomes: NamedRecord[];
  readonly phoneCalls: Map<string, PhoneCallRecord>;
  readonly conversationTags: NamedRecord[];
  readonly trackers: NamedRecord[];
  readonly conversations: Map<string, ConversationRecord>;
  readonly exports: Map<string, ConversationExportRecord>;
}

/** An empty state, filled by seedActivity once the rest of the CRM exists. */
export function createActivityState(): ActivityState {
  return {
    customFields: new Map(),
    notes: new Map(),
    callPurposes: [],
    callOutcomes: [],
    phoneCalls: new Map(),
    conversationTags: [],
    trackers: [],
    conversations: new Map(),
    exports: new Map(),
  };
}

/** True when the conversation's answer carries AI insights. */
export function hasInsights(c: ConversationRecord): boolean {
  return c.insights !== null;
}
