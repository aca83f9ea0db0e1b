import { z } from "zod";
import { identifier } from "./common.ts";

/** Modal rejects a function timeout above 24 h. */
export const MAX_TIMEOUT_S = 86_400;

export const PRESET_NAMES = ["smoke", "full", "eval"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const repoRelativePath = z
  .string()
  .min(1)
  .refine((s) => !s.startsWith("/") && !s.split(/[\\/]/).includes(".."), {
    message: 'expected a path relative to the repo root, without ".."',
  });

export const launchPresetSchema = z.strictObject({
  action: z.enum(["train", "evaluate", "check", "stage"]).describe("What modal/app.py runs"),
  // Under configs/ so the config is versioned with the code that launches it.
  config: repoRelativePath
    .refine((s) => s.startsWith("configs/"), {
      message: "the training config must live under configs/",
    })
    .refine((s) => /\.ya?ml$/.test(s), { message: "expected a .yaml file" })
    .describe("Training config, relative to the repo root, under configs/"),
  gpu: z.string().min(1).describe("A key of configs/gpus.yaml"),
  timeout_s: z
    .number()
    .int()
    .min(60)
    .max(MAX_TIMEOUT_S, {
      message: `Modal rejects a timeout above ${MAX_TIMEOUT_S} s (24 h); longer runs resume in segments`,
    })
    .describe("Seconds per Modal call (<= 86400); longer runs resume in segments"),
  cpu: z
    .number()
    .positive()
    .max(64)
    .describe("CPU cores (data loaders starve below ~24 for full runs)"),
  memory_mib: z.number().int().min(1024).describe("Memory in MiB"),
  // Modal's `nonpreemptible=True` is not supported for GPU functions, and every preset has a GPU.
  preemptible: z
    .boolean()
    .refine((v) => v, {
      message:
        "must be true: Modal does not support nonpreemptible (preemptible: false) for GPU functions; a preempted run resumes from last.pt",
    })
    .describe("Always true: Modal does not support non-preemptible GPU functions"),
  datasets: z.array(identifier).describe("Keys of configs/datasets.yaml to mount"),
  wandb: z.boolean().describe("Attach the W&B secret"),
  limit_files: z
    .number()
    .int()
    .positive()
    .nullable()
    .describe("BGB_LIMIT_FILES for the run; null leaves it unset (required for non-smoke presets)"),
  planned_hours: z
    .number()
    .positive()
    .describe("For the cost estimate; more than timeout_s means resumed segments"),
});

/** The trainer every preset runs, pinned in one place (docs/config-fields.md: updating the pin). */
export const trainerPinSchema = z.strictObject({
  repository: z
    .string()
    .regex(/^https:\/\/\S+[^/]$/, "expected an https:// git URL (no trailing /)")
    .describe("Git URL of the trainer (Clarity-Digital-Twin/brain-go-brr-v2)"),
  commit: z
    .string()
    .regex(
      /^[0-9a-f]{40}$/,
      "expected the full 40-character lower-case commit id (git rev-parse <tag>^{commit})",
    )
    .describe("The exact trainer commit runs use (a tag or branch can move)"),
  checkout: repoRelativePath.describe(
    "Folder of the trainer's git checkout (gitignored), holding its src/ package",
  ),
});

export const launchConfigSchema = z.strictObject({
  app: z.strictObject({
    name: z.string().min(1),
    modal_min_version: z.string().regex(/^\d+\.\d+\.\d+$/, "expected a version like 1.6.0"),
    results_volume: z.string().min(1),
    data_volume: z.string().min(1),
    secrets: z.strictObject({ aws: z.string().min(1), wandb: z.string().min(1) }),
  }),
  trainer: trainerPinSchema,
  presets: z.strictObject({
    smoke: launchPresetSchema,
    full: launchPresetSchema,
    eval: launchPresetSchema,
  }),
});

export type LaunchPreset = z.infer<typeof launchPresetSchema>;
export type LaunchConfig = z.infer<typeof launchConfigSchema>;
export type TrainerPin = z.infer<typeof trainerPinSchema>;
