// How the dashboard writes its figures, in the reader's locale: whole counts, US dollars to the
// cent (to a millionth for small sums), percentages and milliseconds.

const count = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const dollars = new Intl.NumberFormat(undefined, { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 6 });
const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });
const millis = new Intl.NumberFormat(undefined, { style: "unit", unit: "millisecond", unitDisplay: "short", maximumFractionDigits: 1 });

/** A number of tasks or tokens. */
export const formatCount = (n: number) => count.format(n);
/** A cost in US dollars. */
export const formatCost = (n: number) => dollars.format(n);
/** A share (0…1) as a percentage. */
export const formatRate = (n: number) => percent.format(n);
/** A duration in milliseconds, or a dash when there is none (no task produced a token). */
export const formatMs = (n: number | null) => (n === null ? "–" : millis.format(n));
