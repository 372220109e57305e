// Credits spent against a budget, as a <meter>: amber from 80 % of the budget, red from 95 %, and
// never drawn past full. Every page that shows spend (usage, the agent page, the overview) uses
// it, so the thresholds and the label read the same everywhere.
export function BudgetMeter(props: { spent: number; budget: number; label: string }) {
  const { spent, budget, label } = props;
  return (
    <meter
      min={0}
      max={Math.max(budget, 1)}
      low={budget * 0.8}
      high={budget * 0.95}
      optimum={0}
      value={Math.min(spent, budget)}
      aria-label={label}
    />
  );
}
