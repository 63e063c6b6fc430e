import { useId } from "react";
import type { UsageDay } from "../../../../generated";
import { formatCost, formatCount, formatMs } from "../utils/format";

/** Every day of the report as a row, newest first: the charts' figures, readable and testable. */
export function DailyTable({ days }: { days: UsageDay[] }) {
  const titleId = useId();
  return (
    <section className="stack" aria-labelledby={titleId}>
      <h2 id={titleId}>Per day</h2>
      {/* A long period scrolls inside its own box, which the keyboard can reach. */}
      <div className="table-wrap usage-days" role="region" aria-labelledby={titleId} tabIndex={0}>
      <table className="usage">
        <thead>
          <tr>
            <th scope="col">Date (UTC)</th>
            <th scope="col">Tasks</th>
            <th scope="col">Errors</th>
            <th scope="col">Tokens</th>
            <th scope="col">Cost</th>
            <th scope="col">TTFT p50</th>
            <th scope="col">TTFT p95</th>
          </tr>
        </thead>
        <tbody>
          {[...days].reverse().map((d) => (
            <tr key={d.date} data-testid="usage-day" data-date={d.date}>
              <th scope="row">{d.date}</th>
              <Cell name="tasks" value={d.tasks} text={formatCount(d.tasks)} />
              <Cell name="errors" value={d.errors} text={formatCount(d.errors)} />
              <Cell name="tokens" value={d.tokens} text={formatCount(d.tokens)} />
              <Cell name="cost" value={d.cost} text={formatCost(d.cost)} />
              <Cell name="ttft-p50" value={d.ttft_p50_ms} text={formatMs(d.ttft_p50_ms)} />
              <Cell name="ttft-p95" value={d.ttft_p95_ms} text={formatMs(d.ttft_p95_ms)} />
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </section>
  );
}

/** A figure of a row, with the exact number for a test to read. */
function Cell({ name, value, text }: { name: string; value: number | null; text: string }) {
  return <td data-testid={`day-${name}`} data-value={value ?? ""}>{text}</td>;
}
