import { useMemo } from "react";
import type { UsageDay } from "../../../../generated";
import { useChartColours } from "../hooks/useChartColours";
import { costChart, tasksChart, ttftChart } from "../utils/chartConfigs";
import { ChartCanvas } from "./ChartCanvas";

/** The report's days as three charts: tasks and errors, cost, time to first token. */
export function UsageCharts({ days }: { days: UsageDay[] }) {
  const colours = useChartColours();
  const tasks = useMemo(() => tasksChart(days, colours), [days, colours]);
  const cost = useMemo(() => costChart(days, colours), [days, colours]);
  const ttft = useMemo(() => ttftChart(days, colours), [days, colours]);
  const span = `from ${days[0]?.date ?? ""} to ${days.at(-1)?.date ?? ""}`;
  return (
    <div className="charts">
      <ChartCanvas title="Tasks per day" config={tasks} label={`Bar chart of tasks and failed tasks per day, ${span}. The figures are in the table below.`} />
      <ChartCanvas title="Cost per day" config={cost} label={`Line chart of the cost in US dollars per day, ${span}. The figures are in the table below.`} />
      <ChartCanvas title="Time to first token" config={ttft} label={`Line chart of the median and 95th percentile time to first token in milliseconds per day, ${span}. The figures are in the table below.`} />
    </div>
  );
}
