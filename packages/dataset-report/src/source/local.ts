// The local-folder reader: every file under the root, positional reads of EDF headers.
import { open, readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { DatasetInput } from "../analysis/types.ts";
import type { ReportLayout } from "../layout/scan.ts";
import { type DatasetReader, gatherDataset } from "./gather.ts";

export interface LocalSourceOptions {
  dataset: string;
  layout: ReportLayout;
  root: string;
  expectedCounts?: Record<string, number> | null;
  bandpassHighHz?: number;
}

export function localReader(root: string): DatasetReader {
  const full = (p: string) => join(root, ...p.split("/"));
  return {
    async readRange(path, start, length) {
      const fh = await open(full(path), "r");
      try {
        const buf = Buffer.alloc(length);
        const { bytesRead } = await fh.read(buf, 0, length, start);
        return buf.subarray(0, bytesRead);
      } finally {
        await fh.close();
      }
    },
    readText: (path) => readFile(full(path), "utf8"),
  };
}

export async function listLocalFiles(root: string): Promise<{ path: string; size: number }[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: { path: string; size: number }[] = [];
  for (const e of entries) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    files.push({ path: relative(root, full).split(sep).join("/"), size: (await stat(full)).size });
  }
  return files;
}

export async function readLocalDataset(opts: LocalSourceOptions): Promise<DatasetInput> {
  return gatherDataset({
    ...opts,
    files: await listLocalFiles(opts.root),
    reader: localReader(opts.root),
  });
}
