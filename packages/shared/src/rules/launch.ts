import type { RuleSink } from "../load/issues.ts";
import type { DeepPartial } from "../load/salvage.ts";
import type { LaunchConfig } from "../schemas/launch.ts";

export function launchRules(c: DeepPartial<LaunchConfig>, out: RuleSink): void {
  for (const [name, p] of Object.entries(c.presets ?? {})) {
    if (!p) continue;
    const at = `presets.${name}`;
    // Upstream keyed "smoke" on the file name and BGB_LIMIT_FILES leaked into full runs.
    if (name !== "smoke" && p.limit_files !== undefined && p.limit_files !== null) {
      out.error(
        `${at}.limit_files`,
        `only the smoke preset may limit files; ${name} would run on ${p.limit_files} files`,
        "set limit_files: null",
      );
    }
    if (name === "smoke" && p.limit_files === null) {
      out.warn(
        `${at}.limit_files`,
        "the smoke preset runs on the whole dataset",
        "set limit_files: 50",
      );
    }
    if (
      (p.action === "train" || p.action === "evaluate") &&
      p.datasets &&
      p.datasets.length === 0
    ) {
      out.error(`${at}.datasets`, `action ${p.action} needs at least one dataset to mount`);
    }
  }
}
