import { loadProject, type ProjectConfigSet } from "../../src/config/project-configs.ts";
import { REPO_ROOT } from "./paths.ts";

/** The project's own configs/: the plans under test are the ones users get. */
export function projectConfigs(): ProjectConfigSet {
  return loadProject(REPO_ROOT);
}
