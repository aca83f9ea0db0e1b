// A run's status: Modal's app state, plus the run record the GPU side writes (run.json), folded
// into the registry when it tells something new ("final status when known").
import type { LauncherContext } from "../context.ts";
import { runJsonArgv } from "../plan/modal-argv.ts";
import { appIsLive, type ModalApp } from "../process/modal-json.ts";
import { runCommand } from "../process/run-command.ts";
import { FINAL_STATUSES, type RunRecord, type RunStatus } from "../registry/records.ts";
import { type AppsResult, appOf, listApps } from "./list-runs.ts";
import { requireModal, requireRun } from "./require.ts";

/** One attempt of a run: one execution of the Modal function on its input (contracts.md §3). */
export interface RunAttempt {
  attempt?: number;
  launch_id?: string | null;
  launch_attempt?: number;
  max_attempts?: number;
  started_at?: string | null;
  ended_at?: string | null;
  /** running | completed | failed | timeout | preempted | cancelled | lost */
  outcome?: string;
  why?: string | null;
  epoch_reached?: number | null;
  resumed_from_last_pt?: boolean;
  [k: string]: unknown;
}

/** The fields of /results/<run>/run.json the launcher uses (contracts.md section 3). */
export interface RunJson {
  exit_status?: string;
  exit_code?: number | null;
  attempt?: number;
  attempts?: RunAttempt[];
  best?: { metric?: string; value?: number; epoch?: number; attempt?: number } | null;
  started_at?: string;
  ended_at?: string | null;
  message?: string | null;
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

/** Pure: what the registry should say given Modal's answers.
 * run.json's final states win; a stop by the user (`pnpm launch stop`) wins over a preemption
 * (modal app stop reaches the container as a shutdown the GPU side cannot tell from one);
 * `preempted` / `running` in run.json are not final: Modal restarts a preempted input and the
 * retry policy starts the next attempt, so a live app means running. */
export function deriveStatus(
  record: RunRecord,
  app: ModalApp | null,
  runJson: RunJson | null,
): RunStatus {
  const s = runJson?.exit_status;
  if (s === "succeeded" || s === "failed") return s;
  if (s === "cancelled" || record.status === "stopped") return "stopped";
  const live = app ? appIsLive(app.state) : null;
  if (s === "running" || s === "preempted") {
    if (live === true) return "running";
    if (live === false) return s === "preempted" ? "preempted" : "stopped";
    return s === "preempted" ? "preempted" : "running";
  }
  if (FINAL_STATUSES.includes(record.status)) return record.status;
  if (app) return live ? "running" : "stopped";
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
