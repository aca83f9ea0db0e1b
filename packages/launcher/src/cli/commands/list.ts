import { EXIT, type ExitCode } from "../../errors.ts";
import { listRuns } from "../../operations/list-runs.ts";
import { renderRunList } from "../render.ts";
import type { Runtime } from "../runtime.ts";

export async function listCommand(rt: Runtime, opts: { local: boolean }): Promise<ExitCode> {
  const { runs, remote } = await listRuns(rt.ctx, { remote: !opts.local });
  if (rt.json) {
    rt.out(
      JSON.stringify(
        {
          runs: runs.map(({ record, app }) => ({ ...record, modal_state: app?.state ?? null })),
          modal_error: remote && !remote.ok ? remote.message : null,
        },
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  for (const line of renderRunList(runs, remote?.ok === true)) rt.out(line);
  if (remote && !remote.ok)
    rt.err(`warning: could not ask Modal (${remote.message}); registry only`);
  return EXIT.ok;
}
