// The plan of a launch (what --dry-run prints): request, argv, env names, spec, preflight, cost.
import { randomBytes } from "node:crypto";
import { issuesForPreset, type ProjectConfigSet } from "../config/project-configs.ts";
import type { LauncherContext } from "../context.ts";
import { envNames } from "../plan/child-env.ts";
import { type CostEstimate, estimateCost } from "../plan/cost.ts";
import { checkFlagValues } from "../plan/flag-checks.ts";
import { buildLaunchSpec, type LaunchSpec } from "../plan/launch-spec.ts";
import { modalRunArgv } from "../plan/modal-argv.ts";
import { type LaunchFlags, type LaunchRequest, resolveRequest } from "../plan/request.ts";
import { segmentCount } from "../plan/segments.ts";
import { gatherFacts } from "../preflight/gather-facts.ts";
import { preflightIsEnvironmental, preflightPassed, runChecks } from "../preflight/run-checks.ts";
import type { CheckResult, Facts } from "../preflight/types.ts";

export interface LaunchPlan {
  request: LaunchRequest;
  argv: string[];
  env: { set: string[]; inherited: string[]; removed: string[] };
  spec: LaunchSpec;
  preflight: CheckResult[];
  ok: boolean;
  environmental: boolean;
  estimate: CostEstimate | null;
  /** Attempts the planned time needs (one per timeout). */
  segments: number;
  /** Attempts one launch may use: 1 + the `train` function's retries (spares for preemptions). */
  maxAttempts: number;
  configSha256: string | null;
  datasetVersions: Record<string, string | null>;
  warnings: string[];
  facts: Facts;
}

export async function planLaunch(
  ctx: LauncherContext,
  configs: ProjectConfigSet,
  preset: string | undefined,
  flags: LaunchFlags,
  opts: { yes: boolean; signal?: AbortSignal; onProbing?: () => void },
): Promise<LaunchPlan> {
  const request = resolveRequest(
    configs.launch,
    preset,
    flags,
    ctx.now(),
    randomBytes(2).toString("hex"),
  );
  checkFlagValues(flags, request, configs.gpus, ctx.root); // before any probe: a typo is instant
  opts.onProbing?.();
  const facts = await gatherFacts(request, configs.datasets, {
    root: ctx.root,
    env: ctx.env,
    modal: ctx.modal,
    readerFor: ctx.readerFor,
    runs: ctx.registry.records(),
    projectIssues: issuesForPreset(configs.errors, request.preset),
    modalTimeoutMs: ctx.modalTimeoutMs,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const preflight = runChecks({
    req: request,
    launch: configs.launch,
    gpus: configs.gpus,
    datasets: configs.datasets,
    facts,
    yes: opts.yes,
    now: ctx.now(),
  });
  const datasetVersions = Object.fromEntries(
    request.datasets.map((n) => {
      const m = facts.manifests[n];
      return [n, m?.state === "found" ? m.manifest.version : null];
    }),
  );
  const spec = buildLaunchSpec(request, configs.datasets, {
    gitSha: facts.git.ok ? facts.git.sha : null,
    gitDirty: facts.git.ok ? facts.git.dirty : false,
    trainerCommit: facts.trainer.git.ok ? facts.trainer.git.sha : null,
    trainerDirty: facts.trainer.git.ok ? facts.trainer.git.dirty : false,
    versions: datasetVersions,
  });
  return {
    request,
    // Without a modal CLI the plan still shows the command it would run.
    argv: modalRunArgv(ctx.modal.found ? ctx.modal.bin : "modal", request),
    env: envNames(ctx.env),
    spec,
    preflight,
    ok: preflightPassed(preflight),
    environmental: preflightIsEnvironmental(preflight),
    estimate: estimateCost(configs.gpus, request.gpu, request.plannedHours),
    segments: segmentCount(request.plannedHours, request.timeoutS),
    maxAttempts: spec.train_retries + 1,
    configSha256: facts.training.sha256,
    datasetVersions,
    warnings: facts.training.warnings,
    facts,
  };
}

/** The --dry-run --json object. Names of environment variables only, never their values. */
export function planJson(plan: LaunchPlan, dryRun: boolean): Record<string, unknown> {
  return {
    dry_run: dryRun,
    ok: plan.ok,
    preset: plan.request.preset,
    run: plan.request.run,
    action: plan.request.action,
    argv: plan.argv,
    env: [...plan.env.set, ...plan.env.inherited],
    env_removed: plan.env.removed,
    launch_spec: plan.spec,
    preflight: plan.preflight.map(({ check, ok, message, fix }) => ({ check, ok, message, fix })),
    estimate_usd: plan.estimate?.estimate_usd ?? null,
    estimate: plan.estimate,
    segments: plan.segments,
    max_attempts: plan.maxAttempts,
    config_sha256: plan.configSha256,
    dataset_versions: plan.datasetVersions,
    dataset_reports: Object.fromEntries(
      plan.request.datasets.map((n) => {
        const f = plan.facts.reports?.[n];
        if (f?.state !== "found") return [n, null];
        const { recordings, hours, seizure_events, seizure_share } = f.report.totals;
        const { errors, warnings } = f.report;
        return [n, { recordings, hours, seizure_events, seizure_share, errors, warnings }];
      }),
    ),
    git: { sha: plan.spec.git_sha, dirty: plan.spec.git_dirty },
    trainer: {
      repository: plan.request.trainer.repository,
      pinned: plan.request.trainer.commit,
      commit: plan.spec.trainer_commit,
      dirty: plan.spec.trainer_dirty,
    },
    warnings: plan.warnings,
  };
}
