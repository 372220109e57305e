// Pins sequence management as Apollo documents it (CORRECTIONS C13): a created sequence is
// searchable, owned by the acting user and inactive unless active:true; an active sequence emails
// the contacts added to it once each step is due; approve/abort/archive change active and archived
// and the contacts' status; update replaces the steps (omitted ones are deleted) and reassigns the
// owner; remove_contacts finishes, removes or stops; the activity feed tells the story.
import { describe, expect, it } from 'vitest';

import { getAction } from '../../catalog/index.js';

import type { World } from './index.js';
import { call, newWorld, T0 } from '../../../test/helpers/sandbox/world-call.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const HOUR = 3_600_000;

function world(): { w: World; advance: (ms: number) => void; now: () => number } {
  let t = T0;
  return { w: newWorld(21, () => t), advance: (ms) => (t += ms), now: () => t };
}

const due = (m: any) => Date.parse(m.due_at);

function contacts(w: World): any[] {
  const out: any[] = [];
  for (let page = 1; page <= 3; page++) {
    out.push(...call(w, 'contacts.search', { per_page: 100, page }).json.contacts);
  }
  return out;
}

/** Contacts with a verified email, in no sequence, not blocked from email. */
function free(w: World, n: number): any[] {
  const stages = call(w, 'contacts.stages', {}).json.contact_stages;
  const dnc = stages.find((s: any) => s.name === 'Do Not Contact').id;
  return contacts(w)
    .filter(
      (c) =>
        c.email &&
        c.email_status === 'verified' &&
        c.emailer_campaign_ids.length === 0 &&
        c.contact_stage_id !== dnc,
    )
    .slice(0, n);
}

function mailbox(w: World): string {
  return call(w, 'emails.accounts', {}).json.email_accounts.find(
    (a: any) => a.user_id === w.team.ownerUserId && a.default,
  ).id;
}

const approved = (subject: string, body: string) => ({
  status: 'approved',
  emailer_template: { subject, body_html: body },
});

function twoSteps(active: boolean) {
  return {
    name: `Launch ${active ? 'live' : 'draft'}`,
    active,
    emailer_steps: [
      {
        type: 'auto_email',
        wait_time: 10,
        wait_mode: 'minute',
        emailer_touches: [
          approved('Hello {{first_name}}', '<p>Hi {{first_name}} at {{company}}</p>'),
        ],
      },
      {
        type: 'auto_email',
        wait_time: 1,
        wait_mode: 'day',
        emailer_touches: [{ type: 'reply_to_thread', ...approved('', '<p>Bumping this.</p>') }],
      },
    ],
  };
}

function add(w: World, sequenceId: string, ids: string[]): any {
  return call(w, 'sequences.add_contacts', {
    sequence_id: sequenceId,
    contact_ids: ids,
    send_email_from_email_account_id: mailbox(w),
    sequence_same_company_in_same_campaign: true,
  }).json;
}

function status(w: World, contactId: string, sequenceId: string): any {
  const c = call(w, 'contacts.get', { contact_id: contactId }).json.contact;
  return c.contact_campaign_statuses.find((s: any) => s.emailer_campaign_id === sequenceId);
}

function find(w: World, id: string): any {
  return call(w, 'sequences.search', { per_page: 100 }).json.emailer_campaigns.find(
    (q: any) => q.id === id,
  );
}

