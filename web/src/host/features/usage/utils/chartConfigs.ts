// The dashboard's three charts as Chart.js configurations built from a report's days: tasks and
// errors per day (bars), cost per day (a line), time to first token p50 and p95 (lines). Pure
// functions of the data and the theme's colours, so they are tested without a canvas.
import type { ChartConfiguration, ChartOptions, ChartType } from "chart.js";
import type { UsageDay } from "../../../../generated";

/** The design tokens a chart is drawn with (CSS colour strings, read from styles.css). */
export interface ChartColours {
  text: string;
  grid: string;
  tasks: string;
  errors: string;
  cost: string;
  p50: string;
  p95: string;
  font: string;
}

/** A configuration of one of the dashboard's charts: one value per day, null where there is none. */
export type DayChart<T extends ChartType> = ChartConfiguration<T, (number | null)[], string>;

/** The day as the axis shows it: `MM-DD` (the year is in the period). */
const dayLabel = (d: UsageDay) => d.date.slice(5);

/**
 * What every chart shares: axes and legend in the theme's colours, no animation, fits its box;
 * `wholeNumbers` for counts (no tick at 0.5 tasks).
 */
function options(c: ChartColours, yTitle: string, { wholeNumbers = false } = {}) {
  const font = { family: c.font };
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    color: c.text,
    font,
    interaction: { mode: "index" as const, intersect: false },
    plugins: { legend: { labels: { color: c.text, font, boxWidth: 12 } } },
    scales: {
      x: { ticks: { color: c.text, font, maxRotation: 0, autoSkipPadding: 8 }, grid: { color: c.grid } },
      y: { beginAtZero: true, title: { display: true, text: yTitle, color: c.text, font }, ticks: { color: c.text, font, ...(wholeNumbers ? { precision: 0 } : {}) }, grid: { color: c.grid } },
    },
  } satisfies ChartOptions<"bar"> & ChartOptions<"line">;
}

/** Tasks and failed tasks per day, as bars. */
export function tasksChart(days: UsageDay[], c: ChartColours): DayChart<"bar"> {
  return {
    type: "bar",
    data: {
      labels: days.map(dayLabel),
      datasets: [
        { label: "Tasks", data: days.map((d) => d.tasks), backgroundColor: c.tasks },
        { label: "Errors", data: days.map((d) => d.errors), backgroundColor: c.errors },
      ],
    },
    options: options(c, "tasks", { wholeNumbers: true }),
  };
}

/** Cost per day in US dollars, as a line. */
export function costChart(days: UsageDay[], c: ChartColours): DayChart<"line"> {
  return {
    type: "line",
    data: {
      labels: days.map(dayLabel),
      datasets: [{ label: "Cost ($)", data: days.map((d) => d.cost), borderColor: c.cost, backgroundColor: c.cost, pointRadius: 2 }],
    },
    options: options(c, "US dollars"),
  };
}

/** Time to first token per day, median and 95th percentile, as lines (gaps on days without one). */
export function ttftChart(days: UsageDay[], c: ChartColours): DayChart<"line"> {
  return {
    type: "line",
    data: {
      labels: days.map(dayLabel),
      datasets: [
        { label: "p50", data: days.map((d) => d.ttft_p50_ms), borderColor: c.p50, backgroundColor: c.p50, pointRadius: 2 },
        { label: "p95", data: days.map((d) => d.ttft_p95_ms), borderColor: c.p95, backgroundColor: c.p95, pointRadius: 2 },
      ],
    },
    options: options(c, "milliseconds"),
  };
}
