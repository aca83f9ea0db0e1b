// Reads each dataset's report (<prefix>.bgb-report.json, written by `pnpm sync` beside the
// manifest) from its bucket, the same way and endpoint as the manifest.

import { REPORT_FORMAT, REPORT_NAME, type Report } from "@bgb/dataset-report/engine";
import { type DatasetsConfig, describeEndpoint, resolveEndpoint } from "@bgb/shared";
import type { ReportFact } from "../types.ts";
import type { ReaderFactory } from "./manifests.ts";

export async function probeReports(
  names: readonly string[],
  datasets: DatasetsConfig,
  env: NodeJS.ProcessEnv,
  readerFor: ReaderFactory,
  signal?: AbortSignal,
): Promise<Record<string, ReportFact>> {
  const out: Record<string, ReportFact> = {};
  await Promise.all(
    names.map(async (name) => {
      const def = datasets.datasets[name];
      if (!def) return;
      const key = `${def.prefix}${REPORT_NAME}`;
      const location = `s3://${def.bucket}/${key}`;
      const resolved = resolveEndpoint(undefined, def.endpoint_url, def.region, env);
      if (!resolved.ok) {
        out[name] = { location, state: "error", message: resolved.problem };
        return;
      }
      const r = await readerFor(resolved.endpoint).read(def.bucket, key, signal);
      if (r.kind === "found") out[name] = { location, ...parseReport(r.text) };
      else if (r.kind === "missing" || r.kind === "no-bucket")
        out[name] = { location, state: "missing" };
      else
        out[name] = {
          location,
          state: "error",
          message: `${r.message} (${describeEndpoint(resolved.endpoint)})`,
        };
    }),
  );
  return out;
}

function parseReport(
  text: string,
): { state: "found"; report: Report } | { state: "invalid"; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { state: "invalid", reason: "not valid JSON" };
  }
  const r = raw as Partial<Report> | null;
  if (!r || typeof r !== "object" || r.format !== REPORT_FORMAT)
    return { state: "invalid", reason: `format is not ${REPORT_FORMAT}` };
  if (
    !Array.isArray(r.recordings) ||
    !Array.isArray(r.issues) ||
    typeof r.errors !== "number" ||
    !r.totals
  )
    return { state: "invalid", reason: "recordings, issues, errors or totals missing" };
  return { state: "found", report: r as Report };
}
