// Ids for team records: Mongo ObjectId style (creation second, then 16 hex digits from the seed
// and a counter), so ids are unique, sort by creation and repeat for the same seed and clock.

import { hash, hex8, salt } from '../hash.js';

/** Issues record ids for one world. */
export interface IdGen {
  next(atMs: number): string;
}

export function createIdGen(s: number): IdGen {
  let counter = 0;
  return {
    next(atMs) {
      counter++;
      return (
        hex8(Math.floor(atMs / 1000)) +
        hex8(hash(s, salt.crm, counter)) +
        hex8(hash(s, salt.crmLow, counter))
      );
    },
  };
}
