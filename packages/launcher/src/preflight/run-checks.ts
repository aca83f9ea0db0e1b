// Preflight decisions: facts in, one result per check out, every check always reported (pure).

import {
  checkGpu,
  checkSmokeLimit,
  checkTimeout,
  checkTrainerSchema,
  checkTrainingConfig,
} from "./checks/config.ts";
import { checkDatasetReports } from "./checks/dataset-report.ts";
import { checkDatasets } from "./checks/datasets.ts";
import { checkModalAuth, checkModalCli, checkModalSecrets } from "./checks/modal.ts";
import {
  checkCheckpoint,
  checkConcurrentRun,
  checkGit,
  checkRunName,
  checkTrainerSource,
} from "./checks/run.ts";
import type { CheckInput, CheckResult } from "./types.ts";

export function runChecks(input: CheckInput): CheckResult[] {
  const results: (CheckResult | null)[] = [
    checkModalCli(input),
    checkModalAuth(input),
    checkModalSecrets(input),
    checkTrainingConfig(input),
    checkSmokeLimit(input),
    checkGpu(input),
    checkTimeout(input),
    ...checkDatasets(input),
    ...checkDatasetReports(input),
    checkTrainerSource(input),
    checkTrainerSchema(input),
    checkCheckpoint(input),
    checkRunName(input),
    checkGit(input),
    checkConcurrentRun(input),
  ];
  return results.filter((r): r is CheckResult => r !== null);
}

export function preflightPassed(results: readonly CheckResult[]): boolean {
  return results.every((r) => r.ok);
}

/** Exit 3 when the machine itself cannot launch; 2 for everything a config or flag can fix. */
export function preflightIsEnvironmental(results: readonly CheckResult[]): boolean {
  return results.some((r) => !r.ok && r.environmental === true);
}
