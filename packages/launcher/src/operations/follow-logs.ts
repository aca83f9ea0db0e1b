import type { LauncherContext } from "../context.ts";
import { UsageError } from "../errors.ts";
import { appLogsArgv } from "../plan/modal-argv.ts";
import { runAttached } from "../process/run-command.ts";
import { requireModal, requireRun } from "./require.ts";

/** Modal prints the logs straight to the terminal; the result is its exit. */
export async function followLogs(ctx: LauncherContext, run: string, follow: boolean) {
  const record = requireRun(ctx, run);
  const bin = requireModal(ctx);
  if (!record.app_id) throw new UsageError(`run ${run} has no app id recorded (${record.status})`);
  return runAttached(appLogsArgv(bin, record.app_id, follow), { cwd: ctx.root, env: ctx.env });
}
