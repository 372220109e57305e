// conversations.search, conversations.get, conversations.export and conversations.export_status
//. Search answers summaries for free; a conversation in full, and each
// conversation an export covers, costs a credit when it has AI insights. A private conversation
// is visible only to its host and to admins.

import { createHash } from 'node:crypto';

import { iso } from '../format.js';
import { success, unprocessable, type WorldResult } from '../result.js';
import { hasInsights, type ConversationRecord } from './activity.js';
import { paginate, sortBy } from './paging.js';
import type { CrmContext } from './state.js';

type Json = Record<string, unknown>;

const notFound: WorldResult = {
  ok: false,
  status: 404,
  body: { error: 'Conversation not found or access denied.' },
};

function canAccess(ctx: CrmContext, c: ConversationRecord, userId: string): boolean {
  return !c.isPrivate || c.hostId === userId || ctx.crm.users.get(userId)?.admin === true;
}

function hostName(ctx: CrmContext, c: ConversationRecord): string | null {
  const u = ctx.crm.users.get(c.hostId);
  return u ? `${u.firstName} ${u.lastName}` : null;
}

function people(ctx: CrmContext, c: ConversationRecord) {
  return c.contactIds
    .map((id) => ctx.crm.contacts.get(id))
    .filter((x): x is NonNullable<typeof x> => x !== undefined);
}

function tagNames(ctx: CrmContext, c: ConversationRecord): Json {
  const tags = ctx.crm.activity.conversationTags;
  return Object.fromEntries(c.tagIds.map((id) => [id, tags.find((t) => t.id === id)?.name ?? id]));
}

function dealsOf(ctx: CrmContext, c: ConversationRecord) {
  return c.opportunityIds
    .map((id) => ctx.crm.deals.get(id))
    .filter((x): x is NonNullable<typeof x> => x !== undefined);
}

const fullName = (p: { firstName: string | null; lastName: string | null }) =>
  [p.firstName, p.lastName].filter(Boolean).join(' ');

function summaryJson(ctx: CrmContext, c: ConversationRecord, userId: string): Json {
  const accounts = c.accountIds.map((id) => ctx.crm.accounts.get(id));
  const first = accounts[0];
  return {
    id: c.id,
    topic: c.topic,
    start_time: iso(c.startTime),
    duration: c.duration,
    state: hasInsights(c) ? 'insights_generated' : 'processed',
    host: hostName(ctx, c),
    host_id: c.hostId,
    is_private: c.isPrivate,
    conversation_type: c.type,
    can_access_conversation: canAccess(ctx, c, userId),
    label_id_names: tagNames(ctx, c),
    participant_names: [hostName(ctx, c), ...people(ctx, c).map(fullName)].filter(Boolean),
    participants_info: people(ctx, c).map((p) => ({
      id: p.id,
      name: fullName(p),
      contact_id: p.id,
      is_internal: false,
    })),
    comment_count: c.commentCount,
    account_names: accounts.map((a) => a?.name).filter(Boolean),
    account_ids: [...c.accountIds],
    organization: { domain: first?.domain ?? null, logo_url: null },
    thumbnail_url: null,
    is_internal: false,
    deals: dealsOf(ctx, c).map((d) => ({
      id: d.id,
      account_name: d.accountId ? (ctx.crm.accounts.get(d.accountId)?.name ?? null) : null,
      name: d.name,
      opportunity_stage_id: d.stageId,
    })),
  };
}

export interface ConversationSearchInput {
  page?: number;
  num_fetch_result?: number;
  per_page?: number;
  conversation_type?: string;
  account_id?: string;
  contact_ids?: string[];
  tag_ids?: string[];
  tracker_ids?: string[];
  organization_ids?: string[];
  date_range?: { start?: string; end?: string };
  scorecard_template_id?: string;
  scorecard_max_rating?: number;
  sort_by_field?: string;
  enforce_contact_boundary?: boolean;
}

/**
 * conversations.search. The page size is num_fetch_result (Apollo's reference), else per_page
 * (its CLI), else 25 (our assumption). No conversation is scored, so a scorecard filter matches
 * none. enforce_contact_boundary has no documented effect and is ignored.
 */
