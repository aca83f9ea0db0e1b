// Per recording: header facts joined with its labels, and the problems found on the way
// (unreadable header or label file, missing label, intervals outside the recording).
import type { EdfInfo } from "../edf/header.ts";
import { type ChbmitSummaryEntry, parseChbmitSummary } from "../labels/chbmit-summary.ts";
import { type Interval, mergeIntervals, totalSeconds } from "../labels/interval.ts";
import { parseTuszCsv, TUSZ_SEIZURE_LABELS, type TuszLabels } from "../labels/tusz-csv.ts";
import type { LayoutScan, RecordingPlace } from "../layout/scan.ts";
import type { DatasetInput, Issue, RecordingRow } from "./types.ts";

/** Label times are written to 4 decimals (TUSZ) or whole seconds (CHB-MIT). */
const TOLERANCE_S = 0.01;

export interface RecordingsResult {
  rows: RecordingRow[];
  /** Header facts of the readable recordings, by EDF path. */
  headers: Map<string, EdfInfo>;
  issues: Issue[];
}

type Labels =
  | { kind: "tusz"; labels: TuszLabels }
  | { kind: "chbmit"; entries: Map<string, ChbmitSummaryEntry> };

export function analyseRecordings(input: DatasetInput, scan: LayoutScan): RecordingsResult {
  const issues: Issue[] = [];
  const parsed = parseLabelFiles(input, scan, issues);
  const headers = new Map<string, EdfInfo>();
  const rows: RecordingRow[] = [];
  for (const place of scan.recordings) {
    const header = input.edf.get(place.edf);
    const info = header?.ok ? header.info : null;
    if (header && !header.ok) issue(issues, "error", "unreadable-edf", header.problem, place.edf);
    if (info) headers.set(place.edf, info);
    // A label file that is present but unreadable was reported as such; no second error.
    const present = input.texts.has(place.labelFile);
    const seizures = seizuresOf(place, parsed.get(place.labelFile), present, info, issues);
    const end = info?.durationSeconds ?? Number.POSITIVE_INFINITY;
    const clipped = (seizures ?? []).map((i) => ({
      start: Math.max(0, i.start),
      stop: Math.min(end, i.stop),
    }));
    const merged = mergeIntervals(clipped);
    rows.push({
      edf: place.edf,
      split: place.split,
      patient: place.patient,
      session: place.session,
      montage: place.montage ?? (info ? `${info.signals.length} channels` : "unreadable"),
      duration_s: info?.durationSeconds ?? null,
      channels: info?.signals.length ?? null,
      sample_rates: info
        ? [...new Set(info.signals.map((s) => s.sampleRate))].sort((a, b) => a - b)
        : [],
      labelled: seizures !== null,
      seizure_events: merged.length,
      seizure_s: totalSeconds(merged),
    });
  }
  return { rows, headers, issues };
}

function parseLabelFiles(input: DatasetInput, scan: LayoutScan, issues: Issue[]) {
  const parsed = new Map<string, Labels>();
  for (const path of scan.labelFiles) {
    const text = input.texts.get(path);
    if (text === undefined) continue;
    if (input.layout === "tusz") {
      const r = parseTuszCsv(text);
      if (r.ok) parsed.set(path, { kind: "tusz", labels: r.labels });
      else issue(issues, "error", "unreadable-label", r.problem, path);
    } else {
      const r = parseChbmitSummary(text);
      if (r.ok)
        parsed.set(path, { kind: "chbmit", entries: new Map(r.entries.map((e) => [e.file, e])) });
      else issue(issues, "error", "unreadable-label", r.problem, path);
    }
  }
  return parsed;
}

/** The recording's seizure intervals, or null when it has no usable label. */
function seizuresOf(
  place: RecordingPlace,
  labels: Labels | undefined,
  present: boolean,
  info: EdfInfo | null,
  issues: Issue[],
): Interval[] | null {
  if (!labels) {
    if (!present)
      issue(issues, "error", "missing-label", `no label file ${place.labelFile}`, place.edf);
    return null;
  }
  const name = place.edf.split("/").pop() as string;
  let rows: (Interval & { where: string; seizure: boolean })[];
  if (labels.kind === "tusz") {
    const d = labels.labels.durationSeconds;
    if (info && d !== null && Math.abs(d - info.durationSeconds) > 1)
      issue(
        issues,
        "warning",
        "label-duration",
        `label file says ${d} s, the EDF lasts ${info.durationSeconds} s`,
        place.labelFile,
      );
    rows = labels.labels.rows.map((r) => ({
      start: r.start,
      stop: r.stop,
      where: `${place.labelFile} line ${r.line}`,
      seizure: TUSZ_SEIZURE_LABELS.has(r.label),
    }));
  } else {
    const entry = labels.entries.get(name);
    if (!entry) {
      issue(
        issues,
        "error",
        "missing-label",
        `${place.labelFile} has no entry for ${name}`,
        place.edf,
      );
      return null;
    }
    rows = entry.seizures.map((s) => ({
      ...s,
      where: `${place.labelFile} (${name})`,
      seizure: true,
    }));
  }
  for (const r of rows) {
    if (r.start >= r.stop)
      issue(
        issues,
        "error",
        "bad-interval",
        `${r.where}: start ${r.start} >= stop ${r.stop}`,
        place.edf,
      );
    else if (r.start < 0 || (info && r.stop > info.durationSeconds + TOLERANCE_S))
      issue(
        issues,
        "error",
        "bad-interval",
        `${r.where}: ${r.start}-${r.stop} s is outside the recording (0-${info?.durationSeconds ?? "?"} s)`,
        place.edf,
      );
  }
  return rows.filter((r) => r.seizure && r.stop > r.start);
}

export function issue(
  issues: Issue[],
  severity: Issue["severity"],
  check: Issue["check"],
  message: string,
  file: string,
): void {
  issues.push({ severity, check, message, files: [file] });
}
