// The figures of one split (or of all of them) from its recording rows.
import type { RecordingRow, SplitFigures } from "./types.ts";

export function splitFigures(rows: readonly RecordingRow[]): SplitFigures {
  const seconds = rows.reduce((n, r) => n + (r.duration_s ?? 0), 0);
  const seizureSeconds = rows.reduce((n, r) => n + r.seizure_s, 0);
  const tally = (key: (r: RecordingRow) => string | null) => {
    const out: Record<string, number> = {};
    for (const r of rows) {
      const k = key(r);
      if (k !== null) out[k] = (out[k] ?? 0) + 1;
    }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
  };
  const sessions = rows.some((r) => r.session !== null)
    ? new Set(rows.map((r) => `${r.patient}/${r.session}`)).size
    : null;
  return {
    patients: new Set(rows.map((r) => r.patient)).size,
    sessions,
    recordings: rows.length,
    hours: seconds / 3600,
    montages: tally((r) => r.montage),
    sample_rates: tally((r) => (r.sample_rates.length > 0 ? r.sample_rates.join("+") : null)),
    seizure_events: rows.reduce((n, r) => n + r.seizure_events, 0),
    seizure_hours: seizureSeconds / 3600,
    seizure_share: seconds > 0 ? seizureSeconds / seconds : 0,
    recordings_without_seizure: rows.filter((r) => r.labelled && r.seizure_events === 0).length,
    unreadable: rows.filter((r) => r.duration_s === null).length,
    unlabelled: rows.filter((r) => !r.labelled).length,
  };
}
