// Seeds the team's CRM deterministically from the seed and the creation time: 6 users (the owner
// an admin), 7 mailboxes, 12 lists, Apollo's default stages, 80 accounts (50 linked to database
// organizations), 300 contacts (150 of them database people), 6 sequences with steps and touches,
// 50 tasks and 30 deals.

import { DAY_MS, phoneIn } from '../format.js';
import { hash, salt, stream } from '../hash.js';
import { organizationFull } from '../org-json.js';
import { domainOf, hqOf, nameOf, orgId, type OrgIndex } from '../orgs.js';
import { linkedinUrl, personAt, personId, statusName, workEmail } from '../people.js';
import { nameHeads, nameTails } from '../vocab/industries.js';
import { places } from '../vocab/locations.js';
import { firstNames, lastNames } from '../vocab/names.js';
import { titles } from '../vocab/titles.js';
import { createActivityState } from './activity.js';
import { seedActivity } from './activity-seed.js';
import { seedDealContacts } from './deals.js';
import type { IdGen } from './ids.js';
import { seedOutreach } from './outreach-seed.js';
import {
  accountStageNames,
  contactStageNames,
  contactStageWeights,
  opportunityStageRows,
} from './stage-names.js';
import { seedWork } from './work-seed.js';

export { taskVerbs } from './work-seed.js';
import { emptyOutreach } from './outreach-state.js';
import {
  indexAccount,
  indexContact,
  type AccountRecord,
  type ContactRecord,
  type Crm,
  type LabelRecord,
  type MailboxRecord,
  type SequenceRecord,
  type StageRecord,
  type StepRecord,
  type UserRecord,
} from './state.js';

const contactListNames = [
  'Q4 Outbound',
  'Webinar Attendees',
  'Champions',
  'Conference Leads',
  'Churn Risk',
  'Enterprise Targets',
  'Newsletter',
  'Inbound Demo Requests',
];
const accountListNames = ['Target Accounts', 'Tier 1', 'Partners', 'Competitors'];
const userTitles = [
  'VP of Sales',
  'Revenue Operations Manager',
  'Account Executive',
  'Account Executive',
  'Sales Development Representative',
  'Marketing Manager',
];
/** Suffixes the database never uses, so synthetic companies never collide with it. */
const syntheticForms = [' Holdings', ' Collective', ' Ventures', ' Cooperative', ' Trading'];
const sequenceRows: Array<[string, boolean, boolean]> = [
  ['Outbound - VP Sales', true, false],
  ['Webinar Follow-up', true, false],
  ['Enterprise Expansion', true, false],
  ['Cold Outreach - Q4', true, false],
  ['Event Invite - SaaStr', false, false],
  ['Re-engagement', false, true],
];

