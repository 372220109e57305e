// Samples for the team's contacts, accounts and deals beyond the first 20 actions.
import { base } from './core.js';
import { idOf, rows, type Row, type SampleBook, type SampleContext } from './context.js';

interface CrmIds {
  /** A contact other than the one the outreach samples write to: bulk writes change it. */
  spareContact: Row;
  /** A stage some contact is in (stages are listed only by GET; a search shows them too). */
  contactStageId: string;
  /** An account other than the one accounts.update renames. */
  spareAccount: Row;
  accountStageId: string;
  /** A user other than the key's own, to hand records to. */
  otherUser: Row;
}

function crmIds(ctx: SampleContext): Promise<CrmIds> {
  return ctx.once('crm', async () => {
    const b = await base(ctx);
    const spareContact = b.contacts.find(
      (c) => c.id !== b.withEmail.id && typeof c.contact_stage_id === 'string',
    );
    const accounts = rows(
      await ctx.run('accounts.search', { per_page: 5 }),
      'accounts',
      'accounts',
    ).filter((a) => a.id !== b.accounts[0]!.id);
    const spareAccount = accounts.find((a) => typeof a.account_stage_id === 'string');
    const otherUser = b.users.find((u) => u.id !== b.users[0]!.id) ?? b.users[0]!;
    if (!spareContact || !spareAccount)
      throw new Error('the sandbox lacks a fixture the samples need: a spare contact and account');
    return {
      spareContact,
      contactStageId: idOf(spareContact, 'a contact stage', 'contact_stage_id'),
      spareAccount,
      accountStageId: idOf(spareAccount, 'an account stage', 'account_stage_id'),
      otherUser,
    };
  });
}

const withIds = (make: (ids: CrmIds, b: Awaited<ReturnType<typeof base>>) => Row) => ({
  build: async (ctx: SampleContext) => make(await crmIds(ctx), await base(ctx)),
});

export const crmSamples: SampleBook = {
  'contacts.get': withIds((_, b) => ({ contact_id: b.withEmail.id })),
  'contacts.deals': withIds((_, b) => ({ contact_id: b.withEmail.id })),
  'contacts.bulk_create': withIds(() => ({
    contacts: [
      { first_name: 'Bulk', last_name: 'Matrix', email: 'bulk.matrix@example.com' },
      { first_name: 'Second', last_name: 'Matrix', title: 'Analyst' },
    ],
  })),
  'contacts.bulk_update': withIds((ids) => ({
    contact_attributes: [{ id: ids.spareContact.id, title: 'Matrix Analyst' }],
  })),
  'contacts.update_stages': withIds((ids) => ({
    contact_ids: [ids.spareContact.id],
    contact_stage_id: ids.contactStageId,
  })),
  'contacts.update_owners': withIds((ids) => ({
    contact_ids: [ids.spareContact.id],
    owner_id: ids.otherUser.id,
  })),
  'contacts.stages': withIds(() => ({})),
  'accounts.get': withIds((_, b) => ({ id: b.accounts[0]!.id })),
  'accounts.bulk_create': withIds(() => ({
    accounts: [{ name: 'Matrix Bulk Co', domain: 'matrix-bulk.example' }],
  })),
  'accounts.bulk_update': withIds((ids) => ({
    account_attributes: [{ id: ids.spareAccount.id, name: 'Matrix Bulk Renamed' }],
  })),
  'accounts.update_owners': withIds((ids) => ({
    account_ids: [ids.spareAccount.id],
    owner_id: ids.otherUser.id,
  })),
  'accounts.stages': withIds(() => ({})),
  'deals.get': withIds((_, b) => ({ opportunity_id: b.deals[0]!.id })),
  'deals.stages': withIds(() => ({})),
  'deals.list_legacy': withIds(() => ({ per_page: 5 })),
};
