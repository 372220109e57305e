// What an action does, as badges: what it reaches (outbound mail and sequences), what it costs
// (credits), how much it changes at once (bulk), and whether its calls are held by default.
import type { Target } from './MatrixCell';

const names: Record<string, string> = {
  read: 'read',
  write: 'write',
  bulk_write: 'bulk',
  outbound: 'outbound',
  spend: 'spend',
  admin: 'admin',
};
const meaning: Record<string, string> = {
  read: 'Reads data only.',
  write: 'Creates or changes records.',
  bulk_write: 'Changes many records in one call.',
  outbound: 'Reaches people outside the team (sends mail, starts sequences).',
  spend: 'Spends Apollo credits.',
  admin: 'Changes the Apollo account’s set-up.',
};

export function EffectBadges({ target }: { target: Target }) {
  if (!target.effect) return null;
  return (
    <span className="badges">
      <span className={`badge badge-${target.effect}`} title={meaning[target.effect]}>
        {names[target.effect] ?? target.effect}
      </span>
      {target.approval_by_default && (
        <>
          <span className="visually-hidden"> · </span>
          <span
            className="badge badge-held"
            title="Held for an admin's approval unless granted without approval."
          >
            held by default
          </span>
        </>
      )}
    </span>
  );
}
