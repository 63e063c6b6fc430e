import { useId } from "react";
import type { UsageSlice } from "../../../../generated";
import { formatCost, formatCount } from "../utils/format";

/** Part of the report split one way (by who paid, or by UI), one row per part. */
export function SliceTable({ title, heading, slices, testId, empty }: { title: string; heading: string; slices: UsageSlice[]; testId: string; empty: string }) {
  const titleId = useId();
  return (
    <section className="stack" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      {slices.length === 0 ? <p className="muted">{empty}</p> : (
        // On a narrow screen the table scrolls inside its own box, which the keyboard can reach.
        <div className="table-wrap" role="region" aria-labelledby={titleId} tabIndex={0}>
          <table className="usage" aria-labelledby={titleId}>
            <thead>
              <tr>
                <th scope="col">{heading}</th>
                <th scope="col">Tasks</th>
                <th scope="col">Errors</th>
                <th scope="col">Tokens</th>
                <th scope="col">Cost</th>
              </tr>
            </thead>
            <tbody>
              {slices.map((s) => (
                <tr key={s.key} data-testid={testId} data-key={s.key}>
                  <th scope="row">{s.label}</th>
                  <td data-testid="slice-tasks" data-value={s.tasks}>{formatCount(s.tasks)}</td>
                  <td data-testid="slice-errors" data-value={s.errors}>{formatCount(s.errors)}</td>
                  <td data-testid="slice-tokens" data-value={s.tokens}>{formatCount(s.tokens)}</td>
                  <td data-testid="slice-cost" data-value={s.cost}>{formatCost(s.cost)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
