// Samples for emails and sequence management. Sending a draft, turning a sequence on or off use up
// what they act on, so those samples make a new draft or sequence for every call.
import { base } from './core.js';
import { idOf, rows, type Row, type SampleBook, type SampleContext } from './context.js';

/** A sequence with one automatic email step, made by the samples (never a seeded one). */
async function newSequence(ctx: SampleContext, name: string, active = false): Promise<string> {
  const created = await ctx.run('sequences.create', {
    name,
    ...(active ? { active: true } : {}),
    emailer_steps: [{ type: 'auto_email', wait_time: 0 }],
  });
  return idOf(created.emailer_campaign as Row, 'a created sequence');
}

/** A draft to the outreach contact, from the key user's default mailbox. */
async function newDraft(ctx: SampleContext): Promise<string> {
  const b = await base(ctx);
  const created = await ctx.run('emails.create', {
    contact_id: b.withEmail.id,
    subject: `Matrix note ${ctx.serial()}`,
  });
  return idOf(created.emailer_message as Row, 'a created draft');
}

/** An email already delivered, as an agent finds one: the search, filtered on delivered. */
function sentEmail(ctx: SampleContext): Promise<string> {
  return ctx.once('sent-email', async () => {
    const found = await ctx.run('emails.search', {
      emailer_message_stats: ['delivered'],
      per_page: 1,
    });
    return idOf(rows(found, 'emailer_messages', 'a delivered email')[0], 'a delivered email');
  });
}

/** A seeded enrollment (contact, sequence) other than the outreach contact's. */
function enrollment(ctx: SampleContext): Promise<{ contactId: string; sequenceId: string }> {
  return ctx.once('enrollment', async () => {
    const b = await base(ctx);
    for (const c of b.contacts) {
      if (c.id === b.withEmail.id) continue;
      const status = ((c.contact_campaign_statuses as Row[] | undefined) ?? [])[0];
      if (typeof status?.emailer_campaign_id === 'string')
        return { contactId: String(c.id), sequenceId: status.emailer_campaign_id };
    }
    throw new Error('the sandbox lacks a fixture the samples need: an enrolled contact');
  });
}

const fixed = (make: (ctx: SampleContext) => Promise<Row>) => ({ build: make });

export const outreachSamples: SampleBook = {
  'emails.create': fixed(async (ctx) => ({
    contact_id: (await base(ctx)).withEmail.id,
    subject: 'Matrix hello',
    body_html: '<p>Hello from the matrix.</p>',
  })),
  'emails.send_now': { fresh: true, build: async (ctx) => ({ id: await newDraft(ctx) }) },
  'emails.send_status': fixed(async (ctx) => ({ id: await sentEmail(ctx) })),
  'emails.search': fixed(async () => ({ emailer_message_stats: ['delivered'], per_page: 5 })),
  'emails.content': fixed(async (ctx) => ({ ids: [await sentEmail(ctx)] })),
  'emails.activities': fixed(async (ctx) => ({ id: await sentEmail(ctx) })),
  'emails.accounts': fixed(async () => ({})),
  'emails.schedules': fixed(async () => ({})),
  'sequences.create': fixed(async () => ({
    name: 'Matrix created sequence',
    emailer_steps: [{ type: 'auto_email', wait_time: 0 }],
  })),
  'sequences.update': fixed(async (ctx) => ({
    id: await ctx.once('sequence-to-update', () => newSequence(ctx, 'Matrix sequence to rename')),
    name: 'Matrix sequence renamed',
  })),
  'sequences.approve': {
    fresh: true,
    build: async (ctx) => ({
      sequence_id: await newSequence(ctx, `Matrix sequence to approve ${ctx.serial()}`),
    }),
  },
  'sequences.abort': {
    fresh: true,
    build: async (ctx) => ({
      sequence_id: await newSequence(ctx, `Matrix sequence to abort ${ctx.serial()}`, true),
    }),
  },
  'sequences.archive': fixed(async (ctx) => ({
    sequence_id: await ctx.once('sequence-to-archive', () =>
      newSequence(ctx, 'Matrix sequence to archive'),
    ),
  })),
  'sequences.remove_contacts': fixed(async (ctx) => {
    const e = await enrollment(ctx);
    return {
      emailer_campaign_ids: [e.sequenceId],
      contact_ids: [e.contactId],
      mode: 'mark_as_finished',
    };
  }),
  'sequences.activity_feed': fixed(async (ctx) => ({ contact_id: (await base(ctx)).withEmail.id })),
};
