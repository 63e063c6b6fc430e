import { errorText } from "../../../lib/query";
import { Link } from "../../../lib/router";
import { useAccountBudget } from "../api/budget";

const dollars = new Intl.NumberFormat(undefined, { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 6 });
const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * What the account has spent today and this month against the server's caps, and when each
 * starts again from zero: a run over a cap is refused until then.
 */
export function AccountBudget() {
  const budget = useAccountBudget();
  const b = budget.data;
  return (
    <section className="stack" aria-labelledby="account-budget-title">
      <h2 id="account-budget-title">Spending</h2>
      <p className="muted">Your runs, and others' runs of your UIs that you pay for. Details per day are on the <Link href="/usage">usage page</Link>.</p>
      {budget.error && <p role="alert" className="error">{errorText(budget.error)}</p>}
      {!b && !budget.error && <p aria-busy="true">Loading…</p>}
      {b && (
        <dl className="spending">
          <Spent name="Today" testId="spent-today" spent={b.spent_today} cap={b.daily_cost_limit} resetsAt={b.day_resets_at} />
          <Spent name="This month" testId="spent-month" spent={b.spent_this_month} cap={b.monthly_cost_limit} resetsAt={b.month_resets_at} />
        </dl>
      )}
    </section>
  );
}

/** One period's spending: the sum, the cap (or none) and when it resets. */
function Spent({ name, testId, spent, cap, resetsAt }: { name: string; testId: string; spent: number; cap: number | null; resetsAt: string }) {
  return (
    <div className="card">
      <dt>{name}</dt>
      <dd data-testid={testId} data-value={spent}>
        <strong>{dollars.format(spent)}</strong> {cap === null ? "spent (no cap)" : `of ${dollars.format(cap)}`}
      </dd>
      {cap !== null && spent >= cap && <dd><span className="badge bad">Cap reached</span></dd>}
      <dd className="muted">Resets {when(resetsAt)}</dd>
    </div>
  );
}
