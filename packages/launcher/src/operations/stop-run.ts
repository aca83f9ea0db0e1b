import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LauncherContext } from "../context.ts";
import { LaunchFailedError, UsageError } from "../errors.ts";
import { appStopArgv, stopRequestArgv } from "../plan/modal-argv.ts";
import { lastLine, runCommand } from "../process/run-command.ts";
import { appOf, listApps } from "./list-runs.ts";
import { requireModal, requireRun } from "./require.ts";

export interface StopOutcome {
  app_id: string;
  /** Why the stop request could not be written to the results volume, when it could not. */
  warning: string | null;
}

/**
 * Stop a run's Modal app. With the results volume named, first write
 * /<run>/stop-requested.json there: `modal app stop` reaches the training container as a
 * shutdown signal the GPU side cannot tell from a preemption, and this marker lets it record the
 * attempt `cancelled` instead of `preempted` (modal/README.md).
 */
export async function stopRun(
  ctx: LauncherContext,
  run: string,
  resultsVolume?: string,
): Promise<StopOutcome> {
  const record = requireRun(ctx, run);
  const bin = requireModal(ctx);
  let appId = record.app_id;
  if (!appId) {
    // A launch interrupted before its id was recorded: Modal knows the app by its run name.
    const apps = await listApps(ctx, bin);
    appId = apps.ok ? (appOf(record, apps.apps)?.app_id ?? null) : null;
    if (!appId) throw new UsageError(`run ${run} has no Modal app to stop`);
  }
  const warning = resultsVolume ? await requestStop(ctx, bin, resultsVolume, run, appId) : null;
  const r = await runCommand(appStopArgv(bin, appId), {
    cwd: ctx.root,
    env: ctx.env,
    timeoutMs: ctx.modalTimeoutMs,
  });
  if (r.code !== 0) throw new LaunchFailedError(`modal app stop ${appId} failed: ${lastLine(r)}`);
  ctx.registry.append({
    run,
    event: "status",
    status: "stopped",
    message: "stopped with pnpm launch stop",
    app_id: appId,
  });
  return { app_id: appId, warning };
}

async function requestStop(
  ctx: LauncherContext,
  bin: string,
  volume: string,
  run: string,
  appId: string,
): Promise<string | null> {
  const dir = mkdtempSync(join(tmpdir(), "bgb-stop-"));
  try {
    const file = join(dir, "stop-requested.json");
    const doc = { requested_at: ctx.now().toISOString(), by: "pnpm launch stop", app_id: appId };
    writeFileSync(file, `${JSON.stringify(doc)}\n`);
    const r = await runCommand(stopRequestArgv(bin, volume, run, file), {
      cwd: ctx.root,
      env: ctx.env,
      timeoutMs: ctx.modalTimeoutMs,
    });
    if (r.code === 0) return null;
    return `could not write the stop request to ${volume}:/${run}/ (${lastLine(r)}); the run record may say preempted`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