describe('sequences.create', () => {
  it('creates an inactive, restricted sequence owned by the acting user; it is searchable', () => {
    const { w } = world();
    const rep = call(w, 'users.list', { per_page: 100 }).json.users[3].id;
    const r = call(w, 'sequences.create', {
      ...twoSteps(false),
      user_id: rep,
      label_names: ['Q3'],
    });
    expect(r.ok).toBe(true);
    const q = r.json.emailer_campaign;
    expect(q).toMatchObject({
      name: 'Launch draft',
      active: false,
      archived: false,
      num_steps: 2,
      user_id: w.team.ownerUserId,
      object_owner_id: w.team.ownerUserId,
      sharing_permission: { visibility: 'restricted', access_type: null },
    });
    expect(q.label_ids).toHaveLength(1);
    const schedule = call(w, 'emails.schedules', {}).json.emailer_schedules.find(
      (s: any) => s.default,
    );
    expect(q.emailer_schedule_id).toBe(schedule.id);
    expect(r.json.emailer_steps.map((s: any) => s.position)).toEqual([1, 2]);
    expect(r.json.emailer_touches.map((t: any) => t.type)).toEqual([
      'new_thread',
      'reply_to_thread',
    ]);
    expect(r.json.emailer_templates[0].body_html).toContain('{{first_name}}');
    const found = call(w, 'sequences.search', { q_name: 'launch' }).json.emailer_campaigns;
    expect(found.map((x: any) => x.id)).toEqual([q.id]);
  });

  it('refuses an empty or unknown schedule, a step without a wait, and approving an empty body', () => {
    const { w } = world();
    const empty = call(w, 'emails.schedules', {}).json.emailer_schedules.find(
      (s: any) => s.name === 'Holiday Freeze',
    );
    expect(
      call(w, 'sequences.create', { name: 'x', emailer_schedule_id: empty.id }).json.error,
    ).toBe(
      'The schedule you are trying to attach to this sequence is empty. You cannot attach an empty schedule to the sequence',
    );
    expect(
      call(w, 'sequences.create', { name: 'x', emailer_schedule_id: 'abababababababababababab' }),
    ).toMatchObject({ status: 422 });
    expect(
      call(w, 'sequences.create', { name: 'x', emailer_steps: [{ type: 'auto_email' }] }).json,
    ).toEqual({ error: 'Wait time must not be empty' });
    expect(
      call(w, 'sequences.create', {
        name: 'x',
        emailer_steps: [{ type: 'auto_email', wait_time: 0, emailer_touches: [approved('S', '')] }],
      }).json,
    ).toEqual({ error: 'Please make sure your template has content before turning it on.' });
    expect(getAction('sequences.create').input.safeParse({ active: true }).success).toBe(false);
  });

  it('starts emailing added contacts when created active, step by step, then finishes them', () => {
    const { w, advance, now } = world();
    const q = call(w, 'sequences.create', twoSteps(true)).json.emailer_campaign;
    expect(q.active).toBe(true);
    const [c] = free(w, 1);
    const added = add(w, q.id, [c.id]);
    expect(added.skipped_contact_ids).toEqual({});
    expect(status(w, c.id, q.id)).toMatchObject({ status: 'active', current_step_position: 1 });
    const pending = call(w, 'emails.search', { emailer_campaign_ids: [q.id] }).json
      .emailer_messages;
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({
      status: 'scheduled',
      contact_id: c.id,
      subject: `Hello ${c.first_name}`,
      email_account_id: mailbox(w),
      campaign_position: 1,
    });
    // Due ten minutes after enrolling, at the first hour of the sending schedule from then on.
    expect(due(pending[0])).toBeGreaterThanOrEqual(now() + 10 * 60_000);
    expect(call(w, 'emails.send_status', { id: pending[0].id }).json.retry_after_seconds).toBe(
      Math.ceil((due(pending[0]) - now()) / 1000),
    );
    advance(due(pending[0]) - now() - 1_000);
    expect(call(w, 'emails.send_status', { id: pending[0].id }).json.status).toBe('scheduled');
    advance(1_000);
    expect(call(w, 'emails.send_status', { id: pending[0].id }).json.status).toBe('completed');
    expect(status(w, c.id, q.id)).toMatchObject({ status: 'active', current_step_position: 2 });
    const both = call(w, 'emails.search', { emailer_campaign_ids: [q.id] }).json.emailer_messages;
    expect(both.map((m: any) => m.status)).toEqual(['scheduled', 'completed']);
    expect(both[0].subject).toBe(
      `Re: Hello {{first_name}}`.replace('{{first_name}}', c.first_name),
    );
    expect(due(both[0])).toBeGreaterThanOrEqual(due(pending[0]) + 24 * HOUR);

    advance(due(both[0]) - now());
    expect(status(w, c.id, q.id)).toMatchObject({ status: 'finished' });
    expect(find(w, q.id).unique_delivered).toBe(2);
    const feed = call(w, 'sequences.activity_feed', { contact_id: c.id, sequence_id: q.id }).json;
    expect(feed.events.map((e: any) => e.type)).toEqual(['completed', 'enrolled']);
  });
});

