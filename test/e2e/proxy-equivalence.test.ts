// Gatehouse's REST proxy is a drop-in for Apollo: for every catalog action, an agent granted the
// action gets the status and JSON body Apollo itself gives. Two sandboxes with the same seed and
// clock receive the same calls in the same order, one directly with its master key and one behind
// Gatehouse, so the records they create get the same ids. The differences that are Gatehouse's
// documented behaviour are checked, not ignored: the action's secret fields are removed, and
// Gatehouse adds headers (not compared). Phone reveals, where Gatehouse puts its own webhook_url,
// are not among the samples.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { actions, type ActionSpec } from '../../src/catalog/index.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { manualClock } from '../helpers/sandbox/clock.js';
import { createWorld } from '../../src/sandbox/world/index.js';
import { requestFor, sampleSet, type SampleSet } from '../helpers/fixtures.js';
import { createHarness, type Harness } from '../helpers/harness.js';

type Json = unknown;

const masterKey = 'equivalence-master-key';
const clock = manualClock();
const unlimited = { minute: null, hour: null, day: null };
const limits = Object.fromEntries(actions.map((a) => [a.id, unlimited]));

let h: Harness;
let direct: Sandbox;
let directSamples: SampleSet;
let gatedSamples: SampleSet;
let granted: string;
let outsider: string;

