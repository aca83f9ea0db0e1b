import { relative } from "node:path";
import { loadProject } from "../../config/project-configs.ts";
import { EXIT, type ExitCode, LaunchFailedError } from "../../errors.ts";
import { pullRun } from "../../operations/pull-run.ts";
import type { Runtime } from "../runtime.ts";

export async function pullCommand(rt: Runtime, run: string, force: boolean): Promise<ExitCode> {
  const { launch } = loadProject(rt.ctx.root);
  const r = await pullRun(rt.ctx, run, launch.app.results_volume, force);
  if (r.signal === "SIGINT" || r.code === 130) return EXIT.interrupted;
  if (r.code !== 0) {
    throw new LaunchFailedError(
      `modal volume get exited with ${r.spawnError ?? r.signal ?? r.code}${force ? "" : " (files from an earlier pull? add --force)"}`,
    );
  }
  const dest = relative(rt.ctx.root, r.destination);
  if (rt.json) rt.out(JSON.stringify({ run, destination: dest }));
  else rt.out(`pulled ${run} into ${dest}/ (checkpoints/, logs/, evaluations/, run.json)`);
  return EXIT.ok;
}
