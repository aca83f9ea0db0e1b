// What preflight knows (facts, gathered by probes) and what it decides (checks, pure).

import type { Report } from "@bgb/dataset-report/engine";
import type { DatasetsConfig, GpusConfig, LaunchConfig } from "@bgb/shared";
import type { DatasetManifest } from "@bgb/shared/manifest";
import type { LaunchRequest } from "../plan/request.ts";
import type { ModalApp } from "../process/modal-json.ts";
import type { RunRecord } from "../registry/records.ts";

/** One line of the preflight report; `fix` says what to do when `ok` is false. */
export interface CheckResult {
  check: string;
  ok: boolean;
  message: string;
  fix: string | null;
  /** The machine cannot launch at all (exit 3 instead of 2). */
  environmental?: boolean;
}

export type ModalCliFact =
  | { found: false; tried: string[] }
  | { found: true; bin: string; source: string; version: string | null; error: string | null };

export type AuthFact =
  | { source: "env" }
  | { source: "profile"; profile: string; file: string }
  | { source: "none"; reason: string };

export type ListFact<T> =
  | { state: "listed"; items: T[] }
  | { state: "error"; message: string }
  | { state: "skipped"; reason: string };

export interface TrainingConfigFact {
  path: string;
  exists: boolean;
  underConfigs: boolean;
  /** Formatted `file: dot.path: message` lines, including cross-file rules for this preset. */
  errors: string[];
  warnings: string[];
  sha256: string | null;
  wandbEnabled: boolean | null;
}

export type ManifestFact = { location: string; endpoint: string } & (
  | { state: "found"; manifest: DatasetManifest }
  | { state: "missing" }
  | { state: "no-bucket" }
  | { state: "invalid"; reason: string }
  | { state: "error"; message: string }
);

/** The dataset report (<prefix>.bgb-report.json) read from the bucket. */
export type ReportFact = { location: string } & (
  | { state: "found"; report: Report }
  | { state: "missing" }
  | { state: "invalid"; reason: string }
  | { state: "error"; message: string }
);

export interface TrainerSourceFact {
  dir: string;
  hasDir: boolean;
  hasSrc: boolean;
  hasMain: boolean;
  /** src/brain_brr/config/schemas.py, which the trainer-schema check runs. */
  hasSchema: boolean;
  /** The checkout's own commit and working-tree state (recorded like the project's). */
  git: GitFact;
}

/** The pinned trainer's own pydantic Config run on the effective training config. */
export type TrainerSchemaFact =
  | { state: "passed" }
  | { state: "rejected"; errors: string[] }
  | { state: "skipped"; reason: string }
  | { state: "error"; message: string };

export type GitFact =
  | { ok: true; sha: string; dirty: boolean; changed: number }
  | { ok: false; message: string };

export interface Facts {
  modal: ModalCliFact;
  auth: AuthFact;
  secrets: ListFact<string>;
  training: TrainingConfigFact;
  /** Dataset name -> manifest read from the bucket (absent: dataset not in datasets.yaml). */
  manifests: Record<string, ManifestFact>;
  /** Dataset name -> its report (absent: not probed). */
  reports?: Record<string, ReportFact>;
  trainer: TrainerSourceFact;
  trainerSchema: TrainerSchemaFact;
  git: GitFact;
  runs: RunRecord[];
  apps: ListFact<ModalApp>;
  limitFilesInEnv: boolean;
}

export interface CheckInput {
  req: LaunchRequest;
  launch: LaunchConfig;
  gpus: GpusConfig;
  datasets: DatasetsConfig;
  facts: Facts;
  yes: boolean;
  now: Date;
}