describe('sending schedules', () => {
  it("sends a sequence's emails only inside its schedule's windows, in the schedule's time zone", () => {
    const { w, advance, now } = world();
    const west = call(w, 'emails.schedules', {}).json.emailer_schedules.find(
      (s: any) => s.name === 'West Coast Afternoons',
    );
    expect(west).toMatchObject({ time_zone: 'America/Los_Angeles', use_contacts_time_zone: false });
    const q = call(w, 'sequences.create', {
      ...twoSteps(true),
      emailer_schedule_id: west.id,
    }).json.emailer_campaign;
    expect(q.emailer_schedule_id).toBe(west.id);
    const [c] = free(w, 1);
    add(w, q.id, [c.id]);
    // Monday 12:00 UTC is 04:00 in Los Angeles; the window opens at 12:00 there (20:00 UTC).
    expect(new Date(now()).toISOString()).toBe('2026-11-23T12:00:00.000Z');
    const [m] = call(w, 'emails.search', { emailer_campaign_ids: [q.id] }).json.emailer_messages;
    expect(m.due_at).toBe('2026-11-23T20:00:00.000+00:00');
    advance(due(m) - now() - 1);
    expect(call(w, 'emails.send_status', { id: m.id }).json.status).toBe('scheduled');
    advance(1);
    expect(call(w, 'emails.send_status', { id: m.id }).json.status).toBe('completed');
    // The next step waits a day, then for the next window: Wednesday afternoon in Los Angeles.
    const next = call(w, 'emails.search', {
      emailer_campaign_ids: [q.id],
      emailer_message_stats: ['scheduled'],
    }).json.emailer_messages[0];
    expect(next.due_at).toBe('2026-11-25T20:00:00.000+00:00');
  });
});

