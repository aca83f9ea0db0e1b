// The report document (`--json`, `.bgb-report.json`). Keys are snake_case like the manifest's.
import type { EdfHeaderResult } from "../edf/header.ts";
import type { ReportLayout } from "../layout/scan.ts";

export const REPORT_FORMAT = 1;
export const REPORT_NAME = ".bgb-report.json";

/** Everything the pure engine needs; the source (disk, bucket) gathers it. */
export interface DatasetInput {
  dataset: string;
  layout: ReportLayout;
  /** Every file of the dataset, relative POSIX path and size. */
  files: readonly { path: string; size: number }[];
  /** The header of every `.edf` among `files`. */
  edf: ReadonlyMap<string, EdfHeaderResult>;
  /** The text of every label file `scanLayout` lists. */
  texts: ReadonlyMap<string, string>;
  /** configs/datasets.yaml `expected_counts`, when set. */
  expectedCounts?: Readonly<Record<string, number>> | null;
  /** Upper edge of the trainer's band-pass (default 120 Hz). */
  bandpassHighHz?: number;
}

export type CheckId =
  | "no-recordings"
  | "unreadable-edf"
  | "unreadable-label"
  | "missing-label"
  | "orphan-label"
  | "bad-interval"
  | "patient-leak"
  | "count-mismatch"
  | "trainer-channels"
  | "trainer-sample-rate"
  | "label-duration"
  | "outside-layout";

export interface Issue {
  severity: "error" | "warning";
  check: CheckId;
  message: string;
  /** Every file concerned (renderers shorten the list, the JSON keeps it whole). */
  files: string[];
}

export interface RecordingRow {
  edf: string;
  split: string;
  patient: string;
  session: string | null;
  /** TUSZ montage folder; CHB-MIT: "<n> channels" (its montage is the channel set). */
  montage: string;
  /** null when the header is unreadable. */
  duration_s: number | null;
  channels: number | null;
  /** Distinct sampling rates of the data signals, ascending. */
  sample_rates: number[];
  /** false when the label file is missing or unreadable. */
  labelled: boolean;
  seizure_events: number;
  seizure_s: number;
}

export interface SplitFigures {
  patients: number;
  /** null for layouts without sessions (CHB-MIT). */
  sessions: number | null;
  recordings: number;
  hours: number;
  /** recordings per montage (or channel set). */
  montages: Record<string, number>;
  /** recordings per sampling rate ("256" or "250+500" when signals differ). */
  sample_rates: Record<string, number>;
  seizure_events: number;
  seizure_hours: number;
  /** seizure hours / hours (0 when hours is 0). */
  seizure_share: number;
  /** labelled recordings without any seizure. */
  recordings_without_seizure: number;
  unreadable: number;
  unlabelled: number;
}

export interface Report {
  format: typeof REPORT_FORMAT;
  dataset: string;
  layout: ReportLayout;
  /** The dataset version (manifest) it describes, when known. */
  dataset_version: string | null;
  totals: SplitFigures;
  splits: Record<string, SplitFigures>;
  counts: { actual: Record<string, number>; expected: Record<string, number> | null };
  errors: number;
  warnings: number;
  issues: Issue[];
  patients: { patient: string; splits: string[]; recordings: number; seizure_events: number }[];
  recordings: RecordingRow[];
}
