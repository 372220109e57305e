// Role templates: a named set of grants for a kind of agent, applied in one step. Applying one
// makes the agent's grants exactly the template's (grants it does not name are removed), each
// change audited as admin.grant, plus one admin.template record saying which template it was.
// Targets are the catalog's groups; test/unit checks every target is a real one.
import type { GrantChange } from './changes.js';

export interface RoleTemplate {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly grants: readonly GrantChange[];
}

export const roleTemplates: readonly RoleTemplate[] = [
  {
    id: 'researcher',
    title: 'Researcher',
    description: 'Searches and reads people, organizations and news; changes nothing.',
    grants: [
      { target: 'people', level: 'read' },
      { target: 'organizations', level: 'read' },
      { target: 'news', level: 'read' },
    ],
  },
  {
    id: 'sdr-assistant',
    title: 'SDR assistant',
    description:
      'Researches prospects and keeps contacts, accounts and tasks; adds people to sequences and sends email only with an approval.',
    grants: [
      { target: 'people', level: 'read' },
      { target: 'organizations', level: 'read' },
      { target: 'contacts', level: 'full' },
      { target: 'accounts', level: 'full' },
      { target: 'tasks', level: 'full' },
      { target: 'sequences', level: 'full', approval: true },
      { target: 'emails', level: 'full', approval: true },
    ],
  },
  {
    id: 'crm-analyst',
    title: 'CRM analyst',
    description:
      'Reads the CRM (contacts, accounts, deals, tasks, calls, notes, reports) and changes nothing.',
    grants: [
      'contacts',
      'accounts',
      'deals',
      'tasks',
      'calls',
      'notes',
      'reports',
      'sequences',
    ].map((target) => ({ target, level: 'read' as const })),
  },
  {
    id: 'no-access',
    title: 'No access',
    description: 'Removes every grant: the agent can call nothing until granted again.',
    grants: [],
  },
];

/** The template with this id, if any. */
export const roleTemplate = (id: string) => roleTemplates.find((t) => t.id === id);
