import type { LauncherContext } from "../context.ts";
import { EnvironmentError, UsageError } from "../errors.ts";
import type { RunRecord } from "../registry/records.ts";

export function requireModal(ctx: LauncherContext): string {
  if (ctx.modal.found) return ctx.modal.bin;
  throw new EnvironmentError(
    `modal CLI not found (tried ${ctx.modal.tried.join(", ")}); run sh modal/scripts/venv.sh or pass --modal-bin`,
  );
}

export function requireRun(ctx: LauncherContext, run: string): RunRecord {
  const r = ctx.registry.get(run);
  if (!r) {
    throw new UsageError(
      `no run ${JSON.stringify(run)} in ${ctx.registry.file} (pnpm launch list shows the runs launched here)`,
    );
  }
  return r;
}
