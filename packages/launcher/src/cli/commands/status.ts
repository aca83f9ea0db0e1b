import { loadProject } from "../../config/project-configs.ts";
import { EXIT, type ExitCode } from "../../errors.ts";
import { runStatus } from "../../operations/run-status.ts";
import { renderStatus } from "../render.ts";
import type { Runtime } from "../runtime.ts";

const FAILED = new Set(["failed", "launch_failed", "aborted", "preempted"]);

/** Exit 1 when the run failed, 0 otherwise. */
export async function statusCommand(rt: Runtime, run: string): Promise<ExitCode> {
  const { launch } = loadProject(rt.ctx.root);
  const s = await runStatus(rt.ctx, run, launch.app.results_volume);
  if (rt.json) {
    rt.out(
      JSON.stringify(
        {
          ...s.record,
          status: s.status,
          modal_app: s.app,
          run_json: s.runJson,
          modal_error: s.remoteError,
        },
        null,
        2,
      ),
    );
  } else for (const line of renderStatus(s)) rt.out(line);
  return FAILED.has(s.status) ? EXIT.failed : EXIT.ok;
}
