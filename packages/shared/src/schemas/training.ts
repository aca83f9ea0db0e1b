// The training config the Brain-Go-Brr v2 trainer reads (`python -m src train <config.yaml>`).
//
// Mirrors the pydantic `Config` of the pinned trainer: Clarity-Digital-Twin/brain-go-brr-v2 at
// commit 7504b397de24911f89b255efd468792d406dd2eb (v3.1.1, the pin in configs/launch.yaml),
// file src/brain_brr/config/schemas.py. Same sections, keys, types, literals, bounds and
// defaults; every section forbids unknown keys as its `StrictModel` (extra="forbid") does.
// The validators pydantic runs across fields (bandpass, hysteresis, durations, odd kernels) are
// in rules/training.ts with the project's own checks of what the trainer accepts but gets wrong.
// When the pin moves, re-read that file and update this one (docs/config-fields.md, "Updating
// the trainer pin"); the real `Config` also runs before every launch (trainer_schema_check.py).
import { z } from "zod";

/** The trainer commit this schema mirrors (kept equal to configs/launch.yaml by a test). */
export const MIRRORED_TRAINER_COMMIT = "7504b397de24911f89b255efd468792d406dd2eb";

const int = () => z.number().int();
const unit = (max = 1) => z.number().min(0).max(max);
const odd = (s: z.ZodNumber) => s.refine((v) => v % 2 === 1, { message: "must be odd" });

export const dataSchema = z.strictObject({
  dataset: z.enum(["tuh_eeg", "chb_mit"]).default("tuh_eeg"),
  data_dir: z.string().default("data").describe("Root with the EDF files (rewritten on Modal)"),
  cache_dir: z
    .string()
    .default("cache/data")
    .describe("Window cache the training loop reads and writes (rewritten on Modal)"),
  use_balanced_sampling: z.boolean().default(true),
  sampling_rate: z.literal(256).default(256),
  n_channels: z.literal(19).default(19),
  window_size: z.literal(60).default(60),
  stride: z.literal(10).default(10),
  num_workers: int().min(0).max(32).default(0),
  pin_memory: z.boolean().default(false),
  persistent_workers: z.boolean().default(false),
  prefetch_factor: int().min(2).default(2),
  // A plain `str` upstream; the loop raises on anything but these two (rules/training.ts).
  split_policy: z
    .string()
    .default("official_tusz")
    .describe("official_tusz (train/dev folders, patient-disjoint) or custom"),
  validation_split: unit(0.5).default(0.2).describe("Only used with split_policy custom"),
  split_seed: int().default(42).describe("Only used with split_policy custom"),
  max_samples: int().min(1).nullable().default(null),
  max_hours: z.number().positive().nullable().default(null),
});

export const preprocessingSchema = z.strictObject({
  montage: z.enum(["10-20", "standard_1020"]).default("10-20"),
  /** [low, high] Hz; low < high inside [0.1, 200] is checked as a rule. */
  bandpass: z.tuple([z.number(), z.number()]).default([0.5, 120]),
  notch_freq: z.union([z.literal(50), z.literal(60)]).default(60),
  normalize: z.boolean().default(true),
  use_mne: z.boolean().default(true),
});

export const mambaSchema = z.strictObject({
  n_layers: int().min(1).max(12).default(6),
  d_model: z.literal(512).default(512),
  d_state: z.literal(16).default(16),
  conv_kernel: int().min(2).max(4).default(4).describe("The CUDA kernels accept 2..4"),
  dropout: unit(0.5).default(0.1),
});

export const tcnSchema = z.strictObject({
  num_layers: int().min(4).max(12).default(8),
  kernel_size: int().min(3).max(11).default(7),
  dropout: unit(0.5).default(0.15),
  causal: z.boolean().default(false),
  stride_down: int().default(16),
  use_cuda_optimizations: z.boolean().default(true),
});

export const graphSchema = z.strictObject({
  enabled: z.boolean().default(false),
  edge_features: z.enum(["cosine", "correlation"]).default("cosine"),
  edge_top_k: int().min(1).max(18).default(3),
  edge_threshold: z.number().min(0).default(1e-4),
  edge_mamba_layers: int().min(1).max(6).default(2),
  edge_mamba_d_state: int().min(4).max(64).default(8),
  edge_mamba_d_model: int()
    .min(8)
    .max(64)
    .default(16)
    .describe("A multiple of 8 (the model asserts it when it is built)"),
  n_layers: int().min(1).max(4).default(2),
  dropout: unit(0.5).default(0.1),
  use_residual: z.boolean().default(true),
  alpha: unit(1).default(0.05),
  k_eigenvectors: int().min(1).max(18).default(16),
  use_dynamic_pe: z.boolean().default(true),
  semi_dynamic_interval: int().min(1).max(960).default(1),
  pe_sign_consistency: z.boolean().default(true),
});

export const modelSchema = z.strictObject({
  name: z.literal("seizure_detector").default("seizure_detector"),
  // v3 only: the U-Net encoder/rescnn/decoder and the tcn-only architecture are gone upstream.
  architecture: z.literal("v3").default("v3"),
  tcn: tcnSchema.prefault({}),
  mamba: mambaSchema.prefault({}),
  graph: graphSchema.nullable().default(null),
});

