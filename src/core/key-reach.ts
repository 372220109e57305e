// What Gatehouse knows about which endpoints the team's Apollo key can reach. A scoped (standard)
// Apollo key only reaches the endpoints ticked when it was made; Apollo answers the others with
// 403 API_INACCESSIBLE. Knowing that lets Gatehouse say so before an agent is surprised by it.

/** Reach facts kept in the connection's metadata. */
export interface KeyReach {
  readonly keyType?: 'master' | 'scoped' | undefined;
  readonly reachableActions?: readonly string[] | undefined;
  readonly unreachableActions?: readonly string[] | undefined;
}

/** Whether the key reaches an action: known yes, known no, or not known yet. */
export type Reach = 'reachable' | 'unreachable' | 'unknown';

/** The reach of one action under the stored facts. */
export function reachOf(facts: KeyReach, actionId: string): Reach {
  if (facts.keyType === 'master') return 'reachable';
  if (facts.unreachableActions?.includes(actionId)) return 'unreachable';
  if (facts.reachableActions?.includes(actionId)) return 'reachable';
  return 'unknown';
}

/** A sentence for people about the reach of one action, or null when there is nothing to say. */
export function reachNote(facts: KeyReach, actionId: string, keyScope: string): string | null {
  switch (reachOf(facts, actionId)) {
    case 'unreachable':
      return `The team's Apollo API key cannot reach ${actionId}: it is a scoped key without "${keyScope}", so Apollo answers 403 API_INACCESSIBLE whatever the agent's grants. Add that endpoint to the key in Apollo (or connect a master key), then run gatehouse connect apikey again.`;
    case 'unknown':
      return facts.keyType === 'scoped'
        ? `The team's Apollo key is scoped; whether it reaches ${actionId} is not known until the first call (it needs "${keyScope}").`
        : null;
    default:
      return null;
  }
}

/** The facts after an answer from Apollo: null when nothing changed. */
export function learnReach(facts: KeyReach, actionId: string, reachable: boolean): KeyReach | null {
  if (facts.keyType === 'master' && reachable) return null;
  const yes = new Set(facts.reachableActions ?? []);
  const no = new Set(facts.unreachableActions ?? []);
  if (reachable ? yes.has(actionId) && !no.has(actionId) : no.has(actionId) && !yes.has(actionId)) {
    return null;
  }
  (reachable ? yes : no).add(actionId);
  (reachable ? no : yes).delete(actionId);
  return {
    ...facts,
    ...(facts.keyType === 'master' && !reachable ? { keyType: 'scoped' as const } : {}),
    reachableActions: [...yes].sort(),
    unreachableActions: [...no].sort(),
  };
}
