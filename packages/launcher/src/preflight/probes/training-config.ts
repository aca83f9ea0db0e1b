import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { type ConfigIssue, formatIssue, loadConfigFile } from "@bgb/shared";
import type { TrainingConfigFact } from "../types.ts";

/**
 * Validates the training config with the shared schema and its cross-field rules.
 * `projectIssues` are the cross-file issues (launch.yaml vs this config) that concern this launch.
 */
export function probeTrainingConfig(
  root: string,
  path: string,
  projectIssues: readonly ConfigIssue[],
): TrainingConfigFact {
  const abs = resolve(root, path);
  const rel = relative(join(root, "configs"), abs);
  const underConfigs = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
  const exists = statSync(abs, { throwIfNoEntry: false })?.isFile() === true;
  const fact: TrainingConfigFact = {
    path,
    exists,
    underConfigs,
    errors: projectIssues.map(formatIssue),
    warnings: [],
    sha256: null,
    wandbEnabled: null,
  };
  if (!exists) return fact;
  fact.sha256 = createHash("sha256").update(readFileSync(abs)).digest("hex");
  const r = loadConfigFile(abs, "training");
  fact.errors.push(...r.errors.map((i) => formatIssue({ ...i, file: path })));
  fact.warnings = r.warnings.map((i) => formatIssue({ ...i, file: path }));
  fact.wandbEnabled = r.config?.experiment?.wandb?.enabled ?? null;
  return fact;
}
