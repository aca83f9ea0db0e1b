// One report run for a CLI: analyse a gathered dataset, print the terminal summary or the JSON
// document on stdout, write --html / --png. Exit code 1 when the report has errors.
import { buildReport } from "../analysis/build-report.ts";
import type { DatasetInput, Report } from "../analysis/types.ts";
import type { ReportLayout } from "../layout/scan.ts";
import { renderJson } from "../render/json.ts";
import { renderTerminal } from "../render/terminal.ts";
import { readLocalDataset } from "../source/local.ts";

export interface ReportOutputOptions {
  datasetVersion?: string | null;
  json?: boolean;
  html?: string;
  png?: string;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

export async function emitReport(
  input: DatasetInput,
  opts: ReportOutputOptions,
): Promise<{ report: Report; exitCode: 0 | 1 }> {
  const out = opts.stdout ?? ((t) => process.stdout.write(t));
  const err = opts.stderr ?? ((t) => process.stderr.write(t));
  const report = buildReport(input, opts.datasetVersion ?? null);
  out(opts.json ? renderJson(report) : renderTerminal(report));
  // The chart libraries load only when charts are asked for (vega is heavy for a sync run).
  const charts = opts.html || opts.png ? await import("../render/outputs.ts") : null;
  if (opts.html && charts) {
    await charts.writeHtml(report, opts.html);
    err(`report: wrote ${opts.html}\n`);
  }
  if (opts.png && charts) {
    const files = await charts.writePngs(report, opts.png);
    err(`report: wrote ${files.length} charts to ${opts.png}\n`);
  }
  return { report, exitCode: report.errors > 0 ? 1 : 0 };
}

export interface ReportRunOptions extends ReportOutputOptions {
  dataset: string;
  layout: ReportLayout;
  /** Local dataset folder. */
  root: string;
  expectedCounts?: Record<string, number> | null;
  bandpassHighHz?: number;
}

/** The local-folder run (tests, scripts); CLIs with their own sources call emitReport. */
export async function runReport(opts: ReportRunOptions) {
  const input = await readLocalDataset({
    dataset: opts.dataset,
    layout: opts.layout,
    root: opts.root,
    expectedCounts: opts.expectedCounts ?? null,
    ...(opts.bandpassHighHz !== undefined ? { bandpassHighHz: opts.bandpassHighHz } : {}),
  });
  return emitReport(input, opts);
}
