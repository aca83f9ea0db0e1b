// The training config the Brain-Go-Brr v2 trainer reads (`python -m src train <config.yaml>`).
// Sections, ranges and defaults follow the trainer's own pydantic models (see
// ../shared/reference/upstream-trainer.md); every section is strict, as upstream became after
// unknown keys had silently disabled settings. Rules that span fields live in rules/training.ts.
import { z } from "zod";

const int = () => z.number().int();
const unit = (max = 1) => z.number().min(0).max(max);
const odd = (s: z.ZodNumber) => s.refine((v) => v % 2 === 1, { message: "must be odd" });

export const dataSchema = z.strictObject({
  dataset: z.enum(["tuh_eeg", "chb_mit"]).default("tuh_eeg"),
  data_dir: z.string().min(1).default("data"),
  cache_dir: z
    .string()
    .min(1)
    .optional()
    .describe("Window cache; the training loop reads this one, not experiment.cache_dir"),
  use_balanced_sampling: z.boolean().default(true),
  sampling_rate: z.literal(256).default(256),
  n_channels: z.literal(19).default(19),
  window_size: z.literal(60).default(60),
  stride: z.literal(10).default(10),
  num_workers: int().min(0).max(32).default(0),
  pin_memory: z.boolean().default(false),
  persistent_workers: z.boolean().default(false),
  prefetch_factor: int().min(2).default(2),
  split_policy: z.enum(["official_tusz", "custom"]).default("official_tusz"),
  /** Only used with split_policy custom. */
  validation_split: unit(0.5).optional(),
  split_seed: int().optional(),
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

export const encoderSchema = z.strictObject({
  stages: z.literal(4).default(4),
  channels: z
    .array(int().positive())
    .refine((c) => c.join(",") === "64,128,256,512", {
      message: "the trainer's U-Net needs [64, 128, 256, 512]",
    })
    .default([64, 128, 256, 512]),
  kernel_size: int().min(3).max(9).default(5),
  downsample_factor: z.literal(2).default(2),
});

export const rescnnSchema = z.strictObject({
  n_blocks: z.literal(3).default(3),
  kernel_sizes: z.array(odd(int().min(3).max(11))).default([3, 5, 7]),
  dropout: unit(0.5).default(0.1),
});

export const mambaSchema = z.strictObject({
  n_layers: int().min(1).max(12).default(6),
  d_model: z.literal(512).default(512),
  d_state: z.literal(16).default(16),
  // The schema range; the CUDA kernels accept only 2..4, checked against experiment.device.
  conv_kernel: int().min(2).max(9).default(4).describe("The CUDA kernels accept 2..4"),
  dropout: unit(0.5).default(0.1),
});

export const decoderSchema = z.strictObject({
  stages: z.literal(4).default(4),
  kernel_size: int().min(2).max(8).default(2),
});

export const tcnSchema = z.strictObject({
  num_layers: int().min(4).max(12).default(8),
  channels: z.array(int().positive()).min(1).default([64, 128, 256, 512]),
  kernel_size: int().min(3).max(11).default(7),
  dropout: unit(0.5).default(0.15),
  causal: z.boolean().default(false),
  stride_down: int().positive().default(16),
  use_cuda_optimizations: z.boolean().default(true),
});

export const graphSchema = z.strictObject({
  enabled: z.boolean().default(false),
  similarity: z.enum(["cosine", "correlation"]).default("cosine"),
  top_k: int().min(1).max(18).default(3),
  threshold: z.number().min(0).default(1e-4),
  temperature: z.number().positive().default(0.1),
  edge_features: z.enum(["cosine", "correlation"]).default("cosine"),
  edge_top_k: int().min(1).max(18).default(3),
  edge_threshold: z.number().min(0).default(1e-4),
  edge_mamba_layers: int().min(1).max(6).default(2),
  edge_mamba_d_state: int().min(4).max(64).default(8),
  edge_mamba_d_model: int()
    .min(8)
    .max(64)
    .refine((v) => v % 8 === 0, { message: "must be a multiple of 8" })
    .default(16),
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
  // Original form: U-Net encoder, ResCNN, decoder around the Bi-Mamba stack.
  encoder: encoderSchema.optional(),
  rescnn: rescnnSchema.optional(),
  decoder: decoderSchema.optional(),
  mamba: mambaSchema.prefault({}),
  // Later form: `architecture` selects the TCN path (and v3's dual stream with `graph`).
  architecture: z.enum(["tcn", "v3"]).optional(),
  tcn: tcnSchema.optional(),
  graph: graphSchema.nullable().optional(),
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
  /** Deprecated upstream in favour of duration.min_duration_s. */
  min_duration: z.number().min(1).optional(),
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
    .describe("Write 0.0003 or 3.0e-4: PyYAML reads 3e-4 as a string"),
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
        .min(1)
        .default("sensitivity_at_10.0fa")
        .describe(
          "One of evaluation.metrics or sensitivity_at_<rate as float>fa, e.g. sensitivity_at_10.0fa",
        ),
      mode: z.enum(["max", "min"]).default("max"),
    })
    .prefault({}),
  gradient_accumulation_steps: int().min(1).default(1),
  checkpoint_interval: int().min(1).optional(),
});

export const evaluationSchema = z.strictObject({
  metrics: z.array(z.string().min(1)).default(["taes", "sensitivity", "specificity", "auroc"]),
  fa_rates: z
    .array(z.number().positive())
    .min(1)
    .default([10, 5, 2.5, 1])
    .describe('False alarms per 24 h; read as floats, so 10 names "sensitivity_at_10.0fa"'),
  save_predictions: z.boolean().default(false),
  save_plots: z.boolean().default(true),
});

export const experimentSchema = z.strictObject({
  name: z.string().min(1).default("debug"),
  description: z.string().default("default experiment"),
  seed: int().default(42),
  device: z.enum(["auto", "cuda", "cpu", "mps"]).default("auto"),
  /** On Modal the app sets it to /results/<run name>. */
  output_dir: z.string().min(1).default("results"),
  cache_dir: z
    .string()
    .min(1)
    .optional()
    .describe("Not the window cache (that is data.cache_dir); keep both equal if set"),
  log_level: z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]).default("INFO"),
  save_model: z.boolean().default(false),
  save_best_only: z.boolean().default(true),
  wandb: z
    .strictObject({
      enabled: z.boolean().default(false),
      project: z.string().min(1).default("seizure-detection"),
      entity: z.string().min(1).nullable().default(null),
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
  mixed_precision: z.boolean().optional(),
  compile_model: z.boolean().default(false),
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
  resources: resourcesSchema.nullable().optional(),
});

export type TrainingConfig = z.infer<typeof trainingConfigSchema>;
