// `data-sync report <dataset>`: the dataset report (packages/dataset-report) over the same
// source and include/exclude filter a sync uses: only EDF headers and label files are read.
import { type DatasetReader, emitReport, gatherDataset } from "@bgb/dataset-report/engine";
import { EXIT, type ExitCode, UsageError } from "../../engine/errors.ts";
import type { Source, SourceEntry } from "../../source/source.ts";
import { makeSource } from "../runtime.ts";
import { resolveTarget, type TargetFlags } from "../target.ts";

export interface ReportFlags extends TargetFlags {
  json?: boolean;
  html?: string;
  png?: string;
}

/** Ranged reads through a data-sync source (local folder or https with Range GETs). */
export function sourceReader(source: Source, entries: readonly SourceEntry[]): DatasetReader {
  const byPath = new Map(entries.map((e) => [e.relPath, e]));
  const read = async (path: string, start: number, length: number) => {
    const entry = byPath.get(path);
    if (!entry) throw new Error(`${path} is not in the listing`);
    const end = Math.min(entry.size, start + length);
    if (end <= start) return Buffer.alloc(0);
    const file = await source.open(entry);
    try {
      return await file.read(start, end);
    } finally {
      await file.close();
    }
  };
  return {
    readRange: read,
    readText: async (path) => (await read(path, 0, byPath.get(path)?.size ?? 0)).toString("utf8"),
  };
}

export async function reportCommand(dataset: string, flags: ReportFlags): Promise<ExitCode> {
  const t = resolveTarget(dataset, flags);
  if (t.layout === "flat")
    throw new UsageError(
      `dataset ${dataset} has layout flat: the report reads tusz and chbmit layouts (set layout in configs/datasets.yaml)`,
    );
  const source = await makeSource(t);
  const listing = await source.list(t.filter);
  for (const p of listing.problems)
    process.stderr.write(`report: unreadable ${p.relPath}: ${p.message}\n`);
  const input = await gatherDataset({
    dataset,
    layout: t.layout,
    files: listing.entries.map((e) => ({ path: e.relPath, size: e.size })),
    reader: sourceReader(source, listing.entries),
    expectedCounts: t.expectedCounts,
  });
  const opts = {
    json: flags.json ?? false,
    ...(flags.html ? { html: flags.html } : {}),
    ...(flags.png ? { png: flags.png } : {}),
  };
  const { exitCode } = await emitReport(input, opts);
  return exitCode === 0 && listing.problems.length === 0 ? EXIT.ok : EXIT.someFailed;
}
