import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { LauncherContext } from "../context.ts";
import { volumeGetRunArgv } from "../plan/modal-argv.ts";
import { runAttached } from "../process/run-command.ts";
import { requireModal, requireRun } from "./require.ts";

/** Checkpoints, metrics and logs of /<run> on the results volume into results/<run>/. */
export async function pullRun(
  ctx: LauncherContext,
  run: string,
  resultsVolume: string,
  force: boolean,
) {
  requireRun(ctx, run);
  const bin = requireModal(ctx);
  const parent = join(ctx.root, "results");
  mkdirSync(parent, { recursive: true }); // modal puts /<run> under it only if it exists
  const r = await runAttached(volumeGetRunArgv(bin, resultsVolume, run, parent, force), {
    cwd: ctx.root,
    env: ctx.env,
  });
  return { ...r, destination: join(parent, run) };
}
