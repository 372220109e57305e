import type { Kysely } from 'kysely';

import { ok } from '../core/result.js';
import type { Result } from '../core/result.js';

import { parseJson, stringifyJson } from './codec.js';
import type { JsonValue } from './codec.js';
import type { Database } from './db.js';
import { storeError } from './errors.js';
import type { StoreError } from './errors.js';

/** Small JSON settings by key (console preferences, retention, onboarding state …). */
export interface SettingsRepository {
  /** The stored value, or undefined when the key was never set. */
  get(key: string): Promise<JsonValue | undefined>;
  /** Stores a JSON value, replacing any previous one. */
  set(key: string, value: JsonValue): Promise<Result<void, StoreError>>;
  /** Removes the key; true if it was set. */
  remove(key: string): Promise<boolean>;
}

const keyPattern = /^[A-Za-z0-9_.:-]{1,200}$/;

/** Creates the settings repository; `now` defaults to the system clock. */
export function createSettingsRepository(
  db: Kysely<Database>,
  deps: { now?: () => number } = {},
): SettingsRepository {
  const now = deps.now ?? Date.now;
  return {
    async get(key) {
      const row = await db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', key)
        .executeTakeFirst();
      return row === undefined ? undefined : (parseJson(row.value) as JsonValue | undefined);
    },

    async set(key, value) {
      if (!keyPattern.test(key)) {
        return storeError(
          'invalid_input',
          'setting keys are 1 to 200 letters, digits, dots, colons, dashes and underscores',
        );
      }
      const text = value === undefined ? undefined : stringifyJson(value);
      if (text === undefined) return storeError('invalid_input', `setting ${key} must be JSON`);
      const updatedAt = now();
      await db
        .insertInto('settings')
        .values({ key, value: text, updated_at: updatedAt })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: text, updated_at: updatedAt }))
        .execute();
      return ok(undefined);
    },

    async remove(key) {
      const result = await db.deleteFrom('settings').where('key', '=', key).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
