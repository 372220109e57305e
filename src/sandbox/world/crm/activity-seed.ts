// Seeds custom fields, notes, phone calls and recorded conversations: 5 custom fields, 4 call
// purposes, 5 outcomes, 40 calls, 24 conversations (about 60% with AI insights) and 60 notes, all
// on seeded contacts, accounts and deals. Its random stream is its own and it runs last, so the
// records seeded before it keep their values and ids.

import { DAY_MS } from '../format.js';
import { hash, salt, stream } from '../hash.js';
import type {
  CallSummary,
  ConversationRecord,
  CustomFieldRecord,
  NamedRecord,
  TranscriptLine,
} from './activity.js';
import type { IdGen } from './ids.js';
import type { ContactRecord, Crm } from './state.js';

/** Offset of this file's stream from the CRM's own (any value other than 0 keeps them apart). */
const STREAM = 1;

const purposeNames = ['Prospecting', 'Follow-up', 'Demo', 'Support'];
const outcomeNames = [
  'Left Voicemail',
  'Connected - Positive',
  'Connected - Negative',
  'No Answer',
  'Wrong Number',
];
const tagNames = ['Discovery', 'Demo', 'Pricing', 'Renewal'];
const trackerNames = ['Competitor mention', 'Budget', 'Next steps', 'Security review'];
const callNotes = [
  'Asked for pricing for 20 seats.',
  'Gatekeeper; call back after 3pm.',
  'Interested in the API; send the docs.',
  'Not the right person, referred to the VP of Sales.',
];
const noteTexts = [
  'Met at the conference booth; wants a follow-up in two weeks.',
  'Prefers email over calls.',
  'Budget is approved for next quarter.',
  'Champion for the rollout; loop in procurement early.',
  'Evaluating two competitors; decision by end of month.',
  'Asked about SOC 2 and data residency.',
];
const topics = [
  'Discovery call',
  'Product demo',
  'Pricing review',
  'Quarterly business review',
  'Security questionnaire walkthrough',
  'Renewal discussion',
];
const lines = [
  'Thanks for making the time today.',
  'Could you walk me through how your team prospects now?',
  'We mostly work from spreadsheets and it does not scale.',
  'Pricing depends on seats; I can send a proposal.',
  'Security will want to review the data processing terms.',
  'Let us book a follow-up for next week.',
];

