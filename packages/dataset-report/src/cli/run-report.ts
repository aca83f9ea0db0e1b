// One report run for a CLI: gather (local folder), analyse, print the terminal summary or the
// JSON document on stdout, write --html / --png. Exit code 1 when the report has errors.

import { buildReport } from "../analysis/build-report.ts";
import type { Report } from "../analysis/types.ts";
import type { ReportLayout } from "../layout/scan.ts";
import { renderJson, writeHtml, writePngs } from "../render/outputs.ts";
import { renderTerminal } from "../render/terminal.ts";
import { readLocalDataset } from "../source/local.ts";

export interface ReportRunOptions {
  dataset: string;
  layout: ReportLayout;
  /** Local dataset folder. */
  root: string;
  expectedCounts?: Record<string, number> | null;
  datasetVersion?: string | null;
  bandpassHighHz?: number;
  json?: boolean;
  html?: string;
  png?: string;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

export async function runReport(
  opts: ReportRunOptions,
): Promise<{ report: Report; exitCode: 0 | 1 }> {
  const out = opts.stdout ?? ((t) => process.stdout.write(t));
  const err = opts.stderr ?? ((t) => process.stderr.write(t));
  const input = await readLocalDataset({
    dataset: opts.dataset,
    layout: opts.layout,
    root: opts.root,
    expectedCounts: opts.expectedCounts ?? null,
    ...(opts.bandpassHighHz !== undefined ? { bandpassHighHz: opts.bandpassHighHz } : {}),
  });
  const report = buildReport(input, opts.datasetVersion ?? null);
  out(opts.json ? renderJson(report) : renderTerminal(report));
  if (opts.html) {
    await writeHtml(report, opts.html);
    err(`report: wrote ${opts.html}\n`);
  }
  if (opts.png) {
    const files = await writePngs(report, opts.png);
    err(`report: wrote ${files.length} charts to ${opts.png}\n`);
  }
  return { report, exitCode: report.errors > 0 ? 1 : 0 };
}
