// Human rendering of plans and runs (the JSON forms are the data objects themselves).
import type { LaunchOutcome } from "../operations/launch-run.ts";
import type { ListedRun } from "../operations/list-runs.ts";
import type { LaunchPlan } from "../operations/plan-launch.ts";
import type { RunStatusReport } from "../operations/run-status.ts";
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
    `  estimate ${plan.estimate ? describeEstimate(plan.estimate) : "unknown (GPU has no price)"}${plan.segments > 1 ? `, ${plan.segments} segments` : ""}`,
    `  command  ${showArgv(plan.argv)}`,
    `  env      ${[...plan.env.set, ...plan.env.inherited].join(", ")}${plan.env.removed.length ? ` (not passed on: ${plan.env.removed.join(", ")})` : ""}`,
    "preflight:",
    ...renderPreflight(plan.preflight),
  ];
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  return lines;
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
    `  app      ${r.app_id ?? "-"}${s.app ? ` (${s.app.state}, ${s.app.tasks} tasks)` : ""}`,
    ...(r.url ? [`  url      ${r.url}`] : []),
    `  times    created ${r.created_at}${r.launched_at ? `, launched ${r.launched_at}` : ""}${r.ended_at ? `, ended ${r.ended_at}` : ""}`,
    ...(s.runJson
      ? [
          `  run.json ${s.runJson.exit_status ?? "?"}${s.runJson.segment ? `, segment ${s.runJson.segment}` : ""}`,
        ]
      : []),
    ...(r.message ? [`  note     ${r.message}`] : []),
    ...(s.remoteError ? [`warning: could not ask Modal: ${s.remoteError}`] : []),
  ];
}
