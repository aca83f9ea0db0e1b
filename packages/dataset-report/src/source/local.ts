// Gathers a DatasetInput from a local folder: every file's path and size, each EDF's header
// (two small reads per file), and the label files the layout names.
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { DatasetInput } from "../analysis/types.ts";
import type { EdfHeaderResult } from "../edf/header.ts";
import { type ReportLayout, scanLayout } from "../layout/scan.ts";
import { readEdfHeaderFile } from "./read-edf-file.ts";

const PARALLEL = 16;

export interface LocalSourceOptions {
  dataset: string;
  layout: ReportLayout;
  root: string;
  expectedCounts?: Record<string, number> | null;
  bandpassHighHz?: number;
}

export async function readLocalDataset(opts: LocalSourceOptions): Promise<DatasetInput> {
  const entries = await readdir(opts.root, { recursive: true, withFileTypes: true });
  const files: { path: string; size: number }[] = [];
  for (const e of entries) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    files.push({
      path: relative(opts.root, full).split(sep).join("/"),
      size: (await stat(full)).size,
    });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const edfPaths = files.map((f) => f.path).filter((p) => p.toLowerCase().endsWith(".edf"));
  const edf = new Map<string, EdfHeaderResult>();
  await inBatches(edfPaths, async (p) => {
    edf.set(p, await readEdfHeaderFile(join(opts.root, p)));
  });
  const texts = new Map<string, string>();
  const scan = scanLayout(
    opts.layout,
    files.map((f) => f.path),
  );
  await inBatches(scan.labelFiles, async (p) => {
    texts.set(p, await readFile(join(opts.root, p), "utf8"));
  });
  return {
    dataset: opts.dataset,
    layout: opts.layout,
    files,
    edf,
    texts,
    expectedCounts: opts.expectedCounts ?? null,
    ...(opts.bandpassHighHz !== undefined ? { bandpassHighHz: opts.bandpassHighHz } : {}),
  };
}

async function inBatches<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}
