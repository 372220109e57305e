// Pins the team's fields over HTTP: system and custom fields by source; a custom field created is
// listed by both lists under its two id forms and keys typed_custom_fields on records; updates
// change only what is sent, refuse type changes, reserved names, system fields and picklists
// without options, and rewrite a picklist as sent (kept ids keep their option, merges move values).
import { describe, expect, it } from 'vitest';

import { getAction } from '../../catalog/index.js';

import { sandboxCaller } from '../../../test/helpers/sandbox/world-http.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('fields', () => {
  it('lists system and custom fields, filtered by source', async () => {
    const { call } = sandboxCaller();
    const all = (await call('fields.list')).body.fields;
    const system = (await call('fields.list', { source: 'system' })).body.fields;
    const custom = (await call('fields.list', { source: 'custom' })).body.fields;
    const synced = (await call('fields.list', { source: 'crm_synced' })).body.fields;
    expect(all).toHaveLength(system.length + custom.length);
    expect(synced).toEqual([]);
    expect(system.every((f: any) => f.source === 'system' && f.editable === false)).toBe(true);
    expect(system.map((f: any) => f.id)).toContain('contact.id');
    expect(custom.map((f: any) => f.label)).toEqual(
      expect.arrayContaining(['Lead Source Detail', 'Tier', 'Competitor']),
    );
    for (const f of custom) expect(f.id).toMatch(/^(contact|account|opportunity)\.[0-9a-f]{24}$/);
    const typed = (await call('fields.list_typed')).body.typed_custom_fields;
    expect(typed.map((f: any) => `${f.modality}.${f.id}`).sort()).toEqual(
      custom.map((f: any) => f.id).sort(),
    );
    const tier = typed.find((f: any) => f.name === 'Tier');
    expect(tier).toMatchObject({
      type: 'picklist',
      picklist_options: ['Gold', 'Silver', 'Bronze'],
    });
    expect(tier.picklist_values).toHaveLength(3);
    expect((await call('fields.list', { source: 'nope' })).status).toBe(422);
  });

  it('creates a custom field that both lists show and records can carry', async () => {
    const { call } = sandboxCaller();
    const r = await call('fields.create', {
      label: 'Renewal owner',
      modality: 'contact',
      type: 'string',
      meta: { max_length: 120 },
    });
    expect(r.status).toBe(200);
    const [field] = r.body.typed_custom_fields;
    expect(field).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: 'Renewal owner',
      modality: 'contact',
      text_field_max_length: 120,
    });
    const listed = (await call('fields.list', { source: 'custom' })).body.fields.find(
      (f: any) => f.id === `contact.${field.id}`,
    );
    expect(listed).toMatchObject({ label: 'Renewal owner', type: 'string', source: 'custom' });
    expect(listed.meta.max_length).toBe(120);
    expect(
      (await call('fields.list_typed')).body.typed_custom_fields.map((f: any) => f.id),
    ).toContain(field.id);
    const contact = await call('contacts.create', {
      first_name: 'Rae',
      typed_custom_fields: { [field.id]: 'Jordan' },
    });
    expect(contact.body.contact.typed_custom_fields).toEqual({ [field.id]: 'Jordan' });
    expect(
      (await call('fields.create', { label: 'X', modality: 'lead', type: 'string' })).status,
    ).toBe(422);
  });

  it('updates only the keys sent and refuses what Apollo refuses', async () => {
    const { call } = sandboxCaller();
    const created = (
      await call('fields.create', { label: 'Notes', modality: 'account', type: 'textarea' })
    ).body.typed_custom_fields[0];
    const id = `account.${created.id}`;
    const renamed = await call('fields.update', { fields: [{ id, label: 'Account notes' }] });
    expect(renamed.status).toBe(200);
    expect(renamed.body.fields[0]).toMatchObject({
      id,
      label: 'Account notes',
      is_system_field: false,
    });
    expect(renamed.body.fields[0].meta.max_length).toBe(created.text_field_max_length);
    const longer = await call('fields.update', { fields: [{ id, meta: { max_length: 240 } }] });
    expect(longer.body.typed_custom_fields[0]).toMatchObject({
      name: 'Account notes',
      text_field_max_length: 240,
    });
    const refused = async (field: Record<string, unknown>, error: string) => {
      const r = await call('fields.update', { fields: [field] });
      expect(r).toEqual({ status: 422, body: { error } });
    };
    await refused({ id, type: 'number' }, 'Cannot change field type after creation');
    await refused(
      { id, label: 'powerup_score' },
      "Field name with prefix 'powerup_' is not allowed. Please use another name.",
    );
    await refused({ id: 'contact.id', label: 'Identity' }, 'Some fields could not be found');
    await refused(
      { id: `contact.${created.id}`, label: 'Wrong modality' },
      'Some fields could not be found',
    );
    // The same type may be sent back, and modality is ignored.
    expect(
      (await call('fields.update', { fields: [{ id, type: 'textarea', modality: 'contact' }] }))
        .status,
    ).toBe(200);
    expect((await call('fields.update', { fields: [] })).status).toBe(422);
    expect((await call('fields.update', { fields: [{ id }, { id }] })).status).toBe(422);
  });

  it('replaces a picklist as sent: kept ids stay, missing options go, merges move values', async () => {
    const { call } = sandboxCaller();
    const tier = (await call('fields.list_typed')).body.typed_custom_fields.find(
      (f: any) => f.name === 'Tier',
    );
    const [gold, silver, bronze] = tier.picklist_values.map((v: any) => v.id);
    const id = `account.${tier.id}`;
    const withoutOptions = await call('fields.update', { fields: [{ id, label: 'Account tier' }] });
    expect(withoutOptions).toEqual({
      status: 422,
      body: { error: 'Picklist fields must have at least one option' },
    });
    const account = (await call('accounts.search', { per_page: 1 })).body.accounts[0];
    await call('accounts.update', {
      account_id: account.id,
      typed_custom_fields: { [tier.id]: bronze },
    });
    const r = await call('fields.update', {
      fields: [
        {
          id,
          label: 'Account tier',
          meta: {
            picklist_values: [
              { id: gold, name: 'VIP' },
              { id: silver, name: 'Silver', reassign_from: [bronze] },
              { name: 'Platinum' },
            ],
          },
        },
      ],
    });
    expect(r.status).toBe(200);
    const options = r.body.fields[0].meta.picklist_values;
    expect(options.map((o: any) => o.name)).toEqual(['VIP', 'Silver', 'Platinum']);
    expect(options[0].id).toBe(gold);
    expect(options[1].id).toBe(silver);
    expect([gold, silver, bronze]).not.toContain(options[2].id);
    const after = (await call('fields.list_typed')).body.typed_custom_fields.find(
      (f: any) => f.id === tier.id,
    );
    expect(after).toMatchObject({
      name: 'Account tier',
      picklist_options: ['VIP', 'Silver', 'Platinum'],
    });
    const moved = (await call('accounts.search', { per_page: 1 })).body.accounts[0];
    expect(moved.typed_custom_fields[tier.id]).toBe(silver);
  });

  it('needs the field scopes on a standard key', async () => {
    const { call } = sandboxCaller(5, [{ key: 'fields-read', endpoints: ['fields.list'] }]);
    expect((await call('fields.list', {}, { key: 'fields-read' })).status).toBe(200);
    const denied = await call(
      'fields.create',
      { label: 'X', modality: 'contact', type: 'string' },
      { key: 'fields-read' },
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error).toContain('api/v1/fields/create');
    expect((await call('fields.list_typed', {}, { key: 'fields-read' })).status).toBe(403);
  });
});

describe('fields.update retries', () => {
  it('is safe to repeat unless it re-creates picklist options', () => {
    const update = getAction('fields.update');
    const id = 'account.694095a80f1b6000110fc557';
    expect(update.retrySafe({ fields: [{ id, label: 'Tier' }] })).toBe(true);
    expect(
      update.retrySafe({
        fields: [{ id, meta: { picklist_values: [{ id: 'a', name: 'Gold' }] } }],
      }),
    ).toBe(true);
    expect(
      update.retrySafe({ fields: [{ id, meta: { picklist_values: [{ name: 'Platinum' }] } }] }),
    ).toBe(false);
  });
});