describe('sequences.approve, abort and archive', () => {
  it('holds contacts of an inactive sequence paused until approve, and pauses them again on abort', () => {
    const { w, advance, now } = world();
    const q = call(w, 'sequences.create', twoSteps(false)).json.emailer_campaign;
    const [a, b] = free(w, 2);
    add(w, q.id, [a.id, b.id]);
    expect(status(w, a.id, q.id)).toMatchObject({
      status: 'paused',
      inactive_reason: 'Sequence inactive',
    });
    const queued = call(w, 'emails.search', { emailer_campaign_ids: [q.id] }).json.emailer_messages;
    advance(Math.max(...queued.map(due)) + HOUR - now());
    const waiting = call(w, 'emails.search', { emailer_campaign_ids: [q.id] }).json
      .emailer_messages;
    expect(waiting.map((m: any) => m.status)).toEqual(['scheduled', 'scheduled']);

    const on = call(w, 'sequences.approve', { sequence_id: q.id });
    expect(on.json.emailer_campaign).toMatchObject({ id: q.id, active: true, unique_scheduled: 2 });
    expect(on.json.emailer_steps[0]).toMatchObject({ emailer_campaign_id: q.id, position: 1 });
    expect(status(w, a.id, q.id)).toMatchObject({ status: 'active', inactive_reason: null });
    expect(find(w, q.id).active).toBe(true);
    expect(call(w, 'sequences.approve', { sequence_id: q.id }).json).toEqual({
      error: 'The sequence is already active.',
    });
    // Their emails were due while the sequence was off: they go out as soon as it is on.
    const sent = call(w, 'emails.search', {
      emailer_campaign_ids: [q.id],
      emailer_message_stats: ['delivered'],
    }).json.emailer_messages;
    expect(sent.map((m: any) => m.campaign_position)).toEqual([1, 1]);
    for (const m of sent) expect(Date.parse(m.completed_at)).toBe(now());

    const off = call(w, 'sequences.abort', { sequence_id: q.id });
    expect(off.json.emailer_campaign.active).toBe(false);
    expect(status(w, b.id, q.id)).toMatchObject({
      status: 'paused',
      inactive_reason: 'Sequence inactive',
    });
    advance(2 * 24 * HOUR);
    expect(status(w, b.id, q.id).status).toBe('paused');
    expect(call(w, 'sequences.abort', { sequence_id: q.id }).json).toEqual({
      error: 'The sequence is already inactive.',
    });
    const feed = call(w, 'sequences.activity_feed', { contact_id: b.id }).json.events;
    expect(feed.map((e: any) => e.type)).toEqual(['paused', 'resumed', 'enrolled']);
    expect(feed[0].reason).toBe('Sequence inactive');
  });

  it('refuses to approve a sequence without steps, and answers 404 for an unknown one', () => {
    const { w } = world();
    const q = call(w, 'sequences.create', { name: 'Empty' }).json.emailer_campaign;
    expect(call(w, 'sequences.approve', { sequence_id: q.id }).json).toEqual({
      error: 'Please make sure you have added at least 1 step before turning on the sequence.',
    });
    expect(call(w, 'sequences.abort', { sequence_id: 'abababababababababababab' })).toMatchObject({
      status: 404,
      json: { error: 'Record not found.' },
    });
  });

  it('archives: inactive, archived and deleted, and every enrolled contact finished', () => {
    const { w } = world();
    const q = call(w, 'sequences.search', { q_name: 'Outbound - VP Sales' }).json
      .emailer_campaigns[0];
    const enrolled = contacts(w).filter((c) => c.emailer_campaign_ids.includes(q.id));
    expect(enrolled.length).toBeGreaterThan(3);
    const r = call(w, 'sequences.archive', { sequence_id: q.id }).json;
    expect(r).toEqual({
      emailer_campaign: { id: q.id, active: false, archived: true, deleted: true },
    });
    expect(find(w, q.id)).toMatchObject({ active: false, archived: true });
    for (const c of enrolled) {
      const s = status(w, c.id, q.id);
      expect(['finished', 'failed']).toContain(s.status);
    }
    const pending = call(w, 'emails.search', {
      emailer_campaign_ids: [q.id],
      emailer_message_stats: ['scheduled'],
    }).json.emailer_messages;
    expect(pending).toEqual([]);
    expect(call(w, 'sequences.approve', { sequence_id: q.id })).toMatchObject({ status: 422 });
  });
});

describe('sequences.update', () => {
  it('renames, reassigns the owner, shares, and deletes the steps it is not given', () => {
    const { w } = world();
    const created = call(w, 'sequences.create', twoSteps(false)).json;
    const q = created.emailer_campaign;
    const rep = call(w, 'users.list', { per_page: 100 }).json.users[2].id;
    const [first] = created.emailer_steps;
    const r = call(w, 'sequences.update', {
      id: q.id,
      name: 'Launch v2',
      user_id: rep,
      max_emails_per_day: 40,
      sharing_permission: { visibility: 'everyone' },
      emailer_steps: [{ id: first.id, position: 1, wait_time: 5 }],
    });
    expect(r.json).toMatchObject({
      id: q.id,
      name: 'Launch v2',
      active: false,
      archived: false,
      num_steps: 1,
      steps: [{ id: first.id, position: 1, step_type: 'auto_email', wait_time: 5 }],
      emailer_campaign: { id: q.id, name: 'Launch v2', active: false },
    });
    const now = find(w, q.id);
    expect(now).toMatchObject({
      name: 'Launch v2',
      user_id: rep,
      num_steps: 1,
      max_emails_per_day: 40,
      sharing_permission: { visibility: 'everyone', access_type: 'can_view' },
    });
  });

  it('turns a sequence on with active:true and refuses to approve a touch without a body', () => {
    const { w } = world();
    const created = call(w, 'sequences.create', {
      name: 'Review first',
      emailer_steps: [
        {
          type: 'auto_email',
          wait_time: 0,
          emailer_touches: [{ emailer_template: { subject: 'S', body_html: '' } }],
        },
      ],
    }).json;
    const step = created.emailer_steps[0];
    const touch = created.emailer_touches[0];
    expect(touch.status).toBe('to_be_reviewed');
    const refused = call(w, 'sequences.update', {
      id: created.emailer_campaign.id,
      emailer_steps: [{ id: step.id, emailer_touches: [{ id: touch.id, status: 'approved' }] }],
    });
    expect(refused.json).toEqual({
      error: 'Please make sure your template has a non-empty body before turning it on.',
    });
    const on = call(w, 'sequences.update', { id: created.emailer_campaign.id, active: true });
    expect(on.json.active).toBe(true);
    expect(
      call(w, 'sequences.update', { id: 'abababababababababababab', name: 'x' }),
    ).toMatchObject({
      status: 404,
      json: { error: 'Record not found.' },
    });
  });
});

