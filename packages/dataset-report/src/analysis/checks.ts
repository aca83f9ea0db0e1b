// Dataset-wide checks: patients in more than one split, label files without a recording,
// counts against configs/datasets.yaml, what the trainer cannot load, files off the layout.
import { splitCounts } from "@bgb/shared/manifest";
import type { EdfInfo } from "../edf/header.ts";
import { parseChbmitSummary } from "../labels/chbmit-summary.ts";
import type { LayoutScan } from "../layout/scan.ts";
import {
  channelFit,
  rateProblem,
  TRAINER_BANDPASS_HIGH_HZ,
  trainerChannelName,
} from "./trainer-fit.ts";
import type { DatasetInput, Issue, RecordingRow } from "./types.ts";

export function patientLeaks(rows: readonly RecordingRow[]): Issue[] {
  const splits = new Map<string, Set<string>>();
  for (const r of rows) splits.set(r.patient, (splits.get(r.patient) ?? new Set()).add(r.split));
  const issues: Issue[] = [];
  for (const [patient, set] of [...splits].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (set.size < 2) continue;
    issues.push({
      severity: "error",
      check: "patient-leak",
      message: `patient ${patient} is in ${[...set].sort().join(" and ")}: splits must be patient-disjoint`,
      files: rows.filter((r) => r.patient === patient).map((r) => r.edf),
    });
  }
  return issues;
}

export function orphanLabels(input: DatasetInput, scan: LayoutScan): Issue[] {
  const edfs = new Set(scan.recordings.map((r) => r.edf));
  const issues: Issue[] = [];
  for (const path of scan.labelFiles) {
    if (input.layout === "tusz") {
      const edf = path.replace(/\.csv$/, ".edf");
      if (!edfs.has(edf))
        issues.push({
          severity: "error",
          check: "orphan-label",
          message: `no EDF ${edf}`,
          files: [path],
        });
      continue;
    }
    const dir = path.split("/")[0] as string;
    const parsed = parseChbmitSummary(input.texts.get(path) ?? "");
    if (!parsed.ok) continue; // reported as unreadable-label
    for (const e of parsed.entries) {
      if (!edfs.has(`${dir}/${e.file}`))
        issues.push({
          severity: "error",
          check: "orphan-label",
          message: `${path} line ${e.line} describes ${e.file}, which is not in the dataset`,
          files: [path],
        });
    }
  }
  return issues;
}

export function countMismatch(input: DatasetInput, actual: Record<string, number>): Issue[] {
  const expected = input.expectedCounts;
  if (!expected) return [];
  const splits = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  const wrong = splits.filter((s) => (expected[s] ?? 0) !== (actual[s] ?? 0));
  if (wrong.length === 0) return [];
  return [
    {
      severity: "error",
      check: "count-mismatch",
      message: `EDF counts differ from expected_counts in configs/datasets.yaml: ${wrong
        .map((s) => `${s} has ${actual[s] ?? 0}, expected ${expected[s] ?? 0}`)
        .join("; ")}`,
      files: [],
    },
  ];
}

export function actualCounts(input: DatasetInput): Record<string, number> {
  return splitCounts(
    input.layout,
    input.files.map((f) => f.path),
  );
}

/** One warning per distinct reason, listing every recording it concerns. */
export function trainerFit(input: DatasetInput, headers: ReadonlyMap<string, EdfInfo>): Issue[] {
  const band = input.bandpassHighHz ?? TRAINER_BANDPASS_HIGH_HZ;
  const groups = new Map<string, Issue>();
  const add = (check: Issue["check"], message: string, file: string) => {
    const key = `${check}\0${message}`;
    const g = groups.get(key) ?? { severity: "warning", check, message, files: [] };
    g.files.push(file);
    groups.set(key, g);
  };
  for (const [path, info] of headers) {
    const fit = channelFit(info.signals.map((s) => s.label));
    if (fit.missing.length > 0) {
      // CHB-MIT-style labels are derivations (FP1-F7); the trainer maps single electrodes only.
      const bipolar = info.signals.some((s) =>
        /^[A-Z]+[0-9Z]*-[A-Z]+[0-9Z]*$/i.test(trainerChannelName(s.label)),
      );
      add(
        "trainer-channels",
        `the trainer cannot load these recordings: channels ${fit.missing.join(", ")} missing (it needs the 19 10-20 channels${
          bipolar ? "; names like FP1-F7 are bipolar derivations, it reads single electrodes" : ""
        })`,
        path,
      );
    }
    const used = fit.missing.length > 0 ? info.signals.map((_, i) => i) : fit.used;
    const problem = rateProblem(
      used.map((i) => info.signals[i]?.sampleRate ?? 0),
      band,
    );
    if (problem)
      add("trainer-sample-rate", `sampling rate the trainer cannot use: ${problem}`, path);
  }
  return [...groups.values()];
}

const WHERE: Record<string, string> = {
  tusz: "edf/{train,dev,eval}/<patient>/<session>/<montage>/*.edf",
  chbmit: "chbNN/chbNN_MM.edf",
};

export function noRecordings(scan: LayoutScan, layout: string): Issue[] {
  if (scan.recordings.length > 0) return [];
  return [
    {
      severity: "error",
      check: "no-recordings",
      message: `no EDF file where the ${layout} layout puts them (${WHERE[layout] ?? "?"}): wrong source folder or layout?`,
      files: [],
    },
  ];
}

export function outsideLayout(scan: LayoutScan, layout: string): Issue[] {
  if (scan.outside.length === 0) return [];
  return [
    {
      severity: "warning",
      check: "outside-layout",
      message: `${scan.outside.length} EDF files are outside the ${layout} layout and not reported on`,
      files: scan.outside,
    },
  ];
}
