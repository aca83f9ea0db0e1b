// The training schema mirrors the pinned trainer's pydantic schema (schemas.py at the commit in
// configs/launch.yaml). With the checkout present (sh scripts/trainer.sh) the keys of every
// model are compared with the trainer's file and upstream's own tuned configs are loaded; without
// it, those tests are skipped with that reason and hand-written equivalents still run.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { z } from "zod";
import { loadConfigFile, MIRRORED_TRAINER_COMMIT, trainingConfigSchema } from "../src/index.ts";
import { objectShape, unwrap } from "../src/load/schema-walk.ts";
import { repoRoot, writeText } from "./helpers.ts";

const TRAINER = join(repoRoot, "vendor", "brain-go-brr-v2");
const SCHEMAS_PY = join(TRAINER, "src", "brain_brr", "config", "schemas.py");
const present = existsSync(SCHEMAS_PY);
const ABSENT = "pinned trainer checkout absent (vendor/brain-go-brr-v2; sh scripts/trainer.sh)";
const withTrainer = present ? it : it.skip;
if (!present) console.warn(`SKIPPED: tests against the trainer's own files: ${ABSENT}`);

/** The zod object at a path of section names. */
function shapeAt(path: string[]): Record<string, z.ZodType> {
  let s: z.ZodType = trainingConfigSchema;
  for (const key of path) {
    const shape = objectShape(s);
    if (!shape?.[key]) throw new Error(`no ${path.join(".")}`);
    s = unwrap(shape[key]);
  }
  const shape = objectShape(s);
  if (!shape) throw new Error(`${path.join(".")} is not an object`);
  return shape;
}

// Trainer model class -> where it sits in the config.
const CLASSES: Record<string, string[]> = {
  Config: [],
  DataConfig: ["data"],
  PreprocessingConfig: ["preprocessing"],
  ModelConfig: ["model"],
  TCNConfig: ["model", "tcn"],
  MambaConfig: ["model", "mamba"],
  GraphConfig: ["model", "graph"],
  PostprocessingConfig: ["postprocessing"],
  HysteresisConfig: ["postprocessing", "hysteresis"],
  MorphologyConfig: ["postprocessing", "morphology"],
  DurationConfig: ["postprocessing", "duration"],
  EventsConfig: ["postprocessing", "events"],
  StitchingConfig: ["postprocessing", "stitching"],
  TrainingConfig: ["training"],
  SchedulerConfig: ["training", "scheduler"],
  EarlyStoppingConfig: ["training", "early_stopping"],
  EvaluationConfig: ["evaluation"],
  ExperimentConfig: ["experiment"],
  WandbConfig: ["experiment", "wandb"],
  LoggingConfig: ["logging"],
  ResourcesConfig: ["resources"],
};

/** Field names of each `class X(StrictModel):` in schemas.py (annotated class attributes). */
function trainerFields(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let current: string | null = null;
  for (const line of text.split("\n")) {
    const cls = /^class (\w+)\((?:StrictModel|BaseModel)\):/.exec(line);
    if (cls) {
      current = cls[1] as string;
      out[current] = [];
      continue;
    }
    if (/^\S/.test(line)) current = null;
    const field = /^ {4}(\w+): /.exec(line);
    if (current && field && field[1] !== "model_config") out[current]?.push(field[1] as string);
  }
  return out;
}

describe(`the training schema mirrors the trainer at ${MIRRORED_TRAINER_COMMIT.slice(0, 12)}`, () => {
  it("names the commit pinned in configs/launch.yaml", () => {
    const launch = parse(readFileSync(join(repoRoot, "configs", "launch.yaml"), "utf8"));
    expect(MIRRORED_TRAINER_COMMIT).toBe(launch.trainer.commit);
  });

  withTrainer(
    `has the same keys in every section as schemas.py${present ? "" : ` (${ABSENT})`}`,
    () => {
      const fields = trainerFields(readFileSync(SCHEMAS_PY, "utf8"));
      expect(Object.keys(fields).sort()).toEqual([...Object.keys(CLASSES), "StrictModel"].sort());
      for (const [cls, path] of Object.entries(CLASSES)) {
        expect(Object.keys(shapeAt(path)).sort(), cls).toEqual((fields[cls] ?? []).sort());
      }
    },
  );

  it("rejects a config with model.encoder (the v2.1 U-Net layout)", () => {
    const r = trainingConfigSchema.safeParse({ model: { encoder: { stages: 4 } } });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join("."), i.code])).toEqual([
      ["model", "unrecognized_keys"],
    ]);
    expect(r.error?.issues[0]).toMatchObject({ keys: ["encoder"] });
  });
});

