// The launcher as a library: plan and launch Modal runs without the CLI.
export { createContext, type LauncherContext } from "./context.ts";
export * from "./errors.ts";
export { type LaunchOutcome, launchRun } from "./operations/launch-run.ts";
export { listRuns } from "./operations/list-runs.ts";
export { type LaunchPlan, planJson, planLaunch } from "./operations/plan-launch.ts";
export { runStatus } from "./operations/run-status.ts";
export { stopRun } from "./operations/stop-run.ts";
export type { RunRecord, RunStatus } from "./registry/records.ts";
export { RunRegistry } from "./registry/registry.ts";