/** Fills crm.activity. */
export function seedActivity(crm: Crm, s: number, ids: IdGen, t0: number): void {
  const rnd = stream(hash(s, salt.crmSeed, STREAM));
  const u = () => rnd() / 4294967296;
  const pickOf = <T>(list: readonly T[]): T => list[Math.floor(u() * list.length)]!;
  const daysAgo = (min: number, max: number) =>
    t0 - (min + Math.floor(u() * (max - min))) * DAY_MS - Math.floor(u() * DAY_MS);
  const a = crm.activity;
  const users = [...crm.users.values()];
  const contacts = [...crm.contacts.values()];
  const deals = [...crm.deals.values()];
  const name = (c: ContactRecord) => [c.firstName, c.lastName].filter(Boolean).join(' ');
  const named = (names: string[], into: NamedRecord[]) => {
    for (const n of names) into.push({ id: ids.next(crm.team.createdAt), name: n });
  };

  // Custom fields.
  const field = (
    modality: CustomFieldRecord['modality'],
    label: string,
    type: CustomFieldRecord['type'],
    options: string[] = [],
  ) => {
    const createdAt = daysAgo(100, 600);
    const id = ids.next(createdAt);
    a.customFields.set(id, {
      id,
      modality,
      label,
      type,
      maxLength: type === 'string' ? 255 : type === 'textarea' ? 5000 : null,
      picklist: options.map((o) => ({ id: ids.next(createdAt), name: o, mappedCrmId: null })),
      fieldGroupId: null,
      autorunDownstreamEnrichment: false,
      createdAt,
      updatedAt: createdAt,
    });
  };
  field('contact', 'Lead Source Detail', 'string');
  field('contact', 'Renewal Date', 'date');
  field('account', 'Tier', 'picklist', ['Gold', 'Silver', 'Bronze']);
  field('account', 'ARR', 'number');
  field('opportunity', 'Competitor', 'string');

  named(purposeNames, a.callPurposes);
  named(outcomeNames, a.callOutcomes);
  named(tagNames, a.conversationTags);
  named(trackerNames, a.trackers);

  // Phone calls: most to contacts with a phone, a few inbound.
  const withPhone = contacts.filter((c) => c.phones.length > 0);
  for (let k = 0; k < 40; k++) {
    const c = pickOf(withPhone.length ? withPhone : contacts);
    const start = daysAgo(0, 60);
    const answered = u() < 0.55;
    const duration = answered ? 30 + Math.floor(u() * 900) : Math.floor(u() * 25);
    const inbound = u() < 0.15;
    const contactNumber = c.phones[0]?.sanitized ?? null;
    const userNumber = `+1415555${String(1000 + Math.floor(u() * 9000))}`;
    const id = ids.next(start);
    const outcome = answered
      ? pickOf(a.callOutcomes.slice(1, 3))
      : pickOf([a.callOutcomes[0]!, a.callOutcomes[3]!]);
    a.phoneCalls.set(id, {
      id,
      userId: c.ownerId ?? users[0]!.id,
      contactId: c.id,
      accountId: c.accountId,
      opportunityId: null,
      purposeId: u() < 0.7 ? pickOf(a.callPurposes).id : null,
      outcomeId: u() < 0.8 ? outcome.id : null,
      inbound,
      fromNumber: inbound ? contactNumber : userNumber,
      toNumber: inbound ? userNumber : contactNumber,
      startTime: start,
      endTime: start + duration * 1000,
      duration,
      status: answered ? 'completed' : 'no-answer',
      logged: false,
      note: u() < 0.4 ? pickOf(callNotes) : null,
      recordingSid: answered ? `RE${ids.next(start)}${ids.next(start).slice(0, 8)}` : null,
      callSid: `CA${ids.next(start)}${ids.next(start).slice(0, 8)}`,
      callIdentifier: null,
      conversationId: null,
      createdAt: start,
      updatedAt: start,
    });
  }

  // Recorded conversations, on contacts that belong to an account.
  const onAccounts = contacts.filter((c) => c.accountId);
  for (let k = 0; k < 24; k++) {
    const c = pickOf(onAccounts);
    const accountId = c.accountId!;
    const colleagues = onAccounts.filter((x) => x.accountId === accountId && x.id !== c.id);
    const people = u() < 0.4 && colleagues.length ? [c, pickOf(colleagues)] : [c];
    const host = users.find((x) => x.id === c.ownerId) ?? pickOf(users);
    const start = daysAgo(0, 90);
    const type = u() < 0.7 ? 'video_conference' : 'phone_call';
    const duration = 600 + Math.floor(u() * 2700);
    const id = ids.next(start);
    const speakers = [
      { id: host.id, name: `${host.firstName} ${host.lastName}` },
      ...people.map((p) => ({ id: p.id, name: name(p) })),
    ];
    const transcript: TranscriptLine[] = lines.map((sentence, i) => ({
      speaker: speakers[i % speakers.length]!,
      startMs: i * 15_000,
      endMs: i * 15_000 + 12_000,
      sentence,
    }));
    const insights: CallSummary | null =
      u() < 0.6
        ? {
            outcome: pickOf(['Positive', 'Neutral', 'Needs follow-up']),
            pricingDiscussion: u() < 0.5 ? 'Discussed seat-based pricing for the team.' : null,
            nextSteps: ['Send the proposal', 'Book a security review'],
            painPoints: ['Manual prospecting does not scale'],
            objections: u() < 0.5 ? ['Security review needed before purchase'] : [],
          }
        : null;
    const record: ConversationRecord = {
      id,
      topic: `${pickOf(topics)} - ${c.organizationName ?? 'prospect'}`,
      type,
      startTime: start,
      duration,
      hostId: host.id,
      isPrivate: u() < 0.1,
      contactIds: people.map((p) => p.id),
      accountIds: [accountId],
      opportunityIds: deals.filter((d) => d.accountId === accountId).map((d) => d.id),
      tagIds: u() < 0.7 ? [pickOf(a.conversationTags).id] : [],
      trackerIds: a.trackers.filter(() => u() < 0.3).map((t) => t.id),
      insights,
      transcript,
      commentCount: Math.floor(u() * 4),
      shareId: ids.next(start).slice(-12),
    };
    a.conversations.set(id, record);
  }

  // Notes: on contacts (and their accounts), on accounts, on deals and on conversations.
  const conversations = [...a.conversations.values()];
  const accounts = [...crm.accounts.values()];
  for (let k = 0; k < 60; k++) {
    const createdAt = daysAgo(0, 200);
    const id = ids.next(createdAt);
    const roll = u();
    const note = {
      id,
      userId: pickOf(users).id,
      content: pickOf(noteTexts),
      contactIds: [] as string[],
      accountIds: [] as string[],
      opportunityIds: [] as string[],
      conversationIds: [] as string[],
      calendarEventIds: [] as string[],
      pinned: u() < 0.1,
      createdAt,
      updatedAt: createdAt + (u() < 0.3 ? Math.floor(u() * 10) * DAY_MS : 0),
    };
    if (roll < 0.6) {
      const c = pickOf(contacts);
      note.contactIds.push(c.id);
      if (c.accountId) note.accountIds.push(c.accountId);
    } else if (roll < 0.75) {
      note.accountIds.push(pickOf(accounts).id);
    } else if (roll < 0.88 && deals.length) {
      const d = pickOf(deals);
      note.opportunityIds.push(d.id);
      if (d.accountId) note.accountIds.push(d.accountId);
    } else {
      const conv = pickOf(conversations);
      note.conversationIds.push(conv.id);
      note.contactIds.push(...conv.contactIds);
      note.accountIds.push(...conv.accountIds);
      note.content = `Meeting notes: ${conv.topic}. ${note.content}`;
      note.createdAt = Math.max(note.createdAt, conv.startTime);
      note.updatedAt = Math.max(note.updatedAt, note.createdAt);
    }
    if (note.updatedAt > t0) note.updatedAt = t0;
    a.notes.set(id, note);
  }
}