export const postprocessingSchema = z.strictObject({
  hysteresis: z
    .strictObject({
      tau_on: z.number().min(0.5).max(1).default(0.86),
      tau_off: z.number().min(0.5).max(1).default(0.78),
      min_onset_samples: int().min(1).default(128),
      min_offset_samples: int().min(1).default(256),
    })
    .prefault({}),
  morphology: z
    .strictObject({
      opening_kernel: odd(int().min(1)).default(11),
      closing_kernel: odd(int().min(1)).default(31),
      use_gpu: z.boolean().default(false),
    })
    .prefault({}),
  duration: z
    .strictObject({
      min_duration_s: z.number().min(0).default(3),
      max_duration_s: z.number().positive().default(600),
    })
    .prefault({}),
  events: z
    .strictObject({
      tau_merge: z.number().min(0).default(2),
      confidence_method: z.enum(["mean", "peak", "percentile"]).default("mean"),
      confidence_percentile: z.number().gt(0).lt(1).default(0.75),
    })
    .prefault({}),
  stitching: z
    .strictObject({
      method: z.enum(["overlap_add", "overlap_add_weighted", "max"]).default("overlap_add"),
      window_size: int().min(1).default(15360),
      stride: int().min(1).default(2560),
    })
    .prefault({}),
  min_duration: z.number().min(1).default(3).describe("Deprecated: use duration.min_duration_s"),
});

export const trainingSectionSchema = z.strictObject({
  epochs: int().min(1).max(200).default(1),
  batch_size: int().min(1).max(256).default(16),
  loss: z.enum(["bce", "focal"]).default("bce"),
  focal_alpha: unit(1).default(0.5),
  focal_gamma: z.number().min(0).default(2),
  learning_rate: z
    .number()
    .min(1e-6)
    .max(1e-2)
    .default(3e-4)
    .describe("Write 3.0e-5: PyYAML reads 3e-5 as a string (pydantic then converts it)"),
  weight_decay: unit(0.2).default(0.05),
  optimizer: z.enum(["adamw", "adam", "sgd"]).default("adamw"),
  resume: z.boolean().default(false),
  scheduler: z
    .strictObject({
      type: z.enum(["cosine", "linear", "constant"]).default("cosine"),
      warmup_ratio: unit(0.5).default(0.1),
    })
    .prefault({}),
  gradient_clip: z.number().min(0).default(1),
  mixed_precision: z.boolean().default(true),
  early_stopping: z
    .strictObject({
      patience: int().min(1).max(50).default(5),
      metric: z
        .string()
        .default("sensitivity_at_10fa")
        .describe(
          "One of evaluation.metrics or sensitivity_at_<rate as a Python float>fa, e.g. sensitivity_at_10.0fa",
        ),
      mode: z.enum(["max", "min"]).default("max"),
    })
    .prefault({}),
  checkpoint_interval: int()
    .min(0)
    .max(100)
    .default(1)
    .describe("epoch_NNN.pt every N epochs (0 = none)"),
  gradient_accumulation_steps: int()
    .min(1)
    .max(100)
    .default(1)
    .describe("Accepted by the schema but never read by the training loop"),
});

export const evaluationSchema = z.strictObject({
  metrics: z.array(z.string()).default(["taes", "sensitivity", "specificity", "auroc"]),
  fa_rates: z
    .array(z.number())
    .default([10, 5, 2.5, 1])
    .describe('False alarms per 24 h; read as floats, so 10 names "sensitivity_at_10.0fa"'),
  save_predictions: z.boolean().default(false),
  save_plots: z.boolean().default(true),
});

export const experimentSchema = z.strictObject({
  name: z.string().default("debug"),
  description: z.string().default("default experiment"),
  seed: int().default(42),
  device: z.enum(["auto", "cuda", "cpu", "mps"]).default("auto"),
  output_dir: z.string().default("results").describe("On Modal: /results/<run name>"),
  cache_dir: z
    .string()
    .default("cache")
    .describe("Not the window cache (data.cache_dir); the loop warns when they differ"),
  log_level: z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]).default("INFO"),
  save_model: z.boolean().default(false),
  save_best_only: z.boolean().default(true),
  wandb: z
    .strictObject({
      enabled: z.boolean().default(false),
      project: z.string().default("seizure-detection"),
      entity: z.string().nullable().default(null),
      tags: z.array(z.string()).default([]),
    })
    .prefault({}),
});

export const loggingSchema = z.strictObject({
  log_every_n_steps: int().min(1).default(10),
  log_gradients: z.boolean().default(false),
  log_weights: z.boolean().default(false),
});

export const resourcesSchema = z.strictObject({
  max_memory_gb: z.number().positive().nullable().default(null),
  distributed: z.boolean().default(false),
  mixed_precision: z.boolean().default(true),
});

export const trainingConfigSchema = z.strictObject({
  data: dataSchema.prefault({}),
  preprocessing: preprocessingSchema.prefault({}),
  model: modelSchema.prefault({}),
  postprocessing: postprocessingSchema.prefault({}),
  training: trainingSectionSchema.prefault({}),
  evaluation: evaluationSchema.prefault({}),
  experiment: experimentSchema.prefault({}),
  logging: loggingSchema.prefault({}),
  resources: resourcesSchema.nullable().default(null),
});

export type TrainingConfig = z.infer<typeof trainingConfigSchema>;
