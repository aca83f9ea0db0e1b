// A run's status: Modal's app state, plus the run record the GPU side writes (run.json), folded
// into the registry when it tells something new ("final status when known").
import type { LauncherContext } from "../context.ts";
import { runJsonArgv } from "../plan/modal-argv.ts";
import { appIsLive, type ModalApp } from "../process/modal-json.ts";
import { runCommand } from "../process/run-command.ts";
import { FINAL_STATUSES, type RunRecord, type RunStatus } from "../registry/records.ts";
import { type AppsResult, appOf, listApps } from "./list-runs.ts";
import { requireModal, requireRun } from "./require.ts";

/** The fields of /results/<run>/run.json the launcher uses (contracts.md section 3). */
export interface RunJson {
  exit_status?: string;
  exit_code?: number | null;
  segment?: number;
  started_at?: string;
  ended_at?: string | null;
  [k: string]: unknown;
}

export interface RunStatusReport {
  record: RunRecord;
  status: RunStatus;
  app: ModalApp | null;
  runJson: RunJson | null;
  /** Why Modal could not be asked, when it could not. */
  remoteError: string | null;
  changed: boolean;
}

/** Pure: what the registry should say given Modal's answers. */
export function deriveStatus(
  record: RunRecord,
  app: ModalApp | null,
  runJson: RunJson | null,
): RunStatus {
  const s = runJson?.exit_status;
  if (s === "succeeded" || s === "failed" || s === "preempted") return s;
  if (FINAL_STATUSES.includes(record.status)) return record.status;
  if (app) return appIsLive(app.state) ? "running" : "stopped";
  return record.status;
}

export async function runStatus(
  ctx: LauncherContext,
  run: string,
  resultsVolume: string,
): Promise<RunStatusReport> {
  const record = requireRun(ctx, run);
  const bin = requireModal(ctx);
  const [apps, runJson] = await Promise.all([
    listApps(ctx, bin),
    readRunJson(ctx, bin, resultsVolume, run),
  ]);
  const app = apps.ok ? (appOf(record, apps.apps) ?? null) : null;
  const status = deriveStatus(record, app, runJson);
  const changed = status !== record.status;
  if (changed) {
    ctx.registry.append({
      run,
      event: "status",
      status,
      message: runJson?.exit_status
        ? `run.json: ${runJson.exit_status}`
        : `modal app ${app?.app_id ?? "?"}: ${app?.state ?? "?"}`,
    });
  }
  return {
    record: ctx.registry.get(run) ?? record,
    status,
    app,
    runJson,
    remoteError: remoteError(apps),
    changed,
  };
}

function remoteError(apps: AppsResult): string | null {
  return apps.ok ? null : apps.message;
}

async function readRunJson(
  ctx: LauncherContext,
  bin: string,
  volume: string,
  run: string,
): Promise<RunJson | null> {
  const r = await runCommand(runJsonArgv(bin, volume, run), {
    cwd: ctx.root,
    env: ctx.env,
    timeoutMs: ctx.modalTimeoutMs,
  });
  if (r.code !== 0) return null; // not written yet, or Modal unreachable (reported by app list)
  try {
    const v: unknown = JSON.parse(r.stdout);
    return v !== null && typeof v === "object" ? (v as RunJson) : null;
  } catch {
    return null;
  }
}
