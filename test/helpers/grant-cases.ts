// The grant situations every action is tried under, on every surface (REST and MCP matrices):
// what the agent holds, and what the call must then come to.
import type { ActionSpec } from '../../src/catalog/index.js';

export type Expect = 'allowed' | 'held' | 'denied' | 'unauthenticated';

/** What a grant that allows the call gives: outbound actions are held for an admin by default. */
export const allows = (a: ActionSpec): Expect => (a.approvalByDefault ? 'held' : 'allowed');

export interface Case {
  name: string;
  grants: (a: ActionSpec) => string[];
  expect: (a: ActionSpec) => Expect;
  token?: 'revoked' | 'rotated' | 'unknown';
  /** For a token that does not authenticate: the audit rule, and whether it names the agent. */
  refusedAs?: { rule: string; namesAgent: boolean };
}

export const cases: Case[] = [
  { name: 'no grant', grants: () => [], expect: () => 'denied' },
  { name: 'group off', grants: (a) => [`${a.group}=off`], expect: () => 'denied' },
  {
    name: 'group read',
    grants: (a) => [`${a.group}=read`],
    expect: (a) => (a.access === 'read' ? allows(a) : 'denied'),
  },
  { name: 'group full', grants: (a) => [`${a.group}=full`], expect: allows },
  {
    name: 'group full without approval',
    grants: (a) => [`${a.group}=full/no-approval`],
    expect: () => 'allowed',
  },
  {
    name: 'group full, action full without approval',
    grants: (a) => [`${a.group}=full`, `${a.id}=full/no-approval`],
    expect: () => 'allowed',
  },
  {
    name: 'another group full',
    grants: (a) => [`${a.group === 'people' ? 'contacts' : 'people'}=full`],
    expect: () => 'denied',
  },
  {
    name: 'group full, action off',
    grants: (a) => [`${a.group}=full`, `${a.id}=off`],
    expect: () => 'denied',
  },
  {
    name: 'group off, action full',
    grants: (a) => [`${a.group}=off`, `${a.id}=full`],
    expect: allows,
  },
  {
    name: 'group full, action read',
    grants: (a) => [`${a.group}=full`, `${a.id}=read`],
    expect: (a) => (a.access === 'read' ? allows(a) : 'denied'),
  },
  {
    name: 'revoked token',
    grants: (a) => [`${a.group}=full`],
    expect: () => 'unauthenticated',
    token: 'revoked',
    refusedAs: { rule: 'revoked token', namesAgent: true },
  },
  {
    name: 'rotated (old) token',
    grants: (a) => [`${a.group}=full`],
    expect: () => 'unauthenticated',
    token: 'rotated',
    refusedAs: { rule: 'rotated token', namesAgent: true },
  },
  {
    name: 'unknown token',
    grants: (a) => [`${a.group}=full`],
    expect: () => 'unauthenticated',
    token: 'unknown',
    refusedAs: { rule: 'unauthenticated', namesAgent: false },
  },
];
