// Preflight inputs where every check passes; each test breaks one fact.
import type { DatasetManifest } from "@bgb/shared/manifest";
import { type LaunchFlags, resolveRequest } from "../../src/plan/request.ts";
import type { CheckInput, Facts } from "../../src/preflight/types.ts";
import type { RunRecord } from "../../src/registry/records.ts";
import { projectConfigs } from "./project.ts";
import { tuhManifest } from "./temp-repo.ts";

export const NOW = new Date("2026-11-28T15:00:00Z");
/** configs/launch.yaml trainer.commit. */
export const PINNED_TRAINER = projectConfigs().launch.trainer.commit;

export function goodFacts(manifest: DatasetManifest = tuhManifest()): Facts {
  return {
    modal: {
      found: true,
      bin: "/venv/bin/modal",
      source: "project venv",
      version: "1.6.4",
      error: null,
    },
    auth: { source: "env" },
    secrets: { state: "listed", items: ["aws-s3-secret", "wandb-secret"] },
    training: {
      path: "configs/tusz_train_a100.yaml",
      exists: true,
      underConfigs: true,
      errors: [],
      warnings: [],
      sha256: "f".repeat(64),
      wandbEnabled: false,
    },
    manifests: {
      tuh: {
        location: "s3://b/tuh/.bgb-manifest.json",
        endpoint: "http://s3",
        state: "found",
        manifest,
      },
    },
    trainer: {
      dir: "vendor/brain-go-brr-v2",
      hasDir: true,
      hasSrc: true,
      hasMain: true,
      hasSchema: true,
      git: { ok: true, sha: PINNED_TRAINER, dirty: false, changed: 0 },
    },
    trainerSchema: { state: "passed" },
    git: { ok: true, sha: "0123456789abcdef0123456789abcdef01234567", dirty: false, changed: 0 },
    runs: [],
    apps: { state: "skipped", reason: "no active run recorded" },
    limitFilesInEnv: false,
  };
}

export function input(
  preset: string,
  flags: LaunchFlags = {},
  change: (f: Facts) => void = () => {},
  yes = false,
): CheckInput {
  const c = projectConfigs();
  const datasets = structuredClone(c.datasets);
  // The helper manifest has 2/1/1 files; the real expected counts are TUSZ's.
  const tuh = datasets.datasets.tuh;
  if (tuh) tuh.expected_counts = { train: 2, dev: 1, eval: 1 };
  const facts = goodFacts();
  change(facts);
  return {
    req: resolveRequest(c.launch, preset, flags, NOW, "ab12"),
    launch: c.launch,
    gpus: c.gpus,
    datasets,
    facts,
    yes,
    now: NOW,
  };
}

export function record(over: Partial<RunRecord>): RunRecord {
  return {
    run: "full-older",
    preset: "full",
    action: "train",
    config_path: "configs/tusz_train_a100.yaml",
    config_sha256: null,
    dataset_versions: {},
    gpu: "A100-80GB",
    timeout_s: 86400,
    planned_hours: 100,
    estimate_usd: 250,
    git_sha: null,
    git_dirty: false,
    resume: false,
    argv: [],
    log_file: null,
    status: "running",
    app_id: "ap-Older1",
    app_ids: ["ap-Older1"],
    url: null,
    function_call_id: null,
    created_at: "2026-11-28T10:00:00Z",
    launched_at: "2026-11-28T10:01:00Z",
    ended_at: null,
    updated_at: "2026-11-28T10:01:00Z",
    launches: 1,
    message: null,
    ...over,
  };
}
