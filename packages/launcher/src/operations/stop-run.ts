import type { LauncherContext } from "../context.ts";
import { LaunchFailedError, UsageError } from "../errors.ts";
import { appStopArgv } from "../plan/modal-argv.ts";
import { lastLine, runCommand } from "../process/run-command.ts";
import { appOf, listApps } from "./list-runs.ts";
import { requireModal, requireRun } from "./require.ts";

export async function stopRun(ctx: LauncherContext, run: string): Promise<{ app_id: string }> {
  const record = requireRun(ctx, run);
  const bin = requireModal(ctx);
  let appId = record.app_id;
  if (!appId) {
    // A launch interrupted before its id was recorded: Modal knows the app by its run name.
    const apps = await listApps(ctx, bin);
    appId = apps.ok ? (appOf(record, apps.apps)?.app_id ?? null) : null;
    if (!appId) throw new UsageError(`run ${run} has no Modal app to stop`);
  }
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
  return { app_id: appId };
}