/** Builds the seeded CRM. */
export function seedCrm(s: number, index: OrgIndex, ids: IdGen, t0: number): Crm {
  const rnd = stream(hash(s, salt.crmSeed));
  const u = () => rnd() / 4294967296;
  const pickOf = <T>(list: readonly T[]): T => list[Math.floor(u() * list.length)]!;
  const daysAgo = (min: number, max: number) =>
    t0 - (min + Math.floor(u() * (max - min))) * DAY_MS - Math.floor(u() * DAY_MS);
  const weightedPick = (weights: number[]) => {
    const total = weights.reduce((a, b) => a + b, 0);
    let x = u() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    return weights.length - 1;
  };

  const teamCreated = t0 - 900 * DAY_MS;
  const teamHead = pickOf(nameHeads);
  const teamTail = pickOf(nameTails);
  const team = {
    id: ids.next(teamCreated),
    name: `${teamHead}${teamTail}`,
    domain: `${teamHead}${teamTail}hq.com`.toLowerCase(),
    createdAt: teamCreated,
  };

  const users = new Map<string, UserRecord>();
  const usedUserNames = new Set<string>();
  userTitles.forEach((title, i) => {
    let first: string;
    let last: string;
    do {
      first = pickOf(firstNames);
      last = pickOf(lastNames);
    } while (usedUserNames.has(`${first} ${last}`));
    usedUserNames.add(`${first} ${last}`);
    const createdAt = teamCreated + i * 30 * DAY_MS;
    const id = ids.next(createdAt);
    users.set(id, {
      id,
      firstName: first,
      lastName: last,
      title,
      email: `${first}.${last}@${team.domain}`.toLowerCase(),
      admin: i < 2,
      createdAt,
    });
  });
  const userList = [...users.values()];
  const owner = userList[0]!;

  const mailboxes = new Map<string, MailboxRecord>();
  userList.forEach((user, i) => {
    const id = ids.next(user.createdAt + DAY_MS);
    mailboxes.set(id, {
      id,
      userId: user.id,
      email: user.email,
      provider: i % 3 === 2 ? 'outlook' : 'gmail',
      isDefault: true,
      createdAt: user.createdAt + DAY_MS,
    });
  });
  const aliasAt = owner.createdAt + 10 * DAY_MS;
  const aliasId = ids.next(aliasAt);
  mailboxes.set(aliasId, {
    id: aliasId,
    userId: owner.id,
    email: `${owner.firstName}@${team.domain}`.toLowerCase(),
    provider: 'gmail',
    isDefault: false,
    createdAt: aliasAt,
  });
  const mailboxByUser = new Map(
    [...mailboxes.values()].filter((m) => m.isDefault).map((m) => [m.userId, m]),
  );

  const stage = (name: string, order: number, at: number): StageRecord => ({
    id: ids.next(at),
    name,
    order,
  });
  const contactStages = contactStageNames.map((n, i) => stage(n, i, teamCreated));
  const accountStages = accountStageNames.map((n, i) => stage(n, i, teamCreated));
  const opportunityStages = opportunityStageRows.map(([name, probability, isClosed, isWon], i) => ({
    ...stage(name, i, teamCreated),
    probability,
    isClosed,
    isWon,
  }));
  const pipelineId = ids.next(teamCreated);

  const labels = new Map<string, LabelRecord>();
  const addLabel = (name: string, modality: 'contacts' | 'accounts') => {
    const createdAt = daysAgo(200, 800);
    const id = ids.next(createdAt);
    labels.set(id, {
      id,
      modality,
      name,
      userId: pickOf(userList).id,
      createdAt,
      updatedAt: createdAt,
    });
    return id;
  };
  const contactLists = contactListNames.map((n) => addLabel(n, 'contacts'));
  const accountLists = accountListNames.map((n) => addLabel(n, 'accounts'));

  const crm: Crm = {
    team,
    users,
    mailboxes,
    labels,
    contactStages,
    accountStages,
    opportunityStages,
    pipelineId,
    contacts: new Map(),
    accounts: new Map(),
    sequences: new Map(),
    tasks: new Map(),
    deals: new Map(),
    contactByPerson: new Map(),
    accountByOrg: new Map(),
    activity: createActivityState(),
    outreach: emptyOutreach(),
  };

  // Accounts: 50 database organizations with at least 51 employees, then 30 synthetic companies.
  const linkedOrgs: number[] = [];
  while (linkedOrgs.length < 50) {
    const o = Math.floor(u() * index.count);
    if (index.bucket[o]! >= 2 && !linkedOrgs.includes(o)) linkedOrgs.push(o);
  }
  const newAccount = (fields: Partial<AccountRecord> & { name: string }): AccountRecord => {
    const createdAt = daysAgo(30, 700);
    const a: AccountRecord = {
      id: ids.next(createdAt),
      domain: null,
      organizationId: null,
      stageId: accountStageFor(accountStages, u()),
      ownerId: pickOf(userList).id,
      creatorId: owner.id,
      phone: null,
      sanitizedPhone: null,
      rawAddress: null,
      linkedinUrl: null,
      labelIds: u() < 0.3 ? [pickOf(accountLists)] : [],
      typedCustomFields: {},
      source: u() < 0.7 ? 'crm' : 'csv_import',
      createdAt,
      updatedAt: createdAt + Math.floor(u() * 20) * DAY_MS,
      lastActivityAt: u() < 0.6 ? daysAgo(0, 30) : null,
      ...fields,
    };
    crm.accounts.set(a.id, a);
    indexAccount(crm, a);
    return a;
  };
  const linkedAccounts = linkedOrgs.map((o) => {
    const org = organizationFull(index, o);
    const place = places[hqOf(index, o)]!;
    return newAccount({
      name: nameOf(index, o),
      domain: domainOf(index, o),
      organizationId: orgId(index, o),
      phone: (org.phone as string | null) ?? null,
      sanitizedPhone: (org.sanitized_phone as string | null) ?? null,
      rawAddress: [place.city, place.state, place.country].filter(Boolean).join(', '),
      linkedinUrl: org.linkedin_url as string,
    });
  });
  const usedSynthetic = new Set<string>();
  const syntheticAccounts = Array.from({ length: 30 }, () => {
    let name: string;
    do name = `${pickOf(nameHeads)}${pickOf(nameTails)}${pickOf(syntheticForms)}`;
    while (usedSynthetic.has(name));
    usedSynthetic.add(name);
    const place = pickOf(places);
    const ph = phoneIn(place, Math.floor(u() * 1e7));
    return newAccount({
      name,
      domain: `${name.toLowerCase().replace(/ /g, '')}.com`,
      phone: ph.raw,
      sanitizedPhone: ph.sanitized,
      rawAddress: [place.city, place.state, place.country].filter(Boolean).join(', '),
    });
  });

  // Contacts.
  const newContact = (fields: Partial<ContactRecord>): ContactRecord => {
    const createdAt = daysAgo(1, 700);
    const stageIndex = weightedPick(contactStageWeights);
    const labelCount = u() < 0.5 ? 0 : u() < 0.7 ? 1 : 2;
    const labelIds: string[] = [];
    for (let k = 0; k < labelCount; k++) {
      const l = pickOf(contactLists);
      if (!labelIds.includes(l)) labelIds.push(l);
    }
    const c: ContactRecord = {
      id: ids.next(createdAt),
      firstName: null,
      lastName: null,
      title: null,
      organizationName: null,
      organizationId: null,
      accountId: null,
      email: null,
      emailStatus: null,
      otherEmails: [],
      websiteUrl: null,
      linkedinUrl: null,
      ownerId: pickOf(userList).id,
      creatorId: owner.id,
      personId: null,
      stageId: contactStages[stageIndex]!.id,
      labelIds,
      phones: [],
      presentRawAddress: null,
      city: null,
      state: null,
      country: null,
      timeZone: null,
      source: u() < 0.6 ? 'crm' : 'csv_import',
      typedCustomFields: {},
      createdAt,
      updatedAt: createdAt + Math.floor(u() * 30) * DAY_MS,
      lastActivityAt: u() < 0.6 ? daysAgo(0, 60) : null,
      emailLastOpenedAt: u() < 0.4 ? daysAgo(0, 90) : null,
      emailLastClickedAt: u() < 0.15 ? daysAgo(0, 90) : null,
      campaigns: [],
      jobChange: contactStageNames[stageIndex] === 'Changed Job',
      ...fields,
    };
    if (c.updatedAt > t0) c.updatedAt = t0;
    crm.contacts.set(c.id, c);
    indexContact(crm, c);
    return c;
  };
  const withPlace = (placeIndex: number) => {
    const p = places[placeIndex]!;
    return {
      city: p.city,
      state: p.state,
      country: p.country,
      timeZone: p.timeZone,
      presentRawAddress: [p.city, p.state, p.country].filter(Boolean).join(', '),
    };
  };
  const maybePhone = (placeIndex: number) =>
    u() < 0.4
      ? [
          {
            ...((ph) => ({ raw: ph.raw, sanitized: ph.sanitized }))(
              phoneIn(places[placeIndex]!, Math.floor(u() * 1e7)),
            ),
            type: u() < 0.5 ? 'work_direct' : 'mobile',
          },
        ]
      : [];

  linkedAccounts.forEach((account, i) => {
    const o = linkedOrgs[i]!;
    const taken = new Set<number>();
    for (let k = 0; k < 3; k++) {
      let j: number;
      do j = Math.floor(u() * index.personCount[o]!);
      while (taken.has(j));
      taken.add(j);
      const p = personAt(index, o, j)!;
      const status = statusName(p);
      newContact({
        firstName: p.first,
        lastName: p.last,
        title: titles[p.title]!.title,
        organizationName: account.name,
        organizationId: account.organizationId,
        accountId: account.id,
        email: status === 'unavailable' ? null : workEmail(index, p),
        emailStatus: status === 'unavailable' ? null : status,
        linkedinUrl: linkedinUrl(index, p),
        personId: personId(index, p),
        phones: maybePhone(p.place),
        ...withPlace(p.place),
      });
    }
  });
  const randomPerson = () => ({ first: pickOf(firstNames), last: pickOf(lastNames) });
  const staffTitles = titles.filter((t) => t.kind > 0).map((t) => t.title);
  syntheticAccounts.forEach((account) => {
    for (let k = 0; k < 2; k++) {
      const { first, last } = randomPerson();
      const placeIndex = Math.floor(u() * places.length);
      newContact({
        firstName: first,
        lastName: last,
        title: pickOf(staffTitles),
        organizationName: account.name,
        accountId: account.id,
        email: `${first}.${last}@${account.domain}`.toLowerCase(),
        emailStatus: u() < 0.8 ? 'verified' : 'unverified',
        phones: maybePhone(placeIndex),
        ...withPlace(placeIndex),
      });
    }
  });
  for (let k = 0; k < 90; k++) {
    const { first, last } = randomPerson();
    const company = `${pickOf(nameHeads)}${pickOf(nameTails)}${pickOf(syntheticForms)}`;
    const placeIndex = Math.floor(u() * places.length);
    const hasEmail = k >= 20;
    newContact({
      firstName: first,
      lastName: last,
      title: pickOf(staffTitles),
      organizationName: company,
      email: hasEmail
        ? `${first}.${last}@${company.toLowerCase().replace(/ /g, '')}.com`.toLowerCase()
        : null,
      emailStatus: hasEmail ? (u() < 0.8 ? 'verified' : 'unverified') : null,
      phones: maybePhone(placeIndex),
      ...withPlace(placeIndex),
    });
  }

  // Sequences, with steps and email touches.
  sequenceRows.forEach(([name, active, archived], i) => {
    const createdAt = daysAgo(60, 500);
    const id = ids.next(createdAt);
    const stepCount = 2 + Math.floor(u() * 4);
    const steps: StepRecord[] = [];
    for (let k = 0; k < stepCount; k++) {
      const type: StepRecord['type'] =
        k === 0
          ? 'auto_email'
          : pickOf(['auto_email', 'auto_email', 'call', 'manual_email', 'action_item'] as const);
      const stepId = ids.next(createdAt);
      const emailStep = type === 'auto_email' || type === 'manual_email';
      steps.push({
        id: stepId,
        position: k + 1,
        type,
        waitTime: k === 0 ? 0 : 1 + Math.floor(u() * 5),
        waitMode: k === 0 ? 'hour' : 'day',
        priority: pickOf(['high', 'medium', 'low'] as const),
        note: emailStep
          ? null
          : `Step ${k + 1}: ${type === 'call' ? 'call the prospect' : 'follow up'}`,
        touches: emailStep
          ? [
              {
                id: ids.next(createdAt),
                templateId: ids.next(createdAt),
                type: k === 0 ? 'new_thread' : 'reply',
                status: 'approved',
                subject: k === 0 ? `${name}: quick question` : `Re: ${name}`,
              },
            ]
          : [],
      });
    }
    const delivered = 50 + Math.floor(u() * 900);
    const q: SequenceRecord = {
      id,
      name,
      archived,
      active,
      userId: userList[i % userList.length]!.id,
      scheduleId: ids.next(createdAt),
      labelIds: [],
      steps,
      createdAt,
      lastUsedAt: active ? daysAgo(0, 10) : daysAgo(30, 120),
      history: {
        unique_scheduled: delivered + Math.floor(u() * 50),
        unique_delivered: delivered,
        unique_bounced: Math.floor(delivered * 0.03 * u()),
        unique_opened: Math.floor(delivered * (0.3 + 0.4 * u())),
        unique_hard_bounced: Math.floor(delivered * 0.01 * u()),
        unique_spam_blocked: Math.floor(delivered * 0.005 * u()),
        unique_replied: Math.floor(delivered * 0.08 * u()),
        unique_demoed: Math.floor(delivered * 0.02 * u()),
        unique_clicked: Math.floor(delivered * 0.1 * u()),
        unique_unsubscribed: Math.floor(delivered * 0.01 * u()),
      },
    };
    crm.sequences.set(id, q);
  });

  seedWork({
    crm,
    ids,
    t0,
    u,
    pickOf,
    daysAgo,
    users,
    userList,
    owner,
    mailboxByUser,
    opportunityStages,
  });

  seedActivity(crm, s, ids, t0);
  seedDealContacts(crm, ids);
  seedOutreach(crm, s, ids, t0);
  return crm;
}

/** Early stages are the most common. */
function accountStageFor(stages: StageRecord[], x: number): string {
  return stages[Math.min(stages.length - 1, Math.floor(x * x * stages.length))]!.id;
}
