import { basename } from "node:path";
import type { z } from "zod";
import { ciRules } from "../rules/ci.ts";
import { datasetsRules } from "../rules/datasets.ts";
import { gpusRules } from "../rules/gpus.ts";
import { launchRules } from "../rules/launch.ts";
import { trainingRules } from "../rules/training.ts";
import { type CiConfig, ciConfigSchema } from "../schemas/ci.ts";
import { type DatasetsConfig, datasetsConfigSchema } from "../schemas/datasets.ts";
import { type GpusConfig, gpusConfigSchema } from "../schemas/gpus.ts";
import { type LaunchConfig, launchConfigSchema } from "../schemas/launch.ts";
import { type TrainingConfig, trainingConfigSchema } from "../schemas/training.ts";
import type { RuleSink } from "./issues.ts";
import type { DeepPartial } from "./salvage.ts";

export type ConfigKind = "training" | "datasets" | "launch" | "gpus" | "ci";
export const CONFIG_KINDS: readonly ConfigKind[] = ["training", "datasets", "launch", "gpus", "ci"];

export type ConfigByKind = {
  training: TrainingConfig;
  datasets: DatasetsConfig;
  launch: LaunchConfig;
  gpus: GpusConfig;
  ci: CiConfig;
};

type KindSpec<T> = {
  schema: z.ZodType<T>;
  rules: (c: DeepPartial<T>, out: RuleSink) => void;
  /** Read by the trainer through PyYAML (YAML 1.1), so 1.1/1.2 differences matter. */
  readByPyYaml: boolean;
};

export const KINDS: { [K in ConfigKind]: KindSpec<ConfigByKind[K]> } = {
  training: { schema: trainingConfigSchema, rules: trainingRules, readByPyYaml: true },
  datasets: { schema: datasetsConfigSchema, rules: datasetsRules, readByPyYaml: false },
  launch: { schema: launchConfigSchema, rules: launchRules, readByPyYaml: false },
  gpus: { schema: gpusConfigSchema, rules: gpusRules, readByPyYaml: false },
  ci: { schema: ciConfigSchema, rules: ciRules, readByPyYaml: false },
};

/** datasets.yaml / launch.yaml / gpus.yaml / ci.yaml by name; any other YAML is a training config. */
export function kindFromFileName(file: string): ConfigKind {
  const name = basename(file).replace(/\.yml$/, ".yaml");
  if (name === "datasets.yaml") return "datasets";
  if (name === "launch.yaml") return "launch";
  if (name === "gpus.yaml") return "gpus";
  if (name === "ci.yaml") return "ci";
  return "training";
}
