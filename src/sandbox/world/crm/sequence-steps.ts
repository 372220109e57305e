// The steps and email touches of sequences.create and sequences.update, checked as Apollo checks
// them: a wait on every relative step, a body on every approved touch, a thread before a reply.

import { invalidId, unprocessable, type WorldResult } from '../result.js';
import type { CrmContext, SequenceRecord, StepRecord, TouchRecord } from './state.js';

type Checked<T> = { ok: true; value: T } | { ok: false; error: WorldResult };

interface TemplateInput {
  id?: string;
  subject?: string;
  body_html?: string;
}

/** A touch as sequences.create takes it. */
export interface TouchInput {
  type?: 'new_thread' | 'reply_to_thread';
  status?: 'approved' | 'to_be_reviewed';
  include_signature?: boolean;
  emailer_template?: TemplateInput;
  attachment_ids?: string[];
}

/** A step as sequences.create takes it. */
export interface StepInput {
  type: StepRecord['type'];
  wait_time?: number;
  wait_mode?: StepRecord['waitMode'];
  exact_datetime?: string;
  priority?: 'high' | 'medium' | 'low';
  note?: string;
  max_emails_per_day?: number;
  auto_skip_in_x_days?: number;
  emailer_touches?: TouchInput[];
}

/** A touch as sequences.update takes it (with id: an existing one). */
export interface TouchUpdate {
  id?: string;
  status?: 'approved' | 'to_be_reviewed';
  attachment_ids?: string[];
  emailer_template?: TemplateInput;
}

/** A step as sequences.update takes it (with id: an existing one). */
export interface StepUpdate {
  id?: string;
  position?: number;
  type?: StepRecord['type'];
  wait_mode?: StepRecord['waitMode'];
  wait_time?: number;
  auto_skip_in_x_days?: number;
  emailer_touches?: TouchUpdate[];
}

const emptyBodyOnCreate = 'Please make sure your template has content before turning it on.';
const emptyBodyOnUpdate =
  'Please make sure your template has a non-empty body before turning it on.';

const fail = <T>(error: WorldResult): Checked<T> => ({ ok: false, error });

/** The team's template with this id, wherever a touch uses it. */
function findTemplate(ctx: CrmContext, id: string): TouchRecord | undefined {
  for (const q of ctx.crm.sequences.values())
    for (const s of q.steps) for (const t of s.touches) if (t.templateId === id) return t;
  return undefined;
}

function touchFrom(
  ctx: CrmContext,
  input: TouchInput,
  defaults: { type: TouchRecord['type'] },
): Checked<TouchRecord> {
  const now = ctx.now();
  const tpl = input.emailer_template;
  const existing = tpl?.id ? findTemplate(ctx, tpl.id) : undefined;
  if (tpl?.id && !existing) return fail(invalidId(tpl.id));
  return {
    ok: true,
    value: {
      id: ctx.ids.next(now),
      templateId: existing?.templateId ?? ctx.ids.next(now),
      type: input.type ?? defaults.type,
      status: input.status ?? 'to_be_reviewed',
      subject: tpl?.subject ?? existing?.subject ?? '',
      bodyHtml: tpl?.body_html ?? existing?.bodyHtml ?? '',
      includeSignature: input.include_signature ?? true,
      attachmentIds: [...(input.attachment_ids ?? [])],
    },
  };
}

/** Checks what Apollo checks across the finished list of steps. */
function checkSteps(steps: StepRecord[], emptyBody: string): WorldResult | null {
  let threaded = false;
  for (const step of steps) {
    for (const t of step.touches) {
      if (t.status === 'approved' && !(t.bodyHtml ?? '').replace(/<[^>]*>/g, '').trim()) {
        return unprocessable(emptyBody);
      }
      if ((t.type === 'reply_to_thread' || t.type === 'reply') && !threaded) {
        // Apollo documents the rule; its wording for breaking it is not documented.
        return unprocessable(
          'A reply_to_thread touch must come after a step that starts a new thread.',
        );
      }
    }
    if (step.touches.some((t) => t.type === 'new_thread')) threaded = true;
  }
  return null;
}

const emailStep = (type: StepRecord['type']) =>
  type === 'auto_email' || type === 'manual_email' || type === 'linkedin_step_message';

