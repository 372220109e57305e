// A token shown once: just after an agent is created (on its page, where the Agents page hands it
// over) or its token rotated. The token is held in memory only, never in the URL or storage.

/** A token just issued, for the agent it belongs to. */
export interface Issued {
  readonly agentId: string;
  readonly name: string;
  readonly token: string;
}

let handed: Issued | null = null;

/** Hands a new agent's token to its page, which the console opens next. */
export function handOff(issued: Issued): void {
  handed = issued;
}

/** The token handed to `name`'s page, if any (it stays until {@link forgetHanded}). */
export function peekHanded(name: string): Issued | null {
  return handed?.name === name ? handed : null;
}

/** Drops the handed token once its page holds it, so it is not shown a second time. */
export function forgetHanded(name: string): void {
  if (handed?.name === name) handed = null;
}

/** Where an agent's page is. */
export const agentHref = (name: string) => `#/agents/${encodeURIComponent(name)}`;

export function IssuedToken(props: { issued: Issued; onDone: () => void }) {
  const { issued, onDone } = props;
  return (
    <div className="notice issued" role="status">
      Token for <strong>{issued.name}</strong> (shown once; store it now):{' '}
      <span className="token" data-testid="issued-token">
        {issued.token}
      </span>{' '}
      <button type="button" onClick={() => void navigator.clipboard?.writeText(issued.token)}>
        Copy
      </button>{' '}
      <button type="button" onClick={onDone}>
        Done
      </button>
    </div>
  );
}
