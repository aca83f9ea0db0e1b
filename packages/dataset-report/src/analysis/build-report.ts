// The pure engine: dataset input in, report out. No file system, no network.
import { scanLayout } from "../layout/scan.ts";
import {
  actualCounts,
  countMismatch,
  noRecordings,
  orphanLabels,
  outsideLayout,
  patientLeaks,
  trainerFit,
} from "./checks.ts";
import { splitFigures } from "./figures.ts";
import { analyseRecordings } from "./recordings.ts";
import { type DatasetInput, type Issue, REPORT_FORMAT, type Report } from "./types.ts";

export function buildReport(input: DatasetInput, datasetVersion: string | null = null): Report {
  const scan = scanLayout(
    input.layout,
    input.files.map((f) => f.path),
  );
  const { rows, headers, issues } = analyseRecordings(input, scan);
  const counts = actualCounts(input);
  const all: Issue[] = [
    ...issues,
    ...orphanLabels(input, scan),
    ...patientLeaks(rows),
    ...countMismatch(input, counts),
    ...trainerFit(input, headers),
    ...noRecordings(scan, input.layout),
    ...outsideLayout(scan, input.layout),
  ].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
  const splitNames = [...new Set(rows.map((r) => r.split))];
  const order = ["train", "dev", "eval", "all"];
  splitNames.sort((a, b) => order.indexOf(a) - order.indexOf(b) || (a < b ? -1 : 1));
  const patients = new Map<string, Report["patients"][number]>();
  for (const r of rows) {
    const p = patients.get(r.patient) ?? {
      patient: r.patient,
      splits: [],
      recordings: 0,
      seizure_events: 0,
    };
    if (!p.splits.includes(r.split)) p.splits.push(r.split);
    p.recordings++;
    p.seizure_events += r.seizure_events;
    patients.set(r.patient, p);
  }
  return {
    format: REPORT_FORMAT,
    dataset: input.dataset,
    layout: input.layout,
    dataset_version: datasetVersion,
    totals: splitFigures(rows),
    splits: Object.fromEntries(
      splitNames.map((s) => [s, splitFigures(rows.filter((r) => r.split === s))]),
    ),
    counts: { actual: counts, expected: input.expectedCounts ? { ...input.expectedCounts } : null },
    errors: all.filter((i) => i.severity === "error").length,
    warnings: all.filter((i) => i.severity === "warning").length,
    issues: all,
    patients: [...patients.values()].sort((a, b) => (a.patient < b.patient ? -1 : 1)),
    recordings: rows,
  };
}