export function searchConversations(
  ctx: CrmContext,
  input: ConversationSearchInput,
  userId: string,
): WorldResult {
  const from = input.date_range?.start ? Date.parse(input.date_range.start) : null;
  const to = input.date_range?.end ? Date.parse(input.date_range.end) : null;
  const orgs = input.organization_ids;
  const scored =
    input.scorecard_template_id !== undefined || input.scorecard_max_rating !== undefined;
  let rows = [...ctx.crm.activity.conversations.values()].filter(
    (c) =>
      !scored &&
      (!input.conversation_type || c.type === input.conversation_type) &&
      (!input.account_id || c.accountIds.includes(input.account_id)) &&
      (!input.contact_ids || c.contactIds.some((id) => input.contact_ids!.includes(id))) &&
      (!input.tag_ids || c.tagIds.some((id) => input.tag_ids!.includes(id))) &&
      (!input.tracker_ids || c.trackerIds.some((id) => input.tracker_ids!.includes(id))) &&
      (!orgs ||
        c.accountIds.some((id) => {
          const org = ctx.crm.accounts.get(id)?.organizationId;
          return org !== null && org !== undefined && orgs.includes(org);
        })) &&
      (from === null || c.startTime >= from) &&
      (to === null || c.startTime <= to),
  );
  rows = sortBy(
    rows,
    (c) => (input.sort_by_field === 'duration' ? c.duration : c.startTime),
    false,
  );
  const size = input.num_fetch_result ?? input.per_page ?? 25;
  const { rows: page, pagination } = paginate(rows, input.page, size);
  return success({
    pagination,
    breadcrumbs: {},
    num_fetch_result: size,
    playlist_clip_ids: null,
    conversations: page.map((c) => summaryJson(ctx, c, userId)),
  });
}

function transcriptJson(c: ConversationRecord): Json[] {
  return c.transcript.map((line, i) => {
    const words = line.sentence.split(' ');
    const step = (line.endMs - line.startMs) / words.length;
    return {
      id: `${c.id}-${i}`,
      start_time: line.startMs,
      end_time: line.endMs,
      spoken_sentence: line.sentence,
      words: words.map((w, k) => [
        w,
        Math.round(line.startMs + k * step),
        Math.round(line.startMs + (k + 1) * step),
      ]),
      participant_id: line.speaker.id,
      participant_name: line.speaker.name,
    };
  });
}

function detailJson(ctx: CrmContext, c: ConversationRecord, userId: string, shared: boolean): Json {
  const host = ctx.crm.users.get(c.hostId);
  const base = `https://apollo-conversations.s3.amazonaws.com/${ctx.crm.team.id}/${c.id}`;
  const insights = c.insights;
  return {
    ...summaryJson(ctx, c, userId),
    pushed_to_crm: false,
    opportunity_ids: [...c.opportunityIds],
    is_shared_conversation: shared,
    failure_code: null,
    bot_call_ended_reason: null,
    is_clip: false,
    recording_source: c.type === 'phone_call' ? 'apollo_dialer' : 'zoom',
    video_recording:
      c.type === 'video_conference'
        ? { type_cd: 'mp4', url: `${base}/video.mp4`, state_cd: 'processed' }
        : null,
    audio_recording: { url: `${base}/audio.mp3` },
    transcript: transcriptJson(c),
    participants: {
      internal: host
        ? [{ id: host.id, name: `${host.firstName} ${host.lastName}`, email: host.email }]
        : [],
      external: {
        others: people(ctx, c).map((p) => {
          const account = p.accountId ? ctx.crm.accounts.get(p.accountId) : undefined;
          const stage = ctx.crm.accountStages.find((s) => s.id === account?.stageId);
          return {
            id: p.id,
            name: fullName(p),
            email: p.email,
            contact_id: p.id,
            account_id: p.accountId,
            organization_id: p.organizationId,
            is_organization: false,
            account_name: account?.name ?? null,
            title: p.title,
            account_stage: stage?.name ?? null,
            account_arr: null,
            account_arr_printed: null,
          };
        }),
      },
    },
    opportunities: dealsOf(ctx, c).map((d) => ({
      id: d.id,
      name: d.name,
      amount: d.amount,
      closed_date: d.closedDate,
      created_at: iso(d.createdAt),
      last_sync: null,
      account: d.accountId
        ? { id: d.accountId, name: ctx.crm.accounts.get(d.accountId)?.name ?? null }
        : null,
      crm_record_url: null,
      opportunity_crm_id: null,
      opportunity_stage_id: d.stageId,
      stage_name: ctx.crm.opportunityStages.find((s) => s.id === d.stageId)?.name ?? null,
      owner_id: d.ownerId,
      initial_opportunity_stage_id: d.stageId,
    })),
    playlist_clip_ids: [],
    team_id: ctx.crm.team.id,
    ...(insights
      ? {
          key_topics: {
            tracker_insights: c.trackerIds.map((id) => ({
              tracker_id: id,
              name: ctx.crm.activity.trackers.find((t) => t.id === id)?.name ?? id,
            })),
            question_insights: [],
          },
          call_summary: {
            outcome: insights.outcome,
            pricing_discussion: insights.pricingDiscussion,
            next_steps: [...insights.nextSteps],
            pain_points: [...insights.painPoints],
            objections: [...insights.objections],
          },
          editable_call_summary: null,
        }
      : {}),
  };
}

