// Human rendering of plans and runs (the JSON forms are the data objects themselves).
import type { LaunchOutcome } from "../operations/launch-run.ts";
import type { ListedRun } from "../operations/list-runs.ts";
import type { LaunchPlan } from "../operations/plan-launch.ts";
import type { RunJson, RunStatusReport } from "../operations/run-status.ts";
import { describeEstimate } from "../plan/cost.ts";
import type { CheckResult } from "../preflight/types.ts";

export function renderPreflight(results: readonly CheckResult[]): string[] {
  const width = Math.max(...results.map((r) => r.check.length));
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`  ${r.ok ? "ok  " : "FAIL"}  ${r.check.padEnd(width)}  ${r.message}`);
    if (!r.ok && r.fix) lines.push(`        ${" ".repeat(width)}  fix: ${r.fix}`);
  }
  return lines;
}

/** Shell-like display of an argv (display only: the launcher never runs a shell). */
export function showArgv(argv: readonly string[]): string {
  return argv
    .map((a) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`))
    .join(" ");
}

export function renderPlan(plan: LaunchPlan): string[] {
  const r = plan.request;
  const lines = [
    `${r.preset}: ${r.action} as run ${r.run}${r.resume ? " (resumed)" : ""}`,
    `  config   ${r.config}`,
    `  gpu      ${r.gpu}, ${r.cpu} CPU, ${r.memoryMib} MiB, timeout ${r.timeoutS} s, ${r.preemptible ? "preemptible" : "non-preemptible"}`,
    ...datasetLines(plan),
    `  estimate ${plan.estimate ? describeEstimate(plan.estimate) : "unknown (GPU has no price)"}${r.action === "train" ? `, ${plan.segments} attempt${plan.segments > 1 ? "s" : ""} of at most ${r.timeoutS} s needed, up to ${plan.maxAttempts} allowed (retries for time and preemptions)` : ""}`,
    `  command  ${showArgv(plan.argv)}`,
    `  env      ${[...plan.env.set, ...plan.env.inherited].join(", ")}${plan.env.removed.length ? ` (not passed on: ${plan.env.removed.join(", ")})` : ""}`,
    "preflight:",
    ...renderPreflight(plan.preflight),
  ];
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  return lines;
}

/** The dataset summary from each report, shown before the cost line. */
function datasetLines(plan: LaunchPlan): string[] {
  return plan.request.datasets.flatMap((name) => {
    const f = plan.facts.reports?.[name];
    if (f?.state !== "found") return [];
    const t = f.report.totals;
    const splits = Object.entries(f.report.splits)
      .map(([s, x]) => `${s} ${x.recordings}`)
      .join(" / ");
    return [
      `  dataset  ${name}: ${t.recordings} recordings (${splits}), ${t.hours.toFixed(1)} h, ${t.seizure_events} seizure events`,
    ];
  });
}

export function renderLaunched(o: LaunchOutcome): string[] {
  return [
    `launched ${o.run}${o.app_id ? ` (${o.app_id})` : ""}; it runs on Modal without this terminal`,
    ...(o.url ? [`  view    ${o.url}`] : []),
    `  follow  pnpm launch logs ${o.run} -f`,
    `  status  pnpm launch status ${o.run}`,
    `  stop    pnpm launch stop ${o.run}`,
    `  pull    pnpm launch pull ${o.run}`,
    `  launch output: ${o.log_file}`,
    ...o.warnings.map((w) => `warning: ${w}`),
  ];
}

export function renderRunList(runs: readonly ListedRun[], remote: boolean): string[] {
  if (runs.length === 0) return ["no runs recorded yet (pnpm launch <preset> records them)"];
  const rows = runs.map(({ record: r, app }) => [
    r.run,
    r.preset,
    r.status,
    remote ? (app?.state ?? "-") : "",
    r.gpu,
    r.app_id ?? "-",
    r.launched_at ?? r.created_at,
  ]);
  const head = ["RUN", "PRESET", "STATUS", remote ? "MODAL" : "", "GPU", "APP", "LAUNCHED"];
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((row) => (row[i] ?? "").length)));
  return all.map((row) =>
    row
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .filter((_, i) => widths[i] !== 0)
      .join("  ")
      .trimEnd(),
  );
}

/** run.json's status, the run's best checkpoint and one line per attempt (started, ended, why,
 * epoch reached). */
export function renderRunJson(j: RunJson): string[] {
  const attempts = Array.isArray(j.attempts) ? j.attempts : [];
  const best = j.best && typeof j.best === "object" ? j.best : null;
  const lines = [
    `  run.json ${j.exit_status ?? "?"}${attempts.length ? `, ${attempts.length} attempt${attempts.length > 1 ? "s" : ""}` : ""}${j.message ? `: ${j.message}` : ""}`,
  ];
  if (best?.epoch !== undefined) {
    lines.push(
      `  best     epoch ${best.epoch} ${best.metric ?? "?"}=${best.value ?? "?"} (best.pt)`,
    );
  }
  for (const a of attempts) {
    const n = a.attempt ?? "?";
    const of = a.launch_attempt && a.max_attempts ? ` (${a.launch_attempt}/${a.max_attempts})` : "";
    const epoch =
      typeof a.epoch_reached === "number" ? `epoch ${a.epoch_reached}` : "no epoch done";
    const resumed = a.resumed_from_last_pt ? ", resumed" : "";
    lines.push(
      `  attempt ${n}${of} ${a.outcome ?? "?"}: ${a.started_at ?? "?"} -> ${a.ended_at ?? "..."}, ${epoch}${resumed}${a.why ? ` - ${a.why}` : ""}`,
    );
  }
  return lines;
}

export function renderStatus(s: RunStatusReport): string[] {
  const r = s.record;
  const versions = Object.entries(r.dataset_versions)
    .map(([k, v]) => `${k}@${v?.slice(0, 12) ?? "?"}`)
    .join(", ");
  return [
    `${r.run}: ${s.status}${s.changed ? " (updated)" : ""}`,
    `  preset   ${r.preset} (${r.action}), ${r.gpu}`,
    `  config   ${r.config_path} sha256 ${r.config_sha256?.slice(0, 12) ?? "?"}`,
    `  data     ${versions || "-"}`,
    `  commit   ${r.git_sha?.slice(0, 12) ?? "?"}${r.git_dirty ? " (dirty)" : ""}`,
    ...(r.trainer_commit !== undefined
      ? [`  trainer  ${r.trainer_commit?.slice(0, 12) ?? "?"}${r.trainer_dirty ? " (dirty)" : ""}`]
      : []),
    `  app      ${r.app_id ?? "-"}${s.app ? ` (${s.app.state}, ${s.app.tasks} tasks)` : ""}`,
    ...(r.url ? [`  url      ${r.url}`] : []),
    `  times    created ${r.created_at}${r.launched_at ? `, launched ${r.launched_at}` : ""}${r.ended_at ? `, ended ${r.ended_at}` : ""}`,
    ...(s.runJson ? renderRunJson(s.runJson) : []),
    ...(r.message ? [`  note     ${r.message}`] : []),
    ...(s.remoteError ? [`warning: could not ask Modal: ${s.remoteError}`] : []),
  ];
}
