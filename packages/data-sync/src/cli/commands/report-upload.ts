// After a complete sync: the dataset report (.bgb-report.json) beside the manifest, carrying the
// manifest's dataset version, so the launcher's preflight can show and check the dataset
// without reading it. Best-effort: the data and manifest are in whatever happens here.
import { buildReport, gatherDataset, REPORT_NAME, renderJson } from "@bgb/dataset-report/engine";
import { sha256b64 } from "../../engine/hashing.ts";
import { releaseMemory } from "../../engine/limits.ts";
import type { Source } from "../../engine/source.ts";
import type { ObjectStore } from "../../engine/store.ts";
import type { Target } from "../target.ts";
import { sourceReader } from "./report.ts";

const VERSION_META = "bgb-version";
const SUMMARY_META = "bgb-report-summary";

export type ReportUpload =
  | { state: "written" | "current"; key: string; errors: number; warnings: number; line: string }
  | { state: "skipped" | "failed"; key: string; line: string };

export async function uploadDatasetReport(
  t: Target,
  source: Source,
  store: ObjectStore,
  version: string,
  signal: AbortSignal,
): Promise<ReportUpload> {
  const key = t.prefix + REPORT_NAME;
  if (t.layout === "flat") return { state: "skipped", key, line: "report: none for layout flat" };
  try {
    // The figures of the summary line travel in the object's metadata: a re-run is one HEAD.
    const head = await store.headObject(key, { signal });
    if (head?.metadata[VERSION_META] === version && head.metadata[SUMMARY_META]) {
      const s = JSON.parse(head.metadata[SUMMARY_META]) as Summary;
      return {
        state: "current",
        key,
        errors: s.errors,
        warnings: s.warnings,
        line: summaryLine(s, t.dataset, key),
      };
    }
    const report = await reportOf(t, source, version);
    const s: Summary = {
      recordings: report.totals.recordings,
      hours: Math.round(report.totals.hours * 10) / 10,
      seizure_events: report.totals.seizure_events,
      errors: report.errors,
      warnings: report.warnings,
    };
    const body = Buffer.from(renderJson(report));
    await store.putObject(
      key,
      body,
      sha256b64(body),
      {
        contentType: "application/json",
        metadata: { [VERSION_META]: version, [SUMMARY_META]: JSON.stringify(s) },
      },
      { signal },
    );
    return {
      state: "written",
      key,
      errors: s.errors,
      warnings: s.warnings,
      line: summaryLine(s, t.dataset, key),
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      state: "failed",
      key,
      line: `report: not written (${message}); run pnpm data-sync report ${t.dataset}`,
    };
  }
}

/** The walk and the gathered headers live only in here: 200,000 files' worth of them must be
 * garbage by the time the report is serialized and sent (the caller holds no plan either). */
async function reportOf(t: Target, source: Source, version: string) {
  // What the sync held (journal replay, plan, the manifest's body) is garbage now: collected
  // first, the second walk reuses that heap instead of V8 growing it past --max-memory.
  releaseMemory();
  const listing = await source.list(t.filter);
  const input = await gatherDataset({
    dataset: t.dataset,
    layout: t.layout as "tusz" | "chbmit",
    files: listing.entries.map((e) => ({ path: e.relPath, size: e.size })),
    reader: sourceReader(source, listing.entries),
    expectedCounts: t.expectedCounts,
  });
  return buildReport(input, version);
}

interface Summary {
  recordings: number;
  hours: number;
  seizure_events: number;
  errors: number;
  warnings: number;
}

function summaryLine(s: Summary, dataset: string, key: string): string {
  return `report: ${s.recordings} recordings, ${s.hours.toFixed(1)} h, ${s.seizure_events} seizure events; ${s.errors} errors, ${s.warnings} warnings (${key}; details: pnpm data-sync report ${dataset})`;
}
