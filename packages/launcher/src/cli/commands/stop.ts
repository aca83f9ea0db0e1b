import { loadProject } from "../../config/project-configs.ts";
import { EXIT, type ExitCode } from "../../errors.ts";
import { stopRun } from "../../operations/stop-run.ts";
import type { Runtime } from "../runtime.ts";

export async function stopCommand(rt: Runtime, run: string): Promise<ExitCode> {
  const { launch } = loadProject(rt.ctx.root);
  const { app_id, warning } = await stopRun(rt.ctx, run, launch.app.results_volume);
  if (rt.json) rt.out(JSON.stringify({ run, app_id, status: "stopped", warning }));
  else {
    rt.out(`stopped ${run} (${app_id})`);
    if (warning) rt.err(`warning: ${warning}`);
  }
  return EXIT.ok;
}
