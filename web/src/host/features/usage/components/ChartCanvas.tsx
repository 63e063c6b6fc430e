import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartType } from "chart.js";
import { useEffect, useRef } from "react";
import type { DayChart } from "../utils/chartConfigs";

// Only what the dashboard draws is registered, so the rest of Chart.js stays out of the bundle.
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

/**
 * One Chart.js chart in a canvas of its own: drawn when the configuration changes and destroyed
 * with the component. The canvas is an image with a label; the table under the charts holds the
 * same figures for screen readers.
 */
export function ChartCanvas<T extends ChartType>({ title, config, label }: { title: string; config: DayChart<T>; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [config]);
  return (
    <figure className="chart card">
      <figcaption>{title}</figcaption>
      <div className="chart-box">
        <canvas ref={canvas} role="img" aria-label={label} />
      </div>
    </figure>
  );
}
