// What the dataset report says before any GPU time is paid for: a summary line per dataset,
// failure when the report has errors or describes another version of the dataset, and for a
// preset with limit_files, how many of the files that limit selects hold a seizure (none: the
// smoke run would build a cache without one seizure window, as upstream once paid to learn).
import { limitSelection } from "@bgb/dataset-report/engine";
import type { CheckInput, CheckResult } from "../types.ts";

export function checkDatasetReports({ req, facts }: CheckInput): CheckResult[] {
  const out: CheckResult[] = [];
  for (const name of req.datasets) {
    const fact = facts.reports?.[name];
    if (!fact) continue;
    const check = `dataset-report:${name}`;
    const refresh = `pnpm sync ${name} (it writes the report after the manifest)`;
    if (fact.state === "missing") {
      out.push({
        check,
        ok: true,
        message: `no report at ${fact.location} (synced before reports existed): ${refresh} to see the dataset before training`,
        fix: null,
      });
      continue;
    }
    if (fact.state !== "found") {
      const why = fact.state === "invalid" ? fact.reason : fact.message;
      out.push({
        check,
        ok: false,
        message: `could not use ${fact.location}: ${why}`,
        fix: refresh,
      });
      continue;
    }
    const r = fact.report;
    const manifest = facts.manifests[name];
    if (manifest?.state === "found" && r.dataset_version !== manifest.manifest.version) {
      out.push({
        check,
        ok: false,
        message: `the report describes dataset version ${(r.dataset_version ?? "none").slice(0, 12)}, the manifest is ${manifest.manifest.version.slice(0, 12)}`,
        fix: refresh,
      });
      continue;
    }
    const t = r.totals;
    const summary = `${t.recordings} recordings, ${t.hours.toFixed(1)} h, ${t.seizure_events} seizure events (${(100 * t.seizure_share).toFixed(1)}% seizure time), ${r.warnings} warnings`;
    if (r.errors > 0) {
      const first = r.issues.filter((i) => i.severity === "error").slice(0, 2);
      out.push({
        check,
        ok: false,
        message: `the dataset report has ${r.errors} error${r.errors === 1 ? "" : "s"}: ${first.map((i) => `${i.check}: ${i.message}`).join("; ")}`,
        fix: `pnpm data-sync report ${name} lists them all; fix the dataset, then ${refresh}`,
      });
      continue;
    }
    out.push({ check, ok: true, message: summary, fix: null });
    if (req.limitFiles !== null && req.action === "train")
      out.push(limitCheck(name, r, req.limitFiles, req.preset));
  }
  return out;
}

function limitCheck(
  name: string,
  report: Parameters<typeof limitSelection>[0],
  limit: number,
  preset: string,
): CheckResult {
  const check = `limit-files:${name}`;
  const sel = limitSelection(report, limit);
  if (!sel)
    return {
      check,
      ok: true,
      message: `limit_files ${limit}: which files the trainer picks in a ${report.layout} dataset is not known here (it shuffles)`,
      fix: null,
    };
  if (sel.withSeizure > 0)
    return {
      check,
      ok: true,
      message: `limit_files ${limit}: ${sel.withSeizure} of the ${sel.files.length} train files it selects contain a seizure`,
      fix: null,
    };
  const ordered = limitSelection(report, Number.MAX_SAFE_INTEGER)?.files ?? [];
  const firstSeizure = ordered.findIndex((r) => r.seizure_events > 0);
  return {
    check,
    ok: false,
    message: `limit_files ${limit}: none of the ${sel.files.length} train files it selects contains a seizure, so the run would train without one seizure window`,
    fix:
      firstSeizure >= 0
        ? `set presets.${preset}.limit_files to at least ${firstSeizure + 1} in configs/launch.yaml (the first train file with a seizure, ${ordered[firstSeizure]?.edf}, is number ${firstSeizure + 1} in the trainer's order)`
        : `the train split of ${name} has no seizure at all: check its labels (pnpm data-sync report ${name})`,
  };
}