// Upstream's configs/modal/*.yaml at the pinned commit: the schema accepts them; the project's
// rules add only the early-stopping metric trap (its name matches no metric the trainer emits).
const UPSTREAM = ["train.yaml", "smoke.yaml"].map((f) => join(TRAINER, "configs", "modal", f));

describe("upstream's own tuned configs", () => {
  for (const file of UPSTREAM) {
    withTrainer(
      `${file.split("/").slice(-3).join("/")} passes the schema${present ? "" : ` (${ABSENT})`}`,
      () => {
        const doc = parse(readFileSync(file, "utf8"));
        const parsed = trainingConfigSchema.safeParse(doc);
        expect(parsed.error?.issues ?? []).toEqual([]);
        const r = loadConfigFile(file, "training");
        expect(r.errors.map((e) => e.path)).toEqual(["training.early_stopping.metric"]);
      },
    );
  }

  // The same shape written out here, so the check runs without the checkout too.
  it("a hand-written equivalent of upstream's v3 train.yaml passes", () => {
    const dir = mkdtempSync(join(tmpdir(), "bgb-upstream-"));
    const file = join(dir, "train.yaml");
    writeText(file, UPSTREAM_TRAIN_EQUIVALENT);
    const r = loadConfigFile(file, "training");
    expect(r.errors.map((e) => e.path)).toEqual(["training.early_stopping.metric"]);
    expect(r.warnings.map((w) => w.path)).toEqual(["training.learning_rate"]); // 3e-5: YAML 1.1
    const ok = trainingConfigSchema.safeParse(parse(UPSTREAM_TRAIN_EQUIVALENT));
    expect(ok.success).toBe(true);
  });
});

const UPSTREAM_TRAIN_EQUIVALENT = `
data:
  dataset: tuh_eeg
  data_dir: /data/edf
  cache_dir: /results/cache/tusz
  split_policy: official_tusz
  sampling_rate: 256
  n_channels: 19
  window_size: 60
  stride: 10
  num_workers: 8
  pin_memory: true
  persistent_workers: true
  prefetch_factor: 4
  use_balanced_sampling: true
preprocessing: { montage: "10-20", bandpass: [0.5, 120], notch_freq: 60, normalize: true, use_mne: true }
model:
  architecture: v3
  tcn: { num_layers: 8, kernel_size: 7, dropout: 0.15, causal: false, stride_down: 16, use_cuda_optimizations: true }
  mamba: { n_layers: 6, d_model: 512, d_state: 16, conv_kernel: 4, dropout: 0.1 }
  graph:
    enabled: true
    edge_features: cosine
    edge_top_k: 3
    edge_threshold: 0.0001
    edge_mamba_layers: 2
    edge_mamba_d_state: 8
    edge_mamba_d_model: 16
    n_layers: 2
    dropout: 0.1
    use_residual: true
    alpha: 0.05
    k_eigenvectors: 16
    use_dynamic_pe: true
    semi_dynamic_interval: 1
    pe_sign_consistency: true
postprocessing:
  hysteresis: { tau_on: 0.86, tau_off: 0.78 }
  morphology: { opening_kernel: 11, closing_kernel: 31 }
  duration: { min_duration_s: 3.0, max_duration_s: 600.0 }
  events: { tau_merge: 2.0, confidence_method: mean }
training:
  epochs: 100
  batch_size: 64
  loss: focal
  focal_alpha: 0.5
  focal_gamma: 2.0
  learning_rate: 3e-5
  weight_decay: 0.05
  optimizer: adamw
  scheduler: { type: cosine, warmup_ratio: 0.03 }
  gradient_clip: 0.5
  mixed_precision: true
  gradient_accumulation_steps: 1
  early_stopping: { patience: 5, metric: sensitivity_at_10fa }
  checkpoint_interval: 1
evaluation: { metrics: [taes, sensitivity, specificity, auroc], fa_rates: [10, 5, 2.5, 1], save_predictions: true, save_plots: true }
experiment:
  name: v3_full_training
  description: V3 dual-stream full training on Modal A100
  seed: 42
  device: cuda
  output_dir: /results/v3_full_training
  cache_dir: /results/cache/tusz
  log_level: INFO
  save_model: true
  save_best_only: true
  wandb: { enabled: true, project: seizure-detection-a100, entity: some-team, tags: [v3, a100] }
logging: { log_every_n_steps: 25, log_gradients: false, log_weights: false }
resources: { max_memory_gb: 80, distributed: false }
`;
