import type { LauncherContext } from "../context.ts";
import { appListArgv } from "../plan/modal-argv.ts";
import { type ModalApp, parseAppList } from "../process/modal-json.ts";
import { lastLine, runCommand } from "../process/run-command.ts";
import type { RunRecord } from "../registry/records.ts";

export type AppsResult = { ok: true; apps: ModalApp[] } | { ok: false; message: string };

export async function listApps(ctx: LauncherContext, bin: string): Promise<AppsResult> {
  const r = await runCommand(appListArgv(bin), {
    cwd: ctx.root,
    env: ctx.env,
    timeoutMs: ctx.modalTimeoutMs,
  });
  if (r.code !== 0) return { ok: false, message: r.timedOut ? "timed out" : lastLine(r) };
  const apps = parseAppList(r.stdout);
  return apps
    ? { ok: true, apps }
    : { ok: false, message: "unexpected output from modal app list" };
}

export function appOf(r: RunRecord, apps: readonly ModalApp[]): ModalApp | undefined {
  return r.app_id
    ? apps.find((a) => a.app_id === r.app_id)
    : apps.find((a) => a.description === r.run);
}

export interface ListedRun {
  record: RunRecord;
  /** Modal's view of the app, when Modal was asked and lists it. */
  app: ModalApp | null;
}

export async function listRuns(
  ctx: LauncherContext,
  opts: { remote: boolean },
): Promise<{ runs: ListedRun[]; remote: AppsResult | null }> {
  const records = ctx.registry.records().sort((a, b) => a.created_at.localeCompare(b.created_at));
  let remote: AppsResult | null = null;
  if (opts.remote && ctx.modal.found && records.length > 0) {
    remote = await listApps(ctx, ctx.modal.bin);
  }
  const apps = remote?.ok ? remote.apps : [];
  return { runs: records.map((record) => ({ record, app: appOf(record, apps) ?? null })), remote };
}
