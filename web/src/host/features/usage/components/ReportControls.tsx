import type { CustomUiSummary } from "../../../../generated";
import { PERIODS, type Period } from "../api/usage";

/** What the report covers: the account or one of the owner's UIs, and over how many days. */
export function ReportControls({ uis, uiId, days, onChange }: { uis: CustomUiSummary[]; uiId: string | null; days: Period; onChange: (to: { uiId: string | null; days: Period }) => void }) {
  return (
    <div className="row center report-controls">
      <label className="inline">Report for
        <select value={uiId ?? ""} onChange={(e) => onChange({ uiId: e.target.value || null, days })}>
          <option value="">Your account</option>
          {uis.map((u) => <option key={u.id} value={u.id}>{`${u.name} (v${u.version})`}</option>)}
        </select>
      </label>
      <label className="inline">Period
        <select value={days} onChange={(e) => onChange({ uiId, days: Number(e.target.value) as Period })}>
          {PERIODS.map((p) => <option key={p} value={p}>{`Last ${p} days`}</option>)}
        </select>
      </label>
    </div>
  );
}
