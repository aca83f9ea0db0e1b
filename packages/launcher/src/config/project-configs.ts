// Adapter over @bgb/shared: the three project configs a launch cannot do without, and which of
// the cross-file issues concern one particular launch.
import {
  type ConfigIssue,
  type DatasetsConfig,
  formatIssue,
  type GpusConfig,
  type LaunchConfig,
  loadProjectConfigs,
  PROJECT_FILES,
} from "@bgb/shared";
import { ConfigError } from "../errors.ts";

export interface ProjectConfigSet {
  launch: LaunchConfig;
  datasets: DatasetsConfig;
  gpus: GpusConfig;
  /** Cross-file errors (a preset vs its training config, GPU, datasets). */
  errors: ConfigIssue[];
}

export function loadProject(root: string): ProjectConfigSet {
  const p = loadProjectConfigs(root);
  if (!p.launch || !p.datasets || !p.gpus) {
    const own = new Set<string>(Object.values(PROJECT_FILES));
    const lines = p.errors.filter((i) => own.has(i.file)).map(formatIssue);
    throw new ConfigError(
      "the project configs are invalid (pnpm launch validate shows every problem)",
      lines.length > 0 ? lines : p.errors.map(formatIssue),
    );
  }
  return { launch: p.launch, datasets: p.datasets, gpus: p.gpus, errors: p.errors };
}

/**
 * Cross-file issues about this preset in launch.yaml (its training config's own issues come from
 * loading that file; other presets' problems do not stop this launch).
 */
export function issuesForPreset(errors: readonly ConfigIssue[], preset: string): ConfigIssue[] {
  return errors.filter(
    (i) =>
      i.file === PROJECT_FILES.launch &&
      (i.path === `presets.${preset}` || i.path.startsWith(`presets.${preset}.`)),
  );
}
