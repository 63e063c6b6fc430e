import { errorText } from "../../../lib/query";
import { navigate, useLocation } from "../../../lib/router";
import { PERIODS, useDownloadUsageCsv, useOwnUis, useUsageReport, type Period } from "../api/usage";
import { DailyTable } from "./DailyTable";
import { ReportControls } from "./ReportControls";
import { SliceTable } from "./SliceTable";
import { SummaryFigures } from "./SummaryFigures";
import { UsageCharts } from "./UsageCharts";

/** The report chosen, kept in the query string (`?ui=…&days=…`) so a reload or a link keeps it. */
function parseChoice(search: string): { uiId: string | null; days: Period } {
  const p = new URLSearchParams(search);
  const days = PERIODS.find((d) => String(d) === p.get("days")) ?? 30;
  return { uiId: p.get("ui") || null, days };
}

function choiceUrl({ uiId, days }: { uiId: string | null; days: Period }): string {
  const p = new URLSearchParams();
  if (uiId) p.set("ui", uiId);
  if (days !== 30) p.set("days", String(days));
  const qs = p.toString();
  return qs ? `/usage?${qs}` : "/usage";
}

/**
 * `/usage`: what the account's tasks (or one of its UIs' tasks, anyone's) cost and how they went,
 * per day over 7, 30 or 90 days: totals, charts, the figures per day, by who paid, by UI and by
 * embed (once an embed has runs), and the same per day as a CSV file. Loaded when first opened (it brings Chart.js).
 */
export default function UsagePage() {
  const { search } = useLocation();
  const choice = parseChoice(search);
  const report = useUsageReport(choice.uiId, choice.days);
  const uis = useOwnUis();
  const download = useDownloadUsageCsv();
  const data = report.data;
  const error = report.error ?? uis.error ?? download.error;

  return (
    <main className="page wide stack usage-page">
      <div className="row center">
        <h1 className="grow">Usage</h1>
        <button type="button" className="secondary" disabled={download.isPending} onClick={() => download.mutate(choice)}>
          {download.isPending ? "Downloading…" : "Download CSV"}
        </button>
      </div>
      <ReportControls uis={uis.data ?? []} uiId={choice.uiId} days={choice.days} onChange={(to) => navigate(choiceUrl(to))} />
      {error && <p role="alert" className="error">{errorText(error)}</p>}
      {!data && !error && <p aria-busy="true">Loading…</p>}
      {data && (
        <div className="stack" aria-busy={report.isPlaceholderData || undefined} data-testid="usage-report" data-scope={choice.uiId ?? "account"} data-days={choice.days} data-from={data.from} data-to={data.to}>
          <p className="muted">
            {data.from} to {data.to} (UTC){data.totals.tasks === 0 && " · no tasks in this period yet"}
          </p>
          <SummaryFigures report={data} />
          <UsageCharts days={data.days} />
          <DailyTable days={data.days} />
          <div className="usage-slices">
            <SliceTable title="By who paid" heading="Paid by" slices={data.by_payer} testId="usage-payer" empty="No tasks in this period." />
            <SliceTable title="Top UIs" heading="UI" slices={data.top_uis} testId="usage-top-ui" empty="No tasks through custom UIs in this period." />
            {data.by_embed.some((s) => s.key !== "direct") && (
              <SliceTable title="By embed" heading="Through" slices={data.by_embed} testId="usage-embed" empty="No tasks in this period." />
            )}
          </div>
        </div>
      )}
    </main>
  );
}
