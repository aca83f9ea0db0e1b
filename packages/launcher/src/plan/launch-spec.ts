// BGB_LAUNCH_SPEC (docs/contracts.md section 2): resources and storage decide the app's function
// decorators, which Modal evaluates at import, so they travel in one environment variable. It
// never holds a secret value: secrets are attached on Modal by name.
import type { DatasetsConfig } from "@bgb/shared";
import type { LaunchRequest } from "./request.ts";
import { trainRetries } from "./segments.ts";

export const SPEC_ENV = "BGB_LAUNCH_SPEC";

export interface LaunchSpecDataset {
  name: string;
  bucket: string;
  prefix: string;
  endpoint_url: string | null;
  version: string | null;
  mount: string;
}

export interface LaunchSpec {
  preset: string;
  gpu: string;
  timeout_s: number;
  cpu: number;
  memory_mib: number;
  preemptible: boolean;
  wandb: boolean;
  limit_files: number | null;
  /** modal.Retries of `train`: each retry is one more attempt with a fresh timeout. */
  train_retries: number;
  trainer_source: string;
  git_sha: string | null;
  git_dirty: boolean;
  /** The trainer checkout's commit (the preflight requires the pin) and working-tree state. */
  trainer_commit: string | null;
  trainer_dirty: boolean;
  datasets: LaunchSpecDataset[];
}

export interface RecordedFacts {
  gitSha: string | null;
  gitDirty: boolean;
  trainerCommit: string | null;
  trainerDirty: boolean;
  /** Dataset version ids read from the manifests (null when the manifest could not be read). */
  versions: Record<string, string | null>;
}

export function buildLaunchSpec(
  r: LaunchRequest,
  datasets: DatasetsConfig,
  facts: RecordedFacts,
): LaunchSpec {
  return {
    preset: r.preset,
    gpu: r.gpu,
    timeout_s: r.timeoutS,
    cpu: r.cpu,
    memory_mib: r.memoryMib,
    preemptible: r.preemptible,
    wandb: r.wandb,
    limit_files: r.limitFiles,
    train_retries: trainRetries(r.plannedHours, r.timeoutS),
    // The preset names the trainer's checkout; the app wants the package folder it adds at /app/src.
    trainer_source: `${r.trainerSource}/src`,
    git_sha: facts.gitSha,
    git_dirty: facts.gitDirty,
    trainer_commit: facts.trainerCommit,
    trainer_dirty: facts.trainerDirty,
    datasets: r.datasets.map((name) => {
      const d = datasets.datasets[name];
      return {
        name,
        bucket: d?.bucket ?? "",
        prefix: d?.prefix ?? "",
        endpoint_url: d?.endpoint_url ?? null,
        version: facts.versions[name] ?? null,
        mount: `/data/${name}`,
      };
    }),
  };
}
