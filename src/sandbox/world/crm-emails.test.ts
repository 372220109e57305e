// Pins the sandbox's emails as Apollo documents them: mailboxes (with the provider credentials
// Gatehouse must strip) and schedules; a draft that sends nothing until send_now, which queues it
// and delivers it seconds later; the send status at each stage; the search filters; content of
// sent emails only; the stats view; and the documented refusals (DNC, permissions, limits).
import { describe, expect, it } from 'vitest';

import { getAction } from '../../catalog/index.js';
import { redactFields } from '../../core/redact.js';

import type { World } from './index.js';
import { call, newWorld, T0 } from '../../../test/helpers/sandbox/world-call.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
function world(): { w: World; advance: (ms: number) => void } {
  let t = T0;
  return { w: newWorld(21, () => t), advance: (ms) => (t += ms) };
}

function contacts(w: World): any[] {
  const out: any[] = [];
  for (let page = 1; page <= 3; page++) {
    out.push(...call(w, 'contacts.search', { per_page: 100, page }).json.contacts);
  }
  return out;
}

/** A contact with an email in an ordinary stage (not Do Not Contact). */
function emailable(w: World): any {
  const dnc = stageId(w, 'Do Not Contact');
  return contacts(w).find((c) => c.email && c.contact_stage_id !== dnc);
}

function stageId(w: World, name: string): string {
  return call(w, 'contacts.stages', {}).json.contact_stages.find((s: any) => s.name === name).id;
}

