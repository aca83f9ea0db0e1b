// Applies a plan: record "launching", start modal, record what it reports. Ctrl-C or a hang
// before the run starts leaves either no app or one that is stopped and recorded; never an
// unrecorded one (the registry line is written before modal starts, the app id as soon as seen).
import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import type { LauncherContext } from "../context.ts";
import { InterruptedError, LaunchFailedError } from "../errors.ts";
import { childEnv } from "../plan/child-env.ts";
import { appStopArgv } from "../plan/modal-argv.ts";
import { type ClientEnd, type WatchResult, watchModalLaunch } from "../process/launch-modal.ts";
import { lastLine, runCommand } from "../process/run-command.ts";
import type { LaunchPlan } from "./plan-launch.ts";

export interface LaunchRunOptions {
  signal?: AbortSignal;
  /** How long modal may take to print BGB_RUN (first image builds take 10-15 min). */
  timeoutMs: number;
  onLine?: (line: string) => void;
  settleMs?: number;
  exitGraceMs?: number;
  killGraceMs?: number;
}

export interface LaunchOutcome {
  run: string;
  app_id: string | null;
  url: string | null;
  function_call_id: string | null;
  log_file: string;
  client: ClientEnd;
  client_exit_code: number | null;
  warnings: string[];
}

export async function launchRun(
  ctx: LauncherContext,
  plan: LaunchPlan,
  opts: LaunchRunOptions,
): Promise<LaunchOutcome> {
  if (!plan.ok) throw new Error("launchRun: the plan did not pass preflight");
  const r = plan.request;
  if (opts.signal?.aborted)
    throw new InterruptedError("interrupted before launch: nothing started");
  const logDir = join(ctx.root, ".bgb", "launches");
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${r.run}.log`);
  const shownLog = relative(ctx.root, logFile);

  ctx.registry.append({
    run: r.run,
    event: "launching",
    preset: r.preset,
    action: r.action,
    config_path: r.config,
    config_sha256: plan.configSha256,
    dataset_versions: plan.datasetVersions,
    gpu: r.gpu,
    timeout_s: r.timeoutS,
    planned_hours: r.plannedHours,
    estimate_usd: plan.estimate?.estimate_usd ?? null,
    git_sha: plan.spec.git_sha,
    git_dirty: plan.spec.git_dirty,
    trainer_commit: plan.spec.trainer_commit,
    trainer_dirty: plan.spec.trainer_dirty,
    resume: r.resume,
    argv: plan.argv,
    log_file: shownLog,
  });

  const result: WatchResult = await watchModalLaunch({
    argv: plan.argv,
    cwd: ctx.root,
    env: childEnv(ctx.env, plan.spec),
    timeoutMs: opts.timeoutMs,
    logFile,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onLine ? { onLine: opts.onLine } : {}),
    ...(opts.settleMs !== undefined ? { settleMs: opts.settleMs } : {}),
    ...(opts.exitGraceMs !== undefined ? { exitGraceMs: opts.exitGraceMs } : {}),
    ...(opts.killGraceMs !== undefined ? { killGraceMs: opts.killGraceMs } : {}),
    onAppId: (appId) => ctx.registry.append({ run: r.run, event: "app", app_id: appId }),
  });

  if (result.kind === "started") {
    ctx.registry.append({
      run: r.run,
      event: "launched",
      app_id: result.appId,
      url: result.url,
      function_call_id: result.bgbRun.function_call_id,
    });
    const warnings: string[] = [];
    if (result.bgbRun.run !== r.run) {
      warnings.push(`modal/app.py reported run ${result.bgbRun.run}, not ${r.run}`);
    }
    if (result.appId === null)
      warnings.push("no app id in modal's output; use the URL to follow it");
    if (result.url === null) warnings.push("no run URL in modal's output");
    return {
      run: r.run,
      app_id: result.appId,
      url: result.url,
      function_call_id: result.bgbRun.function_call_id,
      log_file: shownLog,
      client: result.client,
      client_exit_code: result.clientCode,
      warnings,
    };
  }

  // Not started. An app may exist (Modal printed its id) with or without a spawned call: stop it,
  // so what is left is nothing, or a stopped app the registry knows about.
  let cleanup = "";
  if (result.appId) {
    const stop = await runCommand(appStopArgv(plan.argv[0] as string, result.appId), {
      cwd: ctx.root,
      env: ctx.env,
      timeoutMs: ctx.modalTimeoutMs,
    });
    cleanup =
      stop.code === 0
        ? `; app ${result.appId} stopped`
        : `; stopping app ${result.appId} failed (${lastLine(stop)}): run \`modal app stop -y ${result.appId}\``;
  }
  const status = result.reason === "aborted" ? "aborted" : "launch_failed";
  ctx.registry.append({
    run: r.run,
    event: "status",
    status,
    message: `${result.message}${cleanup}`,
    app_id: result.appId,
  });
  const tail = result.tail.slice(-5).map((l) => `  | ${l}`);
  const detail = `${result.message}${cleanup} (recorded as ${status}; full output in ${shownLog})`;
  if (result.reason === "aborted") throw new InterruptedError(detail);
  throw new LaunchFailedError([detail, ...tail].join("\n"));
}
