import type { UsageReport } from "../../../../generated";
import { formatCost, formatCount, formatMs, formatRate } from "../utils/format";

/** The period's totals at a glance: tasks, tokens, cost, error rate and time to first token. */
export function SummaryFigures({ report }: { report: UsageReport }) {
  const t = report.totals;
  return (
    <dl className="figures" aria-label="Totals for the period">
      <Figure name="Tasks" testId="tasks" value={t.tasks} text={formatCount(t.tasks)} />
      <Figure name="Tokens" testId="tokens" value={t.tokens} text={formatCount(t.tokens)} />
      <Figure name="Cost" testId="cost" value={t.cost} text={formatCost(t.cost)} />
      <Figure name="Error rate" testId="error-rate" value={report.error_rate} text={formatRate(report.error_rate)} detail={`${formatCount(t.errors)} failed`} />
      <Figure name="Time to first token, p50" testId="ttft-p50" value={t.ttft_p50_ms} text={formatMs(t.ttft_p50_ms)} />
      <Figure name="Time to first token, p95" testId="ttft-p95" value={t.ttft_p95_ms} text={formatMs(t.ttft_p95_ms)} />
    </dl>
  );
}

/** One total: its name, the figure as written, and the exact number for a test to read. */
function Figure({ name, testId, value, text, detail }: { name: string; testId: string; value: number | null; text: string; detail?: string }) {
  return (
    <div className="figure card">
      <dt>{name}</dt>
      <dd data-testid={`total-${testId}`} data-value={value ?? ""}>
        {text}
        {detail && <span className="muted"> · {detail}</span>}
      </dd>
    </div>
  );
}
