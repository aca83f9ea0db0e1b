import { EXIT, type ExitCode } from "../../errors.ts";
import { stopRun } from "../../operations/stop-run.ts";
import type { Runtime } from "../runtime.ts";

export async function stopCommand(rt: Runtime, run: string): Promise<ExitCode> {
  const { app_id } = await stopRun(rt.ctx, run);
  if (rt.json) rt.out(JSON.stringify({ run, app_id, status: "stopped" }));
  else rt.out(`stopped ${run} (${app_id})`);
  return EXIT.ok;
}