/** conversations.get: the conversation unwrapped; 1 credit when it has AI insights. */
export function getConversation(
  ctx: CrmContext,
  input: { id: string },
  userId: string,
): WorldResult {
  const [id, shareId] = input.id.split('_', 2) as [string, string | undefined];
  const c = ctx.crm.activity.conversations.get(id);
  if (!c || (shareId !== undefined && shareId !== c.shareId)) return notFound;
  // A valid share link opens a private conversation too.
  if (shareId === undefined && !canAccess(ctx, c, userId)) return notFound;
  return success(detailJson(ctx, c, userId, shareId !== undefined), hasInsights(c) ? 1 : 0);
}

/**
 * conversations.export: every conversation the caller can see that started in the range, in one
 * file; the teammate named by email is told when it is ready. 1 credit per conversation with AI
 * insights. No team user for the email is a 404 (its body is our wording).
 */
export function exportConversations(
  ctx: CrmContext,
  input: { start_time: string; end_time: string; email: string },
  userId: string,
): WorldResult {
  const start = Date.parse(input.start_time);
  const end = Date.parse(input.end_time);
  if (!(start < end)) return unprocessable('start_time must be less than end_time.');
  const email = input.email.toLowerCase();
  const teammate = [...ctx.crm.users.values()].find((u) => u.email.toLowerCase() === email);
  if (!teammate)
    return { ok: false, status: 404, body: { error: 'Unable to find a user with that email.' } };
  const covered = [...ctx.crm.activity.conversations.values()].filter(
    (c) => c.startTime >= start && c.startTime <= end && canAccess(ctx, c, userId),
  );
  if (covered.length === 0)
    return {
      ok: false,
      status: 404,
      body: { error: 'Unable to find conversations within the given time range.' },
    };
  const now = ctx.now();
  const id = ctx.ids.next(now);
  ctx.crm.activity.exports.set(id, {
    id,
    userId,
    emailedUserId: teammate.id,
    startTime: start,
    endTime: end,
    conversationIds: covered.map((c) => c.id),
    createdAt: now,
  });
  return success(
    { export_url: `https://app.apollo.io/api/v1/conversations/export/${id}`, export_id: id },
    covered.filter(hasInsights).length,
  );
}

/**
 * conversations.export_status: the signed download link. The sandbox finishes exports at once;
 * what Apollo answers while one is still being built is undocumented.
 */
export function exportStatus(ctx: CrmContext, input: { id: string }): WorldResult {
  const e = ctx.crm.activity.exports.get(input.id);
  if (!e) return { ok: false, status: 404, body: { error: 'Export not found or access denied.' } };
  const signature = createHash('sha256').update(`${ctx.crm.team.id}:${e.id}`).digest('hex');
  return success({
    redirect_url:
      `https://apollo-conversation-exports.s3.amazonaws.com/${ctx.crm.team.id}/${e.id}.json.gz` +
      `?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&X-Amz-Signature=${signature}`,
  });
}
