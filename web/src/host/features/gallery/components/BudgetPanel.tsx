import { useId, useState, type FormEvent } from "react";
import type { Payer, UiBudget } from "../../../../generated";
import { errorText } from "../../../lib/query";
import { useSaveUiBudget, useUiBudget } from "../api/budget";

/** The owner's budget for a UI: who pays for its runs, and what they may cost or number a day. */
export function BudgetPanel({ uiId }: { uiId: string }) {
  const budget = useUiBudget(uiId);
  if (budget.error) return <p role="alert" className="error">{errorText(budget.error)}</p>;
  if (!budget.data) return <p aria-busy="true">Loading…</p>;
  return <BudgetForm uiId={uiId} saved={budget.data} />;
}

/** A cap as typed: empty for none. */
const capText = (n: number | null) => (n === null ? "" : String(n));
/** A cap as sent: none when empty; anything else as typed, for the server to check. */
const capValue = (text: string) => (text.trim() === "" ? null : Number(text));

function BudgetForm({ uiId, saved }: { uiId: string; saved: UiBudget }) {
  const save = useSaveUiBudget(uiId);
  const [payer, setPayer] = useState<Payer>(saved.payer);
  const [maxCost, setMaxCost] = useState(capText(saved.max_cost_per_day));
  const [maxRuns, setMaxRuns] = useState(capText(saved.max_runs_per_viewer_per_day));
  const hintId = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ payer, max_cost_per_day: capValue(maxCost), max_runs_per_viewer_per_day: capValue(maxRuns) });
  };
  // A change after a save (or a refusal) clears what the last save said.
  const edited = () => save.reset();
  return (
    <form className="stack budget-panel" aria-label="Budget" onSubmit={submit}>
      <label>Who pays for runs
        <select
          value={payer}
          onChange={(e) => {
            setPayer(e.target.value as Payer);
            edited();
          }}
        >
          <option value="viewer">Viewers pay</option>
          <option value="owner">I pay</option>
        </select>
      </label>
      <label>Max cost per day ($)
        <input
          type="number"
          inputMode="decimal"
          min="0"
          step="any"
          value={maxCost}
          aria-describedby={hintId}
          onChange={(e) => {
            setMaxCost(e.target.value);
            edited();
          }}
        />
      </label>
      <label>Max runs per viewer per day
        <input
          type="number"
          inputMode="numeric"
          min="0"
          step="1"
          value={maxRuns}
          aria-describedby={hintId}
          onChange={(e) => {
            setMaxRuns(e.target.value);
            edited();
          }}
        />
      </label>
      <p id={hintId} className="muted">Leave a cap empty for no cap. A day is a UTC day.</p>
      <div className="row center">
        <button type="submit" disabled={save.isPending}>{save.isPending ? "Saving…" : "Save budget"}</button>
        <span role="status" className="saved">{save.isSuccess ? "Budget saved." : ""}</span>
      </div>
      {save.error && <p role="alert" className="error">{errorText(save.error)}</p>}
    </form>
  );
}
