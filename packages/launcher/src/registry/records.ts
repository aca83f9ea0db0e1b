// The run registry's data: append-only events, folded into one record per run (pure).

export type RunStatus =
  | "launching" // recorded before modal was started; not confirmed yet
  | "running"
  | "launch_failed"
  | "aborted"
  | "stopped"
  | "succeeded"
  | "failed"
  | "preempted";

export const ACTIVE_STATUSES: readonly RunStatus[] = ["launching", "running"];
export const FINAL_STATUSES: readonly RunStatus[] = [
  "launch_failed",
  "aborted",
  "stopped",
  "succeeded",
  "failed",
  "preempted",
];

/** Fields a launch records once (a `--resume` launch records them again). */
export interface LaunchFields {
  preset: string;
  action: string;
  config_path: string;
  config_sha256: string | null;
  dataset_versions: Record<string, string | null>;
  gpu: string;
  timeout_s: number;
  planned_hours: number;
  estimate_usd: number | null;
  git_sha: string | null;
  git_dirty: boolean;
  /** The trainer checkout's commit and state (absent in records written before the pin). */
  trainer_commit?: string | null;
  trainer_dirty?: boolean;
  resume: boolean;
  argv: string[];
  log_file: string | null;
}

export type RunEvent =
  | ({ v: 1; at: string; run: string; event: "launching" } & LaunchFields)
  | {
      v: 1;
      at: string;
      run: string;
      event: "app";
      app_id: string;
    }
  | {
      v: 1;
      at: string;
      run: string;
      event: "launched";
      app_id: string | null;
      url: string | null;
      function_call_id: string | null;
    }
  | {
      v: 1;
      at: string;
      run: string;
      event: "status";
      status: RunStatus;
      message?: string;
      app_id?: string | null;
    };

export interface RunRecord extends LaunchFields {
  run: string;
  status: RunStatus;
  app_id: string | null;
  /** Every app this run had (one per launch; resumed runs have several). */
  app_ids: string[];
  url: string | null;
  function_call_id: string | null;
  created_at: string;
  launched_at: string | null;
  ended_at: string | null;
  updated_at: string;
  launches: number;
  message: string | null;
}

export function foldEvents(events: readonly RunEvent[]): Map<string, RunRecord> {
  const runs = new Map<string, RunRecord>();
  for (const e of events) {
    let r = runs.get(e.run);
    if (e.event === "launching") {
      const { v: _v, at, run, event: _e, ...fields } = e;
      const prior = r;
      r = {
        ...fields,
        run,
        status: "launching",
        app_id: null,
        app_ids: prior?.app_ids ?? [],
        url: null,
        function_call_id: null,
        created_at: prior?.created_at ?? at,
        launched_at: null,
        ended_at: null,
        updated_at: at,
        launches: (prior?.launches ?? 0) + 1,
        message: null,
      };
      runs.set(run, r);
      continue;
    }
    if (!r) continue; // an event for a run whose launch line was lost: nothing to attach it to
    r.updated_at = e.at;
    if (e.event === "app") setApp(r, e.app_id);
    else if (e.event === "launched") {
      if (e.app_id) setApp(r, e.app_id);
      r.url = e.url ?? r.url;
      r.function_call_id = e.function_call_id;
      r.launched_at = e.at;
      r.status = "running";
    } else {
      if (e.app_id) setApp(r, e.app_id);
      r.status = e.status;
      r.message = e.message ?? null;
      r.ended_at = FINAL_STATUSES.includes(e.status) ? e.at : null;
    }
  }
  return runs;
}

function setApp(r: RunRecord, appId: string): void {
  r.app_id = appId;
  if (!r.app_ids.includes(appId)) r.app_ids.push(appId);
}

export function isActive(r: RunRecord): boolean {
  return ACTIVE_STATUSES.includes(r.status);
}
