// Samples for tasks, labels, custom fields, notes, calls and conversations. Completing or skipping
// a task and creating a label (names are unique) use up what they act on: new ones per call.
import { base } from './core.js';
import { idOf, rows, type Row, type SampleBook, type SampleContext } from './context.js';

/** A scheduled call task for the outreach contact, made by the samples. */
async function newTask(ctx: SampleContext): Promise<string> {
  const b = await base(ctx);
  const created = await ctx.run('tasks.create', {
    user_id: b.users[0]!.id,
    contact_id: b.withEmail.id,
    type: 'call',
    status: 'scheduled',
    due_at: '2026-12-02T10:00:00.000Z',
    title: `Matrix task ${ctx.serial()}`,
  });
  return idOf(created.task as Row, 'a created task');
}

/** An open task of the team, as an agent finds one: the search. */
function openTask(ctx: SampleContext): Promise<string> {
  return ctx.once('open-task', async () => {
    const found = rows(await ctx.run('tasks.search', { per_page: 100 }), 'tasks', 'tasks');
    return idOf(
      found.find((t) => t.status === 'scheduled'),
      'a scheduled task',
    );
  });
}

/** A label the samples made (labels are listed only by GET), to rename. */
function ownLabel(ctx: SampleContext): Promise<string> {
  return ctx.once('label', async () => {
    const created = await ctx.run('labels.create', { name: 'Matrix label', modality: 'contacts' });
    return idOf((created.label as Row | undefined) ?? created, 'a created label');
  });
}

/** A custom contact field the samples made, in the `modality.id` form fields.update takes. */
function ownField(ctx: SampleContext): Promise<string> {
  return ctx.once('field', async () => {
    const created = await ctx.run('fields.create', {
      label: 'Matrix field',
      modality: 'contact',
      type: 'string',
    });
    const field = rows(created, 'typed_custom_fields', 'a created field')[0];
    const id = idOf(field, 'a created field');
    return id.includes('.') ? id : `contact.${id}`;
  });
}

function firstCall(ctx: SampleContext): Promise<string> {
  return ctx.once('call', async () =>
    idOf(
      rows(await ctx.run('calls.search', { per_page: 1 }), 'phone_calls', 'phone calls')[0],
      'a phone call',
    ),
  );
}

function firstConversation(ctx: SampleContext): Promise<string> {
  return ctx.once('conversation', async () =>
    idOf(
      rows(await ctx.run('conversations.search', { per_page: 1 }), 'conversations', 'calls')[0],
      'a conversation',
    ),
  );
}

/** Every conversation the team recorded: the sandbox's are from the past few years. */
const exportRange = { start_time: '2000-01-01T00:00:00Z', end_time: '2099-12-31T23:59:59Z' };

const fixed = (make: (ctx: SampleContext) => Promise<Row>) => ({ build: make });

export const activitySamples: SampleBook = {
  'tasks.get': fixed(async (ctx) => ({ id: await openTask(ctx) })),
  'tasks.update': fixed(async (ctx) => ({ id: await openTask(ctx), priority: 'high' })),
  'tasks.complete': {
    fresh: true,
    build: async (ctx) => ({ id: await newTask(ctx), note: 'Left a voicemail.' }),
  },
  'tasks.skip': {
    fresh: true,
    build: async (ctx) => ({ id: await newTask(ctx), note: 'Contact is on leave.' }),
  },
  'tasks.bulk_create': fixed(async (ctx) => {
    const b = await base(ctx);
    return {
      user_id: b.users[0]!.id,
      contact_ids: [b.withEmail.id],
      type: 'call',
      status: 'scheduled',
      due_at: '2026-12-03T10:00:00.000Z',
    };
  }),
  'labels.list': fixed(async () => ({})),
  'labels.create': {
    fresh: true,
    build: async (ctx) => ({ name: `Matrix label ${ctx.serial()}`, modality: 'contacts' }),
  },
  'labels.update': fixed(async (ctx) => ({
    id: await ownLabel(ctx),
    name: 'Matrix label renamed',
  })),
  'labels.add_records': fixed(async (ctx) => ({
    entity_ids: [(await base(ctx)).withEmail.id],
    label_names: ['Matrix members'],
    modality: 'contacts',
  })),
  'labels.remove_records': fixed(async (ctx) => ({
    entity_ids: [(await base(ctx)).withEmail.id],
    label_names: ['Matrix members'],
    modality: 'contacts',
  })),
  'fields.list': fixed(async () => ({})),
  'fields.create': fixed(async () => ({
    label: 'Matrix notes',
    modality: 'contact',
    type: 'textarea',
  })),
  'fields.update': fixed(async (ctx) => ({
    fields: [{ id: await ownField(ctx), label: 'Matrix field renamed' }],
  })),
  'fields.list_typed': fixed(async () => ({})),
  'notes.list': fixed(async (ctx) => ({ contact_id: (await base(ctx)).withEmail.id })),
  'calls.create': fixed(async (ctx) => {
    const b = await base(ctx);
    return {
      logged: true,
      contact_id: b.withEmail.id,
      to_number: '5555550164',
      status: 'completed',
      duration: 120,
      note: 'Matrix call',
    };
  }),
  'calls.search': fixed(async () => ({ per_page: 5 })),
  'calls.update': fixed(async (ctx) => ({ id: await firstCall(ctx), note: 'Matrix follow-up' })),
  'conversations.search': fixed(async () => ({ per_page: 5 })),
  'conversations.get': fixed(async (ctx) => ({ id: await firstConversation(ctx) })),
  'conversations.export': fixed(async (ctx) => ({
    ...exportRange,
    email: String((await base(ctx)).users[0]!.email),
  })),
  'conversations.export_status': fixed(async (ctx) => {
    const b = await base(ctx);
    const started = await ctx.once('export', () =>
      ctx.run('conversations.export', { ...exportRange, email: String(b.users[0]!.email) }),
    );
    return { id: idOf(started, 'a conversation export', 'export_id') };
  }),
};
