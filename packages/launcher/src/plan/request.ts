// Preset + command-line flags -> the one launch request everything else plans from (pure).
import type { LaunchConfig, LaunchPreset, PresetName, TrainerPin } from "@bgb/shared";
import { PRESET_NAMES } from "@bgb/shared";
import { UsageError } from "../errors.ts";
import { checkRunName, defaultRunName } from "./run-name.ts";

export interface LaunchFlags {
  config?: string;
  gpu?: string;
  timeout?: number;
  cpu?: number;
  memory?: number;
  preemptible?: boolean;
  name?: string;
  checkpoint?: string;
  resume?: string;
  split?: string;
}

export type Action = LaunchPreset["action"];

export interface LaunchRequest {
  preset: PresetName;
  action: Action;
  run: string;
  /** Continue this run from its last.pt (`--resume <run>`); `run` is then that run. */
  resume: boolean;
  config: string;
  gpu: string;
  timeoutS: number;
  cpu: number;
  memoryMib: number;
  preemptible: boolean;
  datasets: string[];
  /** The trainer checkout folder (launch.yaml trainer.checkout, no trailing "/"). */
  trainerSource: string;
  /** The pinned trainer (launch.yaml `trainer`): the preflight checks the checkout is at it. */
  trainer: TrainerPin;
  wandb: boolean;
  /** Only ever from the preset: no flag can set it (upstream's smoke limit leaked into full runs). */
  limitFiles: number | null;
  plannedHours: number;
  checkpoint: string | null;
  split: string | null;
}

export function parsePresetName(name: string | undefined): PresetName {
  if (name === undefined) {
    throw new UsageError(`name a preset: pnpm launch <${PRESET_NAMES.join("|")}> (see --help)`);
  }
  if (!(PRESET_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(
      `unknown preset or command ${JSON.stringify(name)}: presets are ${PRESET_NAMES.join(", ")}; commands are validate, list, status, logs, stop, pull`,
    );
  }
  return name as PresetName;
}

export function resolveRequest(
  launch: LaunchConfig,
  presetName: string | undefined,
  flags: LaunchFlags,
  now: Date,
  suffix: string,
): LaunchRequest {
  const preset = parsePresetName(presetName);
  const p = launch.presets[preset];
  if (flags.timeout !== undefined && !isPositiveInt(flags.timeout)) {
    throw new UsageError(`--timeout must be a whole number of seconds (got ${flags.timeout})`);
  }
  if (flags.cpu !== undefined && !(flags.cpu > 0 && flags.cpu <= 64)) {
    throw new UsageError(`--cpu must be a number in (0, 64] (got ${flags.cpu})`);
  }
  if (flags.memory !== undefined && !(isPositiveInt(flags.memory) && flags.memory >= 1024)) {
    throw new UsageError(`--memory must be whole MiB, at least 1024 (got ${flags.memory})`);
  }
  if (flags.config !== undefined && !/\.ya?ml$/.test(flags.config)) {
    throw new UsageError(`--config must name a .yaml file under configs/ (got ${flags.config})`);
  }
  if (flags.checkpoint !== undefined && p.action !== "evaluate") {
    throw new UsageError(
      `--checkpoint is for the evaluate action; preset ${preset} runs ${p.action}`,
    );
  }
  if (flags.resume !== undefined && p.action !== "train") {
    throw new UsageError(`--resume continues a training run; preset ${preset} runs ${p.action}`);
  }
  if (flags.preemptible === false) {
    throw new UsageError(
      "--no-preemptible: Modal does not support non-preemptible GPU functions; a preempted run resumes from last.pt",
    );
  }
  if (flags.split !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(flags.split)) {
    throw new UsageError(`--split ${JSON.stringify(flags.split)} is not a split name`);
  }
  let run: string;
  if (flags.resume !== undefined) {
    run = checkRunName(flags.resume, "--resume");
    if (flags.name !== undefined && flags.name !== run) {
      throw new UsageError("--resume continues that run under its own name; leave out --name");
    }
  } else if (flags.name !== undefined) {
    run = checkRunName(flags.name, "--name");
  } else {
    run = defaultRunName(preset, now, suffix);
  }
  return {
    preset,
    action: p.action,
    run,
    resume: flags.resume !== undefined,
    config: normaliseRepoPath(flags.config ?? p.config),
    gpu: flags.gpu ?? p.gpu,
    timeoutS: flags.timeout ?? p.timeout_s,
    cpu: flags.cpu ?? p.cpu,
    memoryMib: flags.memory ?? p.memory_mib,
    preemptible: flags.preemptible ?? p.preemptible,
    datasets: [...p.datasets],
    trainerSource: normaliseRepoPath(launch.trainer.checkout).replace(/\/+$/, ""),
    trainer: { ...launch.trainer },
    wandb: p.wandb,
    limitFiles: p.limit_files,
    plannedHours: p.planned_hours,
    checkpoint: flags.checkpoint ?? null,
    split: flags.split ?? null,
  };
}

function isPositiveInt(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0;
}

/** `./configs/x.yaml` -> `configs/x.yaml`: the form the image and the app use. */
function normaliseRepoPath(p: string): string {
  return p.replaceAll("\\", "/").replace(/^(\.\/)+/, "");
}
