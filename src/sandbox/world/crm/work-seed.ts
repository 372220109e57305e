// The team's work in the seeded CRM: 50 sequence enrollments, 50 tasks and 30 deals, drawn from
// the same random stream as the rest of the seed (called at the same point, so the data is
// unchanged by where the code lives).
import { taskTypes } from '../../../catalog/index.js';
import { DAY_MS } from '../format.js';
import type { IdGen } from './ids.js';
import type {
  CampaignStatusRecord,
  ContactRecord,
  Crm,
  MailboxRecord,
  StageRecord,
  UserRecord,
} from './state.js';

const dealKinds = ['New Business', 'Expansion', 'Renewal', 'Pilot'];

/** How a task title starts for each type when the caller gives none. */
export const taskVerbs: Record<string, string> = {
  call: 'Call',
  outreach_manual_email: 'Email',
  linkedin_step_connect: 'Connect on LinkedIn with',
  linkedin_step_message: 'Message on LinkedIn',
  linkedin_step_view_profile: 'View the LinkedIn profile of',
  linkedin_step_interact_post: 'Interact with a LinkedIn post by',
  action_item: 'Follow up with',
};

/** What the seed has drawn so far, and its random stream. */
export interface WorkSeedContext {
  readonly crm: Crm;
  readonly ids: IdGen;
  readonly t0: number;
  readonly u: () => number;
  readonly pickOf: <T>(list: readonly T[]) => T;
  readonly daysAgo: (min: number, max: number) => number;
  readonly users: ReadonlyMap<string, UserRecord>;
  readonly userList: readonly UserRecord[];
  readonly owner: UserRecord;
  readonly mailboxByUser: ReadonlyMap<string, MailboxRecord>;
  readonly opportunityStages: ReadonlyArray<StageRecord & { isClosed?: boolean; isWon?: boolean }>;
}

/** Seeds enrollments, tasks and deals. */
export function seedWork(ctx: WorkSeedContext): void {
  const { crm, ids, t0, u, pickOf, daysAgo, users, userList, owner, mailboxByUser } = ctx;
  const { opportunityStages } = ctx;
  // Enrollments: 50 contacts with email, each in one sequence.
  const sequences = [...crm.sequences.values()];
  const withEmail = [...crm.contacts.values()].filter((c) => c.email && !c.jobChange);
  const enrolled = new Set<string>();
  const plan: Array<[number, CampaignStatusRecord['status'], string | null]> = [
    ...Array.from({ length: 35 }, (_, k) => [k % 3, 'active', null] as [number, 'active', null]),
    ...Array.from({ length: 8 }, () => [5, 'finished', null] as [number, 'finished', null]),
    ...Array.from({ length: 4 }, () => [4, 'paused', null] as [number, 'paused', null]),
    ...Array.from({ length: 3 }, () => [3, 'failed', 'bounced'] as [number, 'failed', string]),
  ];
  for (const [seqIndex, status, failure] of plan) {
    let c: ContactRecord;
    do c = pickOf(withEmail);
    while (enrolled.has(c.id));
    enrolled.add(c.id);
    const q = sequences[seqIndex]!;
    const user = users.get(c.ownerId ?? owner.id) ?? owner;
    const mailbox = mailboxByUser.get(user.id)!;
    const addedAt = daysAgo(1, 50);
    const stepIndex = status === 'finished' ? q.steps.length - 1 : Math.floor(u() * q.steps.length);
    c.campaigns.push({
      id: ids.next(addedAt),
      sequenceId: q.id,
      status,
      sendFromUserId: user.id,
      mailboxId: mailbox.id,
      sendFromAddress: mailbox.email,
      addedAt,
      addedBy: user.id,
      finishedAt: status === 'finished' || status === 'failed' ? daysAgo(0, 1) : null,
      pausedAt: status === 'paused' ? daysAgo(0, 1) : null,
      autoUnpauseAt: null,
      currentStepId: q.steps[stepIndex]!.id,
      currentStepPosition: stepIndex + 1,
      failureReason: failure,
    });
  }

  // Tasks.
  const contactList = [...crm.contacts.values()];
  for (let k = 0; k < 50; k++) {
    const c = pickOf(contactList);
    const type = pickOf(taskTypes);
    const roll = u();
    const status = roll < 0.7 ? 'scheduled' : roll < 0.9 ? 'completed' : 'skipped';
    const createdAt = daysAgo(5, 60);
    const dueAt =
      status === 'scheduled'
        ? t0 + Math.floor(u() * 30) * DAY_MS + Math.floor(u() * 8) * 3_600_000
        : createdAt + Math.floor(u() * 5) * DAY_MS;
    const id = ids.next(createdAt);
    crm.tasks.set(id, {
      id,
      userId: c.ownerId ?? owner.id,
      creatorId: pickOf(userList).id,
      contactId: c.id,
      accountId: c.accountId,
      type,
      priority: pickOf(['high', 'medium', 'medium', 'low']),
      status,
      dueAt,
      title: `${taskVerbs[type]!} ${[c.firstName, c.lastName].filter(Boolean).join(' ')}`,
      note: u() < 0.4 ? 'Mention the case study from last quarter.' : null,
      createdAt,
      completedAt: status === 'completed' ? Math.min(dueAt, t0) : null,
      skippedAt: status === 'skipped' ? Math.min(dueAt, t0) : null,
      sequenceId: null,
      createdFrom: 'zp_ui',
    });
  }

  // Deals.
  const accountList = [...crm.accounts.values()];
  for (let k = 0; k < 30; k++) {
    const a = pickOf(accountList);
    const st = pickOf(opportunityStages);
    const createdAt = daysAgo(10, 300);
    const closeDay = st.isClosed ? daysAgo(0, 9) : t0 + (5 + Math.floor(u() * 120)) * DAY_MS;
    const id = ids.next(createdAt);
    crm.deals.set(id, {
      id,
      name: `${a.name} - ${pickOf(dealKinds)}`,
      ownerId: a.ownerId ?? owner.id,
      createdById: pickOf(userList).id,
      accountId: a.id,
      amount: (50 + Math.floor(u() * 4950)) * 100,
      stageId: st.id,
      closedDate: new Date(closeDay).toISOString().slice(0, 10),
      isClosed: st.isClosed ?? false,
      isWon: st.isWon ?? false,
      source: 'ui_form',
      description: null,
      currency: 'USD',
      typedCustomFields: {},
      createdAt,
      updatedAt: createdAt,
      stageUpdatedAt: createdAt,
      lastActivityAt: u() < 0.5 ? daysAgo(0, 20) : null,
      freshlyCreated: false,
    });
  }
}