describe('sequences.remove_contacts and sequences.activity_feed', () => {
  it('finishes, stops or removes contacts, as their campaign statuses then show', () => {
    const { w } = world();
    const q = call(w, 'sequences.create', twoSteps(true)).json.emailer_campaign;
    const [a, b, c] = free(w, 3);
    add(w, q.id, [a.id, b.id, c.id]);
    const base = { emailer_campaign_ids: [q.id] };

    const finished = call(w, 'sequences.remove_contacts', {
      ...base,
      contact_ids: [a.id],
      mode: 'mark_as_finished',
    }).json;
    expect(finished.num_contacts).toBe(1);
    expect(
      finished.contacts[0].contact_campaign_statuses.find(
        (s: any) => s.emailer_campaign_id === q.id,
      ),
    ).toMatchObject({ status: 'finished', inactive_reason: 'manually finished' });

    call(w, 'sequences.remove_contacts', { ...base, contact_ids: [b.id], mode: 'stop' });
    expect(status(w, b.id, q.id)).toMatchObject({
      status: 'paused',
      inactive_reason: 'manually stopped',
    });

    call(w, 'sequences.remove_contacts', { ...base, contact_ids: [c.id], mode: 'remove' });
    const gone = call(w, 'contacts.get', { contact_id: c.id }).json.contact;
    expect(gone.emailer_campaign_ids).not.toContain(q.id);
    expect(find(w, q.id).contact_statuses).toMatchObject({ active: 0, paused: 1, finished: 1 });
    const left = call(w, 'emails.search', {
      emailer_campaign_ids: [q.id],
      emailer_message_stats: ['scheduled'],
    }).json.emailer_messages;
    expect(left.map((m: any) => m.contact_id)).toEqual([b.id]);
    expect(call(w, 'sequences.activity_feed', { contact_id: c.id }).json.events[0]).toMatchObject({
      type: 'removed',
      sequence_id: q.id,
      sequence_name: q.name,
    });
  });

  it('answers a large batch with a finished background job that echoes a key (a secret field)', () => {
    const { w } = world();
    const q = call(w, 'sequences.search', { q_name: 'Webinar' }).json.emailer_campaigns[0];
    const all = contacts(w);
    const ids = [
      ...all.filter((c) => c.emailer_campaign_ids.includes(q.id)),
      ...all.filter((c) => !c.emailer_campaign_ids.includes(q.id)).slice(0, 120),
    ].map((c) => c.id);
    expect(find(w, q.id).contact_statuses.active).toBeGreaterThan(0);
    const r = call(w, 'sequences.remove_contacts', {
      emailer_campaign_ids: [q.id],
      contact_ids: ids,
      mode: 'mark_as_finished',
    }).json;
    expect(r.entity_progress_job).toMatchObject({
      job_type: 'sequence_remove_stop_contacts',
      progress: 1,
      params: { sequence_ids: [q.id], mode: 'mark_as_finished' },
    });
    expect(typeof r.entity_progress_job.params.api_key).toBe('string');
    expect(getAction('sequences.remove_contacts').secretFields).toContain('api_key');
    expect(find(w, q.id).contact_statuses.active).toBe(0);
  });

  it('requires all three parameters and only the documented modes', () => {
    const input = getAction('sequences.remove_contacts').input;
    const full = {
      emailer_campaign_ids: ['66e9e215ece19801b219997f'],
      contact_ids: ['66e34b81740c50074e3d1bd4'],
    };
    expect(input.safeParse({ ...full, mode: 'remove' }).success).toBe(true);
    expect(input.safeParse(full).success).toBe(false);
    expect(input.safeParse({ ...full, mode: 'pause' }).success).toBe(false);
    expect(input.safeParse({ contact_ids: full.contact_ids, mode: 'stop' }).success).toBe(false);
  });

  it('lists the newest events first, clamps per_page to 1–50, and omits keys that do not apply', () => {
    const { w } = world();
    const enrolled = contacts(w).find((c) =>
      c.contact_campaign_statuses.some((s: any) => s.status === 'finished'),
    );
    const feed = call(w, 'sequences.activity_feed', { contact_id: enrolled.id }).json;
    expect(feed.contact_id).toBe(enrolled.id);
    const times = feed.events.map((e: any) => Date.parse(e.occurred_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(feed.events.map((e: any) => e.type)).toContain('enrolled');
    for (const e of feed.events) {
      expect(Object.values(e)).not.toContain(null);
      if (e.type !== 'paused') expect(e).not.toHaveProperty('reason');
      if (e.type !== 'replied') expect(e).not.toHaveProperty('emailer_message_id');
    }
    expect(
      call(w, 'sequences.activity_feed', { contact_id: enrolled.id, per_page: 0 }).json.events,
    ).toHaveLength(1);
    expect(
      call(w, 'sequences.activity_feed', { contact_id: enrolled.id, per_page: 'abc' }).json.events,
    ).toHaveLength(1);
    expect(
      call(w, 'sequences.activity_feed', { contact_id: enrolled.id, per_page: 999 }).json.events,
    ).toEqual(feed.events);
    expect(
      call(w, 'sequences.activity_feed', { contact_id: enrolled.id, sequence_id: 'nope' }).json
        .events,
    ).toEqual([]);
    expect(call(w, 'sequences.activity_feed', { contact_id: 'nope' })).toMatchObject({
      status: 404,
      json: { error: 'Contact not found' },
    });
  });

  it('records replies with the email replied to', () => {
    const { w } = world();
    const replied = call(w, 'emails.search', { per_page: 100 }).json.emailer_messages.find(
      (m: any) => m.replied,
    );
    expect(replied).toBeDefined();
    const events = call(w, 'sequences.activity_feed', { contact_id: replied.contact_id }).json
      .events;
    expect(events.find((e: any) => e.type === 'replied')).toMatchObject({
      emailer_message_id: replied.id,
      sequence_id: replied.emailer_campaign_id,
    });
  });
});

describe('the catalog entries of sequences', () => {
  it('accept every documented example and keep the documented methods and effects', () => {
    for (const id of [
      'sequences.search',
      'sequences.add_contacts',
      'sequences.create',
      'sequences.update',
      'sequences.approve',
      'sequences.abort',
      'sequences.archive',
      'sequences.remove_contacts',
      'sequences.activity_feed',
    ] as const) {
      const action = getAction(id);
      expect(action.examples.length, id).toBeGreaterThan(0);
      for (const ex of action.examples) {
        expect(action.input.safeParse(ex).success, `${id} ${JSON.stringify(ex)}`).toBe(true);
      }
    }
    expect(getAction('sequences.update')).toMatchObject({ method: 'PUT', altMethods: ['PATCH'] });
    expect(getAction('sequences.create').description).toMatch(
      /starts sending as soon as contacts are added/,
    );
    expect(getAction('sequences.archive').effect).toBe('bulk_write');
    expect(
      getAction('sequences.add_contacts').input.safeParse({
        sequence_id: '66e9e215ece19801b219997f',
        contact_ids: ['66e34b81740c50074e3d1bd4'],
      }).success,
    ).toBe(false);
  });
});