/** Calls the direct sandbox as an agent would call Apollo. */
async function callDirect(method: string, path: string, body?: unknown): Promise<Response> {
  return direct.app.request(path, {
    method,
    headers: { 'x-api-key': masterKey, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

beforeAll(async () => {
  // The enrichment cache would answer a repeated match without Apollo; here every call goes on.
  h = await createHarness({
    sandbox: { clock, limits, masterKeys: [masterKey] },
    config: { cacheTtlDays: 0 },
  });
  direct = createSandbox({
    seed: 7,
    createWorld,
    clock,
    limits,
    masterKeys: [masterKey],
    fetch: async () => new Response(null, { status: 200 }),
  });
  const json = async (res: Response) => {
    if (res.status !== 200) throw new Error(`sandbox answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  directSamples = sampleSet(async (method, path, body) =>
    json(await callDirect(method, path, body)),
  );
  gatedSamples = sampleSet(h);
  const groups = [...new Set(actions.map((a) => a.group))];
  granted = await h.agent(
    'equivalence',
    groups.map((g) => `${g}=full/no-approval`),
  );
  outsider = await h.agent('outsider', []);
});
afterAll(async () => {
  direct?.close();
  await h?.close();
});

/** The body without any key named in `fields`, at any depth. */
function without(value: Json, fields: readonly string[]): Json {
  if (Array.isArray(value)) return value.map((v) => without(v, fields));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !fields.includes(k))
        .map(([k, v]) => [k, without(v, fields)]),
    );
  }
  return value;
}

/** Where keys named in `fields` occur in the body (dotted paths). */
function occurrences(value: Json, fields: readonly string[], at = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => occurrences(v, fields, `${at}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [
      ...(fields.includes(k) ? [`${at}.${k}`] : []),
      ...occurrences(v, fields, `${at}.${k}`),
    ]);
  }
  return [];
}

async function jsonOf(res: Response): Promise<Json> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

/** The latest audit record, checked to be the only one this call left, in plain English. */
async function onlyRecord(before: number, action: ActionSpec) {
  expect(await h.store.audit.count()).toBe(before + 1);
  const [record] = (await h.store.audit.query({ limit: 1 })).records;
  expect(record!.action).toBe(action.id);
  expect(record!.sentence.length).toBeGreaterThan(20);
  expect(record!.sentence).not.toMatch(/undefined|\[object|NaN/);
  return record!;
}

/** Actions whose direct answer carries their secret fields for the samples below. */
const secretsShown = new Set<string>();

describe.each(actions.map((a) => [a.id, a] as const))('%s', (_id, action) => {
  it('answers through Gatehouse as Apollo does directly; an agent without the grant is refused', async () => {
    // One second between actions on the clock both sandboxes share.
    clock.advance(1000);
    const inputDirect = await directSamples.next(action.id);
    const inputGated = await gatedSamples.next(action.id);
    // Same seed, clock and calls: the samples name the same records in both sandboxes.
    expect(inputGated).toEqual(inputDirect);

    const call = requestFor(action.id, inputDirect);
    const directRes = await callDirect(call.method, call.path, call.body);
    const directBody = await jsonOf(directRes);

    const before = await h.store.audit.count();
    const gated = requestFor(action.id, inputGated);
    const gatedRes = await h.request(gated.method, gated.path, {
      token: granted,
      body: gated.body,
    });
    const gatedBody = await jsonOf(gatedRes);

    const say = JSON.stringify(gatedBody).slice(0, 400);
    expect(directRes.status, JSON.stringify(directBody).slice(0, 400)).toBe(200);
    expect(gatedRes.status, say).toBe(directRes.status);
    // Gatehouse removes the team's secrets (e.g. SendGrid credentials) from every answer.
    expect(occurrences(gatedBody, action.secretFields)).toEqual([]);
    if (occurrences(directBody, action.secretFields).length > 0) secretsShown.add(action.id);
    expect(gatedBody).toEqual(without(directBody, action.secretFields));

    const record = await onlyRecord(before, action);
    expect(record.decision).toBe('allowed');
    expect(record.upstreamStatus).toBe(directRes.status);

    const refusedBefore = await h.store.audit.count();
    const refused = await h.request(gated.method, gated.path, {
      token: outsider,
      body: gated.body,
    });
    const refusal = (await refused.json()) as { error?: string; action?: string; reason?: string };
    expect(refused.status).toBe(403);
    expect(refusal.action).toBe(action.id);
    expect(refusal.reason, JSON.stringify(refusal)).toMatch(/\w+ \w+/);
    const denied = await onlyRecord(refusedBefore, action);
    expect(denied.decision).toBe('denied');
    expect(denied.upstreamStatus).toBeNull();
  });
});

describe('secret fields', () => {
  it("are in Apollo's own answer where the samples reach them, so their removal was tested", () => {
    const withSecrets = actions
      .filter((a) => a.secretFields.length > 0 && a.id !== 'sequences.remove_contacts')
      .map((a) => a.id);
    expect(withSecrets.length).toBeGreaterThan(0);
    for (const id of withSecrets) expect(secretsShown, id).toContain(id);
  });

  it('are removed from the job a large sequences.remove_contacts answers with', async () => {
    // Apollo answers more than 100 contacts with a background job whose params echo the caller's
    // credentials; the same call to both sandboxes differs only by those.
    const action = actions.find((a) => a.id === 'sequences.remove_contacts')!;
    const pick = async (call: (m: string, p: string, b?: unknown) => Promise<Json>) => {
      const ids: string[] = [];
      for (const page of [1, 2]) {
        const found = (await call('POST', '/api/v1/contacts/search', { per_page: 100, page })) as {
          contacts: Array<{ id: string }>;
        };
        ids.push(...found.contacts.map((c) => c.id));
      }
      return ids.slice(0, 101);
    };
    const directIds = await pick(async (m, p, b) => jsonOf(await callDirect(m, p, b)));
    const gatedIds = await pick(h.apollo);
    expect(gatedIds).toEqual(directIds);
    expect(directIds).toHaveLength(101);
    const sequence = (await directSamples.next('sequences.remove_contacts'))
      .emailer_campaign_ids as string[];
    const input = { emailer_campaign_ids: sequence, contact_ids: directIds, mode: 'stop' };
    const call = requestFor(action.id, input);
    const directRes = await callDirect(call.method, call.path, call.body);
    const directBody = await jsonOf(directRes);
    const before = await h.store.audit.count();
    const gatedRes = await h.request(call.method, call.path, { token: granted, body: call.body });
    const gatedBody = await jsonOf(gatedRes);
    expect(directRes.status).toBe(200);
    expect(gatedRes.status).toBe(200);
    expect(occurrences(directBody, action.secretFields).length).toBeGreaterThan(0);
    expect(occurrences(gatedBody, action.secretFields)).toEqual([]);
    expect(gatedBody).toEqual(without(directBody, action.secretFields));
    await onlyRecord(before, action);
  });
});