/** The steps of a new sequence, in array order. */
export function newSteps(
  ctx: CrmContext,
  inputs: StepInput[],
  exactDaytime: boolean,
): Checked<StepRecord[]> {
  const now = ctx.now();
  const steps: StepRecord[] = [];
  let previousAt = now;
  for (const [k, input] of inputs.entries()) {
    if (exactDaytime) {
      const at = input.exact_datetime ? Date.parse(input.exact_datetime) : Number.NaN;
      // Apollo requires a future time after the previous step's; its wording is undocumented.
      if (!Number.isFinite(at) || at <= previousAt) {
        return fail(
          unprocessable(
            'Each step needs an exact_datetime in the future, after the previous step.',
          ),
        );
      }
      previousAt = at;
    } else if (input.wait_time === undefined) {
      return fail(unprocessable('Wait time must not be empty'));
    }
    const touches: TouchRecord[] = [];
    for (const t of input.emailer_touches ?? []) {
      const made = touchFrom(ctx, t, { type: k === 0 ? 'new_thread' : 'reply_to_thread' });
      if (!made.ok) return made;
      touches.push(made.value);
    }
    steps.push({
      id: ctx.ids.next(now),
      position: k + 1,
      type: input.type,
      waitTime: input.wait_time ?? 0,
      waitMode: input.wait_mode ?? 'day',
      priority: input.priority ?? (input.type === 'auto_email' ? null : 'medium'),
      note: input.note ?? null,
      touches: emailStep(input.type) ? touches : [],
      exactDatetime: input.exact_datetime ?? null,
      maxEmailsPerDay: input.max_emails_per_day ?? null,
      autoSkipInXDays: input.auto_skip_in_x_days ?? null,
    });
  }
  const bad = checkSteps(steps, emptyBodyOnCreate);
  return bad ? fail(bad) : { ok: true, value: steps };
}

/**
 * The complete new list of a sequence's steps: a step with an id is changed, one without is
 * added, and existing steps left out are deleted. A step's touches, when given, are its complete
 * list in the same way (our reading; Apollo documents it for steps).
 */
export function editSteps(
  ctx: CrmContext,
  q: SequenceRecord,
  inputs: StepUpdate[],
): Checked<StepRecord[]> {
  const now = ctx.now();
  const ordered = inputs
    .map((input, i) => ({ input, i }))
    .sort((a, b) => (a.input.position ?? a.i + 1) - (b.input.position ?? b.i + 1) || a.i - b.i);
  const steps: StepRecord[] = [];
  for (const [k, { input }] of ordered.entries()) {
    const old = input.id ? q.steps.find((s) => s.id === input.id) : undefined;
    if (input.id && !old) return fail(invalidId(input.id));
    if (!old && input.wait_time === undefined)
      return fail(unprocessable('Wait time must not be empty'));
    const type = input.type ?? old?.type ?? 'auto_email';
    let touches = old?.touches.map((t) => ({ ...t })) ?? [];
    if (input.emailer_touches) {
      const next: TouchRecord[] = [];
      for (const t of input.emailer_touches) {
        const prior = t.id ? old?.touches.find((x) => x.id === t.id) : undefined;
        if (t.id && !prior) return fail(invalidId(t.id));
        if (!prior) {
          const made = touchFrom(ctx, t, { type: k === 0 ? 'new_thread' : 'reply_to_thread' });
          if (!made.ok) return made;
          next.push(made.value);
          continue;
        }
        next.push({
          ...prior,
          status: t.status ?? prior.status,
          subject: t.emailer_template?.subject ?? prior.subject,
          bodyHtml: t.emailer_template?.body_html ?? prior.bodyHtml,
          attachmentIds: t.attachment_ids ? [...t.attachment_ids] : prior.attachmentIds,
        });
      }
      touches = next;
    }
    steps.push({
      id: old?.id ?? ctx.ids.next(now),
      position: k + 1,
      type,
      waitTime: input.wait_time ?? old?.waitTime ?? 0,
      waitMode: input.wait_mode ?? old?.waitMode ?? 'day',
      priority: old?.priority ?? (type === 'auto_email' ? null : 'medium'),
      note: old?.note ?? null,
      touches: emailStep(type) ? touches : [],
      exactDatetime: old?.exactDatetime ?? null,
      maxEmailsPerDay: old?.maxEmailsPerDay ?? null,
      autoSkipInXDays: input.auto_skip_in_x_days ?? old?.autoSkipInXDays ?? null,
    });
  }
  const bad = checkSteps(steps, emptyBodyOnUpdate);
  return bad ? fail(bad) : { ok: true, value: steps };
}
