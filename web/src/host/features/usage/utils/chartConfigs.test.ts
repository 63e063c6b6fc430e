import { describe, expect, it } from "vitest";
import type { UsageDay } from "../../../../generated";
import { costChart, tasksChart, ttftChart, type ChartColours } from "./chartConfigs";

const colours: ChartColours = { text: "#111", grid: "#222", tasks: "#333", errors: "#444", cost: "#555", p50: "#666", p95: "#777", font: "sans-serif" };

const day = (date: string, tasks: number, errors: number, cost: number, p50: number | null, p95: number | null): UsageDay => ({
  date,
  tasks,
  errors,
  tokens: tasks * 10,
  cost,
  ttft_p50_ms: p50,
  ttft_p95_ms: p95,
});

const days = [day("2026-11-30", 0, 0, 0, null, null), day("2026-12-01", 4, 1, 0.25, 12.5, 40), day("2026-12-02", 2, 0, 1.5, 8, 9)];

describe("usage charts", () => {
  it("draw one bar of tasks and one of errors per day, labelled by month and day", () => {
    const c = tasksChart(days, colours);
    expect(c.type).toBe("bar");
    expect(c.data.labels).toEqual(["11-30", "12-01", "12-02"]);
    expect(c.data.datasets.map((d) => [d.label, d.data, d.backgroundColor])).toEqual([
      ["Tasks", [0, 4, 2], "#333"],
      ["Errors", [0, 1, 0], "#444"],
    ]);
  });

  it("draw the cost per day as a line in the cost colour", () => {
    const c = costChart(days, colours);
    expect(c.type).toBe("line");
    expect(c.data.datasets[0]?.data).toEqual([0, 0.25, 1.5]);
    expect(c.data.datasets[0]?.borderColor).toBe("#555");
  });

  it("leave a gap in the time to first token on a day without one", () => {
    const c = ttftChart(days, colours);
    expect(c.data.datasets.map((d) => [d.label, d.data])).toEqual([
      ["p50", [null, 12.5, 8]],
      ["p95", [null, 40, 9]],
    ]);
  });

  it("write axes and legends in the theme's text colour", () => {
    const c = tasksChart(days, colours);
    expect(c.options?.scales?.x?.ticks?.color).toBe("#111");
    expect(c.options?.scales?.y?.grid?.color).toBe("#222");
    expect(c.options?.plugins?.legend?.labels?.color).toBe("#111");
  });

  it("count tasks in whole numbers only", () => {
    expect(tasksChart(days, colours).options?.scales?.y?.ticks).toMatchObject({ precision: 0 });
    expect(costChart(days, colours).options?.scales?.y?.ticks).not.toHaveProperty("precision");
  });
});
