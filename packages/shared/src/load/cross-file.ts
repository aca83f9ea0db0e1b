import { existsSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import type { DatasetsConfig } from "../schemas/datasets.ts";
import type { GpusConfig } from "../schemas/gpus.ts";
import type { LaunchConfig } from "../schemas/launch.ts";
import type { TrainingConfig } from "../schemas/training.ts";
import { didYouMean } from "./did-you-mean.ts";
import type { ConfigIssue } from "./issues.ts";
import type { ConfigKind } from "./kinds.ts";
import { loadConfigFileWithPartial } from "./load-config-file.ts";
import type { DeepPartial } from "./salvage.ts";

export const PROJECT_FILES = {
  datasets: "configs/datasets.yaml",
  launch: "configs/launch.yaml",
  gpus: "configs/gpus.yaml",
} as const;

export type ProjectConfigs = {
  datasets?: DatasetsConfig;
  launch?: LaunchConfig;
  gpus?: GpusConfig;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
};

const DATASET_FOR_LAYOUT: Record<string, string> = { tusz: "tuh_eeg", chbmit: "chb_mit" };

/** Path shown in issues: relative to the repo root with "/" separators when inside it. */
export function displayPath(root: string, file: string): string {
  const abs = resolve(root, file);
  const rel = relative(root, abs);
  return rel.startsWith("..") || isAbsolute(rel) ? file : rel.split(sep).join("/");
}

function load<K extends ConfigKind>(root: string, rel: string, kind: K) {
  const r = loadConfigFileWithPartial(join(root, rel), kind);
  const fix = (i: ConfigIssue): ConfigIssue => ({ ...i, file: rel });
  return { ...r, errors: r.errors.map(fix), warnings: r.warnings.map(fix) };
}

/**
 * Loads configs/datasets.yaml, launch.yaml and gpus.yaml and checks what spans them: every
 * preset's GPU, datasets and training config exist, and the training config agrees with it.
 */
export function loadProjectConfigs(root: string): ProjectConfigs {
  const ds = load(root, PROJECT_FILES.datasets, "datasets");
  const la = load(root, PROJECT_FILES.launch, "launch");
  const gp = load(root, PROJECT_FILES.gpus, "gpus");
  const errors = [...ds.errors, ...la.errors, ...gp.errors];
  const warnings = [...ds.warnings, ...la.warnings, ...gp.warnings];
  const issue = (
    severity: "error" | "warning",
    file: string,
    path: string,
    message: string,
    hint?: string,
  ) => {
    const i: ConfigIssue = hint ? { file, path, message, hint } : { file, path, message };
    (severity === "error" ? errors : warnings).push(i);
  };
  const launchFile = PROJECT_FILES.launch;
  const datasets = ds.partial?.datasets;
  const gpus = gp.partial?.gpus;
  const trainingCache = new Map<string, ReturnType<typeof load<"training">>>();

  for (const [name, p] of Object.entries(la.partial?.presets ?? {})) {
    if (!p) continue;
    const at = `presets.${name}`;
    if (p.gpu !== undefined && gpus && !(p.gpu in gpus)) {
      issue(
        "error",
        launchFile,
        `${at}.gpu`,
        `GPU ${p.gpu} is not in ${PROJECT_FILES.gpus}`,
        didYouMean(p.gpu, Object.keys(gpus)) ?? `one of ${Object.keys(gpus).join(", ")}`,
      );
    }
    p.datasets?.forEach((d, i) => {
      if (datasets && !(d in datasets)) {
        issue(
          "error",
          launchFile,
          `${at}.datasets.${i}`,
          `dataset ${d} is not in ${PROJECT_FILES.datasets}`,
          didYouMean(d, Object.keys(datasets)) ?? `one of ${Object.keys(datasets).join(", ")}`,
        );
      }
    });
    if (p.config === undefined) continue;
    const abs = resolve(root, p.config);
    const rel = relative(join(root, "configs"), abs);
    if (rel.startsWith("..") || isAbsolute(rel)) {
      issue("error", launchFile, `${at}.config`, `${p.config} is not under configs/`);
      continue;
    }
    if (!existsSync(abs) || !statSync(abs).isFile()) {
      issue("error", launchFile, `${at}.config`, `${p.config} does not exist`);
      continue;
    }
    let tc = trainingCache.get(p.config);
    if (!tc) {
      tc = load(root, displayPath(root, p.config), "training");
      trainingCache.set(p.config, tc);
      errors.push(...tc.errors);
      warnings.push(...tc.warnings);
    }
    presetVsTraining(name, p, tc.partial, datasets, issue);
  }

  const out: ProjectConfigs = { errors, warnings };
  if (ds.config) out.datasets = ds.config;
  if (la.config) out.launch = la.config;
  if (gp.config) out.gpus = gp.config;
  return out;
}

type Issue = (
  severity: "error" | "warning",
  file: string,
  path: string,
  message: string,
  hint?: string,
) => void;

function presetVsTraining(
  name: string,
  p: NonNullable<DeepPartial<LaunchConfig>["presets"]>["smoke"],
  t: DeepPartial<TrainingConfig> | undefined,
  datasets: DeepPartial<DatasetsConfig>["datasets"],
  issue: Issue,
): void {
  if (!p || !t) return;
  const at = `presets.${name}`;
  const lf = PROJECT_FILES.launch;
  // The app only attaches wandb-secret when the preset asks for it.
  if (p.wandb === false && t.experiment?.wandb?.enabled === true) {
    issue(
      "error",
      lf,
      `${at}.wandb`,
      `${p.config} enables experiment.wandb but the preset does not pass the W&B secret`,
      "set wandb: true or disable experiment.wandb.enabled",
    );
  }
  if (p.wandb === true && t.experiment?.wandb?.enabled === false) {
    issue(
      "warning",
      lf,
      `${at}.wandb`,
      `the preset passes the W&B secret but ${p.config} has experiment.wandb.enabled false`,
    );
  }
  if (t.experiment?.device === "cpu") {
    issue(
      "warning",
      lf,
      `${at}.config`,
      `${p.config} sets experiment.device cpu; the ${p.gpu ?? "GPU"} would sit idle`,
    );
  }
  if (name !== "smoke" && (t.data?.max_samples != null || t.data?.max_hours != null)) {
    issue(
      "warning",
      lf,
      `${at}.config`,
      `${p.config} limits data (data.max_samples / data.max_hours) for a ${name} run`,
    );
  }
  if (name === "smoke" && (t.training?.epochs ?? 1) > 2) {
    issue(
      "warning",
      lf,
      `${at}.config`,
      `a smoke run with ${t.training?.epochs} epochs is not a quick check`,
      "use 1-2 epochs",
    );
  }
  const want = t.data?.dataset;
  if (want && datasets && p.datasets) {
    const layouts = p.datasets.map((d) => datasets[d]?.layout).filter((l) => l !== undefined);
    if (layouts.length > 0 && !layouts.some((l) => DATASET_FOR_LAYOUT[l] === want)) {
      issue(
        "error",
        lf,
        `${at}.datasets`,
        `${p.config} trains on ${want} but the preset mounts ${p.datasets.join(", ")} (layout ${layouts.join(", ")})`,
      );
    }
  }
}
