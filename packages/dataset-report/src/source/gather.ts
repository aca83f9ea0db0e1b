// Gathers a DatasetInput through any reader (local disk, bucket): the file list with sizes, one
// ranged read per EDF header (a second only for files with more than 63 signals), and the
// label files the layout names. Never reads EDF data records.
import type { DatasetInput } from "../analysis/types.ts";
import {
  EDF_FIXED_BYTES,
  type EdfHeaderResult,
  edfHeaderLength,
  parseEdfHeader,
} from "../edf/header.ts";
import { type ReportLayout, scanLayout } from "../layout/scan.ts";

/** Covers the header of any EDF with up to 63 signals in one read. */
const FIRST_READ = 16 << 10;
const PARALLEL = 16;

export interface DatasetReader {
  /** Up to `length` bytes of `path` from `start` (fewer at the end of the file). */
  readRange(path: string, start: number, length: number): Promise<Uint8Array>;
  readText(path: string): Promise<string>;
}

export interface GatherOptions {
  dataset: string;
  layout: ReportLayout;
  files: readonly { path: string; size: number }[];
  reader: DatasetReader;
  expectedCounts?: Record<string, number> | null;
  bandpassHighHz?: number;
}

export async function gatherDataset(opts: GatherOptions): Promise<DatasetInput> {
  const files = [...opts.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const edf = new Map<string, EdfHeaderResult>();
  const edfFiles = files.filter((f) => f.path.toLowerCase().endsWith(".edf"));
  await inParallel(edfFiles, async (f) => {
    edf.set(f.path, await readEdfHeader(opts.reader, f.path, f.size));
  });
  const texts = new Map<string, string>();
  const scan = scanLayout(
    opts.layout,
    files.map((f) => f.path),
  );
  await inParallel(scan.labelFiles, async (p) => {
    texts.set(p, await opts.reader.readText(p));
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

export async function readEdfHeader(
  reader: DatasetReader,
  path: string,
  size: number,
): Promise<EdfHeaderResult> {
  let bytes = await reader.readRange(path, 0, Math.min(size, FIRST_READ));
  const length = edfHeaderLength(bytes.subarray(0, EDF_FIXED_BYTES));
  if (!length.ok) return length;
  if (bytes.length < length.bytes && size > bytes.length)
    bytes = await reader.readRange(path, 0, Math.min(size, length.bytes));
  return parseEdfHeader(bytes, size);
}

async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}