describe('emails.accounts and emails.schedules', () => {
  it('lists every mailbox, the ids enrollments use, with SendGrid credentials on Outlook mailboxes', () => {
    const { w } = world();
    const accounts = call(w, 'emails.accounts', {}).json.email_accounts;
    expect(accounts).toHaveLength(7);
    const ids = new Set(accounts.map((a: any) => a.id));
    const used = contacts(w).flatMap((c) =>
      c.contact_campaign_statuses.map((s: any) => s.send_email_from_email_account_id),
    );
    expect(used.length).toBeGreaterThan(0);
    for (const id of used) expect(ids.has(id)).toBe(true);
    const users = new Set(
      call(w, 'users.list', { per_page: 100 }).json.users.map((u: any) => u.id),
    );
    for (const a of accounts) {
      expect(users.has(a.user_id)).toBe(true);
      expect(a.aliases).toContain(a.email);
      if (a.type === 'outlook') {
        expect(a.sendgrid_api_key_v3).toMatch(/^SG\.[\w-]{22}\.[\w-]{43}$/);
        expect(a.sendgrid_api_user).toMatch(/^apollo_/);
      } else {
        expect(a.sendgrid_api_key_v3).toBeNull();
      }
    }
    expect(accounts.filter((a: any) => a.sendgrid_api_key_v3).length).toBeGreaterThan(0);
    expect(accounts.filter((a: any) => a.default)).toHaveLength(6);
  });

  it('names the credential fields as secret, so removing them leaves no key in the answer', () => {
    const { w } = world();
    const action = getAction('emails.accounts');
    expect([...action.secretFields].sort()).toEqual(['sendgrid_api_key_v3', 'sendgrid_api_user']);
    const body = call(w, 'emails.accounts', {}).json;
    const stripped = redactFields(body, action.secretFields).value;
    expect(JSON.stringify(body)).toMatch(/"SG\./);
    expect(JSON.stringify(stripped)).not.toMatch(/SG\.|apollo_[0-9a-f]{8}_/);
    expect(stripped.email_accounts).toHaveLength(7);
  });

  it('lists four schedules, one default and one empty; every sequence uses a listed one', () => {
    const { w } = world();
    const schedules = call(w, 'emails.schedules', {}).json.emailer_schedules;
    expect(schedules).toHaveLength(4);
    expect(schedules.filter((s: any) => s.default)).toHaveLength(1);
    expect(
      schedules.find((s: any) => s.name === 'Normal Business Hours').schedule_hash.monday,
    ).toEqual([[8, 17]]);
    expect(schedules.find((s: any) => s.name === 'Holiday Freeze').schedule_hash).toEqual({});
    const ids = new Set(schedules.map((s: any) => s.id));
    for (const q of call(w, 'sequences.search', {}).json.emailer_campaigns) {
      expect(ids.has(q.emailer_schedule_id)).toBe(true);
    }
  });
});

describe('emails.create and emails.send_now', () => {
  it('drafts without sending, then queues on send_now and delivers about 15 seconds later', () => {
    const { w, advance } = world();
    const c = emailable(w);
    const draft = call(w, 'emails.create', {
      contact_id: c.id,
      subject: 'Hello {{first_name}}',
      body_html: '<p>Hi {{first_name}}, a quick note.</p>',
    });
    expect(draft.ok).toBe(true);
    const m = draft.json.emailer_message;
    expect(m).toMatchObject({
      status: 'drafted',
      type: 'outreach_manual_email',
      contact_id: c.id,
      subject: `Hello ${c.first_name}`,
      to_email: c.email,
      user_id: w.team.ownerUserId,
    });
    expect(m.contact).toMatchObject({ id: c.id, email: c.email });
    const mailbox = call(w, 'emails.accounts', {}).json.email_accounts.find(
      (a: any) => a.user_id === w.team.ownerUserId && a.default,
    );
    expect(m.email_account_id).toBe(mailbox.id);
    expect(m.send_from_info).toBe(`${mailbox.id}***${mailbox.email}`);
    expect(call(w, 'emails.send_status', { id: m.id }).json).toMatchObject({
      status: 'drafted',
      retry_after_seconds: 10,
    });
    expect(call(w, 'emails.content', { ids: [m.id] }).json.emailer_messages).toEqual([]);

    const sent = call(w, 'emails.send_now', { id: m.id }).json.emailer_message;
    expect(sent).toMatchObject({
      status: 'scheduled',
      async_sending: true,
      due_at_manually_changed: true,
      due_at_source: 'Email was sent using Send Now action',
    });
    expect(call(w, 'emails.send_status', { id: m.id }).json).toEqual({
      id: m.id,
      status: 'scheduled',
      message: 'Email is still being processed. Try again in 10-20 seconds.',
      retry_after_seconds: 10,
    });
    const again = call(w, 'emails.send_now', { id: m.id });
    expect(again.ok).toBe(false);
    expect(again.json.error).toMatch(/currently being sent already/);

    advance(15_000);
    const status = call(w, 'emails.send_status', { id: m.id }).json;
    expect(status).toMatchObject({ status: 'completed', message: 'Email delivered successfully.' });
    expect(status.completed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(call(w, 'emails.send_now', { id: m.id }).json).toEqual({
      error: 'This email has already been sent!',
    });
    const delivered = call(w, 'emails.search', {
      emailer_message_stats: ['delivered'],
      per_page: 100,
    }).json.emailer_messages;
    expect(delivered.map((x: any) => x.id)).toContain(m.id);
  });

  it('replies in a thread from the parent email: same contact, recipients and Re: subject', () => {
    const { w } = world();
    const parent = call(w, 'emails.search', { emailer_message_stats: ['delivered'] }).json
      .emailer_messages[0];
    const reply = call(w, 'emails.create', {
      in_response_to_emailer_message_id: parent.id,
      body_html: '<p>Following up.</p>',
    }).json.emailer_message;
    expect(reply.contact_id).toBe(parent.contact_id);
    expect(reply.to_email).toBe(parent.to_email);
    expect(reply.subject).toBe(`Re: ${parent.subject.replace(/^Re: /, '')}`);
  });

  it('reuses the draft of an outreach task and answers the task with it', () => {
    const { w } = world();
    const task = call(w, 'tasks.search', { per_page: 100 }).json.tasks.find(
      (t: any) => call(w, 'contacts.get', { contact_id: t.contact_id }).json.contact?.email,
    );
    const first = call(w, 'emails.create', {
      contact_id: task.contact_id,
      outreach_task_id: task.id,
      subject: 'One',
    }).json;
    expect(first.task).toMatchObject({ id: task.id, contact_id: task.contact_id });
    const second = call(w, 'emails.create', {
      contact_id: task.contact_id,
      outreach_task_id: task.id,
      subject: 'Two',
    }).json;
    expect(second.emailer_message.id).toBe(first.emailer_message.id);
    expect(second.emailer_message.subject).toBe('Two');
  });

  it("refuses what Apollo refuses: unknown contact, bad recipients, DNC, other users' contacts", () => {
    const { w } = world();
    expect(call(w, 'emails.create', { contact_id: 'abababababababababababab' }).json).toEqual({
      error: 'Contact does not exist',
    });
    const c = emailable(w);
    const bad = call(w, 'emails.create', {
      contact_id: c.id,
      recipients: [{ email: 'person@', recipient_type_cd: 'to' }],
    });
    expect(bad).toMatchObject({ ok: false, status: 422 });
    expect(bad.json.error).toBe('ERROR! Email is NOT SAVED. Invalid recipient emails: ["person@"]');
    expect(getAction('emails.create').input.safeParse({ subject: 'x' }).success).toBe(false);

    const dnc = stageId(w, 'Do Not Contact');
    const blocked = contacts(w).find((x) => x.contact_stage_id === dnc);
    expect(call(w, 'emails.create', { contact_id: blocked.id }).json).toEqual({
      error: "Cannot be emailed under your team's DNC enforcement settings",
      error_code: 'DNC_ENFORCEMENT_BLOCKED',
    });

    const rep = call(w, 'users.list', { per_page: 100 }).json.users[4];
    const theirs = contacts(w).find(
      (x) => x.email && x.owner_id !== rep.id && x.contact_stage_id !== dnc && !x.account_id,
    );
    const refused = call(w, 'emails.create', { contact_id: theirs.id }, rep.id);
    expect(refused.json.error).toBe(
      `You do not have permission to email ${theirs.name}. You are not the owner of this contact or account.`,
    );
  });

  it('refuses unknown emails on send_now with 422 and on send_status with 404', () => {
    const { w } = world();
    const id = 'abababababababababababab';
    expect(call(w, 'emails.send_now', { id })).toMatchObject({
      status: 422,
      json: { error: 'Could not find message to send.' },
    });
    expect(call(w, 'emails.send_status', { id: 'not-an-id' })).toMatchObject({
      status: 404,
      json: { error: 'Email message not found' },
    });
  });

  it('stops a mailbox at its daily limit with SEND_NOW_LIMIT_EXCEEDED', () => {
    const { w, advance } = world();
    const c = emailable(w);
    let last: any;
    for (let k = 0; k < 60; k++) {
      const id = call(w, 'emails.create', { contact_id: c.id, subject: `#${k}` }).json
        .emailer_message.id;
      last = call(w, 'emails.send_now', { id });
      if (!last.ok) break;
      advance(1_000);
    }
    expect(last.json.error_code).toBe('SEND_NOW_LIMIT_EXCEEDED');
    const limit = call(w, 'emails.accounts', {}).json.email_accounts[0].email_daily_threshold;
    expect(limit).toBe(50);
  });
});

describe('emails.search, emails.content and emails.activities', () => {
  it('filters by state, sequence, keywords and dates; newest first; no pagination object', () => {
    const { w } = world();
    const all = call(w, 'emails.search', { per_page: 100 }).json;
    expect(all.pagination).toBeUndefined();
    expect(all.emailer_messages.length).toBeGreaterThan(50);
    const dues = all.emailer_messages.map((m: any) => Date.parse(m.due_at ?? m.created_at));
    expect([...dues].sort((a, b) => b - a)).toEqual(dues);

    const q = call(w, 'sequences.search', { q_name: 'Webinar' }).json.emailer_campaigns[0];
    const ofQ = call(w, 'emails.search', { emailer_campaign_ids: [q.id], per_page: 100 }).json;
    expect(ofQ.emailer_messages.length).toBeGreaterThan(0);
    for (const m of ofQ.emailer_messages) {
      expect(m).toMatchObject({
        emailer_campaign_id: q.id,
        campaign_name: q.name,
        type: 'outreach_automatic_email',
      });
    }
    const stepIds = new Set(ofQ.emailer_steps.map((s: any) => s.id));
    for (const m of ofQ.emailer_messages) expect(stepIds.has(m.emailer_step_id)).toBe(true);
    const without = call(w, 'emails.search', { not_emailer_campaign_ids: [q.id], per_page: 100 })
      .json.emailer_messages;
    expect(without.some((m: any) => m.emailer_campaign_id === q.id)).toBe(false);

    const drafts = call(w, 'emails.search', { emailer_message_stats: 'drafted' }).json
      .emailer_messages;
    expect(drafts.length).toBe(3);
    const failed = call(w, 'emails.search', {
      not_sent_reason_cds: ['no_active_email_account'],
    }).json.emailer_messages;
    expect(failed.map((m: any) => m.failure_reason)).toEqual([
      'Mailbox disconnected',
      'Mailbox disconnected',
    ]);

    const sent = all.emailer_messages.find((m: any) => m.status === 'completed');
    const day = sent.completed_at.slice(0, 10);
    const onDay = call(w, 'emails.search', {
      emailer_message_date_range_mode: 'completed_at',
      emailer_message_date_range: { min: day, max: day },
      per_page: 100,
    }).json.emailer_messages;
    expect(onDay.map((m: any) => m.id)).toContain(sent.id);
    for (const m of onDay) expect(m.completed_at.slice(0, 10)).toBe(day);
    const byWord = call(w, 'emails.search', { q_keywords: sent.to_name.split(' ')[1] }).json
      .emailer_messages;
    expect(byWord.map((m: any) => m.id)).toContain(sent.id);
  });

  it('reads only sent emails, at most the first 10 ids, plain unless exactly html', () => {
    const { w } = world();
    const sent = call(w, 'emails.search', { emailer_message_stats: ['delivered'], per_page: 12 })
      .json.emailer_messages;
    const draft = call(w, 'emails.search', { emailer_message_stats: ['drafted'] }).json
      .emailer_messages[0];
    const ids = ['junk', draft.id, ...sent.map((m: any) => m.id)];
    const plain = call(w, 'emails.content', { ids }).json.emailer_messages;
    expect(plain.map((m: any) => m.id)).toEqual(sent.slice(0, 8).map((m: any) => m.id));
    expect(plain[0]).toMatchObject({ body_format: 'plain', status: 'completed' });
    expect(plain[0].body).not.toMatch(/</);
    expect(plain[0].recipients[0]).toEqual({ email: sent[0].to_email, type: 'to' });
    const upper = call(w, 'emails.content', { ids: [sent[0].id], body_format: 'HTML' }).json;
    expect(upper.emailer_messages[0].body_format).toBe('plain');
    const html = call(w, 'emails.content', { ids: [sent[0].id], body_format: 'html' }).json;
    expect(html.emailer_messages[0].body).toBe(sent[0].body_html);
  });

  it('shows one email in full with its contact and counts; 422 for an unknown id', () => {
    const { w } = world();
    const m = call(w, 'emails.search', { emailer_message_stats: ['opened'] }).json
      .emailer_messages[0];
    const stats = call(w, 'emails.activities', { id: m.id }).json;
    expect(stats.activities[0]).toMatchObject({
      id: m.id,
      type: 'emailer_message',
      emailer_message_id: m.id,
    });
    expect(stats.emailer_message.contact.id).toBe(m.contact_id);
    expect(stats.emailer_message.contact.contact_campaign_statuses).toBeDefined();
    expect(stats.emailer_message.num_opens).toBeGreaterThan(0);
    expect(stats.emailer_message.campaign_name).toBe(m.campaign_name);
    expect(call(w, 'emails.activities', { id: 'abababababababababababab' })).toMatchObject({
      status: 422,
      json: { error: 'Could not find message.' },
    });
  });
});

describe('the catalog entries of emails', () => {
  it("accept every documented example, and require Apollo's required parameters", () => {
    for (const id of [
      'emails.create',
      'emails.send_now',
      'emails.send_status',
      'emails.search',
      'emails.content',
      'emails.activities',
      'emails.accounts',
      'emails.schedules',
    ] as const) {
      const action = getAction(id);
      expect(action.examples.length, id).toBeGreaterThan(0);
      for (const ex of action.examples) expect(action.input.safeParse(ex).success, id).toBe(true);
    }
    expect(getAction('emails.send_status').input.safeParse({}).success).toBe(false);
    expect(getAction('emails.content').input.safeParse({}).success).toBe(false);
    const many = Array.from({ length: 25 }, (_, i) => `id${i}`);
    expect(getAction('emails.content').input.safeParse({ ids: many }).success).toBe(true);
    expect(getAction('emails.activities').masterKeyOnly).toBe(true);
    expect(getAction('emails.activities').oauthScope).toBeNull();
    expect(getAction('emails.send_now').approvalByDefault).toBe(true);
    expect(getAction('emails.create').approvalByDefault).toBe(false);
  });
});
