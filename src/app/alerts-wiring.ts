// Anomaly alerts live in the database. The rules run over the shared audit table, evaluated by one
// replica at a time (the lease holder) on a timer; a token's new address is checked at each use.
// An alert is stored once, and logged and notified by the one process that stored it.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

import {
  createAddressWatch,
  createAlertEvaluator,
  type AlertEvaluator,
  type EvaluatorOptions,
} from '../alerts/index.js';
import type { Config } from '../config/config.js';
import { dayMs, utcDay } from '../core/index.js';
import type { StoredAlert } from '../ports/alerts.js';
import type { AgentDirectory, AgentIdentity, Clock, CreditLedger, Logger } from '../ports/index.js';
import type { StoreServices } from '../store/open-store.js';

import type { Notify } from './notify.js';

export function createAlerts(deps: {
  readonly store: StoreServices;
  readonly config: Pick<Config, 'auditRetentionDays'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly notify: Notify;
  readonly ledger: CreditLedger;
  readonly options: (EvaluatorOptions & { readonly evaluate?: boolean }) | undefined;
}): { evaluator: AlertEvaluator; addresses: ReturnType<typeof createAddressWatch> } {
  const { store, config, clock, logger, notify, ledger, options } = deps;
  const raised = (a: StoredAlert) => {
    logger.warn(
      { alert: a.kind, alert_id: a.id, agent: a.agentName, audit_ids: a.auditIds },
      a.message,
    );
    void notify(`Gatehouse alert: ${a.message}`);
  };
  const budgets = new Map<string, { day: number | null; at: number }>();
  const evaluator = createAlertEvaluator({
    store: store.alerts,
    holder: `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`,
    now: clock.now,
    logger,
    // An agent's daily budget is read once a minute at most; what it spent, at each paid call.
    async budget(agentId, at) {
      let known = budgets.get(agentId);
      if (!known || clock.now() - known.at > 60_000) {
        const agent = await store.agents.get(agentId);
        known = { day: agent?.id === agentId ? agent.creditBudgetDay : null, at: clock.now() };
        budgets.set(agentId, known);
      }
      if (!known.day) return null;
      return { day: known.day, spentToday: await ledger.spent(agentId, utcDay(at).start) };
    },
    onRaised: raised,
    options: { retentionMs: config.auditRetentionDays * dayMs, ...options },
  });
  if (options?.evaluate !== false) evaluator.start();
  const addresses = createAddressWatch({ store: store.alerts, logger, onRaised: raised });
  return { evaluator, addresses };
}

/**
 * The agent directory, noting each use's address for the new-address alert and remembering the
 * agents it authenticated (in `seen`), so the alert can name the agent.
 */
export function withAddressWatch(
  agents: AgentDirectory,
  addresses: ReturnType<typeof createAddressWatch>,
  seen: Map<string, AgentIdentity>,
): AgentDirectory {
  return {
    async authenticate(token) {
      const agent = await agents.authenticate(token);
      if (agent) seen.set(agent.id, agent);
      return agent;
    },
    byId: (id) => agents.byId?.(id) ?? Promise.resolve(null),
    retired: (token) => agents.retired?.(token) ?? Promise.resolve(null),
    noteUse(agentId, ip, at) {
      agents.noteUse(agentId, ip, at);
      addresses.noteUse({ id: agentId, name: seen.get(agentId)?.name ?? agentId }, ip, at);
    },
  };
}
