// "A token used from a new address", across replicas: the addresses each agent was seen from are
// kept in the shared database, and the one replica whose insert recorded an address first raises
// the alert (under the new_ip key for the agent's quiet window, so at most one per window). Each
// process remembers the pairs it has checked, so an agent's calls from a known address cost
// no query.
import type { AlertStore, StoredAlert } from '../ports/alerts.js';
import type { Logger } from '../ports/index.js';

import { newAddressAlert } from './detector.js';

/** Watches the addresses agents' tokens are used from. */
export interface AddressWatch {
  /** An agent's call from `ip` (checked in the background). */
  noteUse(
    agent: { readonly id: string; readonly name: string },
    ip: string | null,
    at: number,
  ): void;
  /** Waits for the checks in progress. */
  settled(): Promise<void>;
}

/** Addresses remembered per agent in one process (the database keeps them all). */
const rememberedPerAgent = 50;

/** Creates the watch. */
export function createAddressWatch(deps: {
  readonly store: Pick<AlertStore, 'noteIp' | 'raise'>;
  readonly logger: Logger;
  readonly onRaised: (alert: StoredAlert) => void;
  readonly quietMs?: number;
}): AddressWatch {
  const known = new Map<string, Set<string>>();
  const inFlight = new Set<Promise<void>>();

  async function check(agent: { id: string; name: string }, ip: string, at: number) {
    const noted = await deps.store.noteIp(agent.id, ip, at);
    // The first address an agent is seen from is its usual one, not a new one.
    if (!noted.added || noted.others === 0) return;
    const stored = await deps.store.raise(newAddressAlert(agent, ip, at, deps.quietMs));
    if (stored) deps.onRaised(stored);
  }

  return {
    noteUse(agent, ip, at) {
      if (!ip) return;
      let ips = known.get(agent.id);
      if (ips?.has(ip)) return;
      if (!ips) {
        ips = new Set();
        known.set(agent.id, ips);
      }
      ips.add(ip);
      if (ips.size > rememberedPerAgent) ips.delete(ips.values().next().value!);
      const remembered = ips;
      const p: Promise<void> = check(agent, ip, at)
        .catch((e: unknown) => {
          // Checked again on the agent's next call from there.
          remembered.delete(ip);
          deps.logger.warn({ err: e, agentId: agent.id }, 'could not check the address of a call');
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
    async settled() {
      await Promise.all([...inFlight]);
    },
  };
}
