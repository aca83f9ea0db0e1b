// `data-sync report <dataset>`: the dataset report (packages/dataset-report) over the same
// source and include/exclude filter a sync uses, or with --from-bucket over what a sync put in
// the bucket (the files its manifest lists, Range GETs): only EDF headers and label files are read.
import { type DatasetReader, emitReport, gatherDataset } from "@bgb/dataset-report/engine";
import { EXIT, type ExitCode } from "@bgb/shared";
import { MANIFEST_NAME, parseManifest } from "@bgb/shared/manifest";
import { FatalError, UsageError } from "../../engine/errors.ts";
import type { Source, SourceEntry, SourceListing } from "../../engine/source.ts";
import { makeSource, makeStore } from "../runtime.ts";
import { resolveTarget, type Target, type TargetFlags } from "../target.ts";

export interface ReportFlags extends TargetFlags {
  json?: boolean;
  html?: string;
  png?: string;
  fromBucket?: boolean;
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
  const { source, listing, version } = flags.fromBucket
    ? await bucketListing(t)
    : await sourceListing(t);
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
    datasetVersion: version,
    json: flags.json ?? false,
    ...(flags.html ? { html: flags.html } : {}),
    ...(flags.png ? { png: flags.png } : {}),
  };
  const { exitCode } = await emitReport(input, opts);
  return exitCode === 0 && listing.problems.length === 0 ? EXIT.ok : EXIT.failed;
}

interface Listed {
  source: Source;
  listing: SourceListing;
  version: string | null;
}

async function sourceListing(t: Target): Promise<Listed> {
  const source = await makeSource(t);
  return { source, listing: await source.list(t.filter), version: null };
}

/** The synced copy: the bucket's prefix as an s3:// source, limited to what its manifest lists. */
async function bucketListing(t: Target): Promise<Listed> {
  const where = `s3://${t.bucket}/${t.prefix}`;
  const store = makeStore(t, { concurrency: 16, requestTimeoutMs: 60_000 });
  const key = t.prefix + MANIFEST_NAME;
  if (!(await store.headObject(key)))
    throw new FatalError(
      `no manifest at ${where}${MANIFEST_NAME}: run pnpm sync ${t.dataset} first`,
    );
  const parsed = parseManifest((await store.getObject(key)).toString("utf8"));
  if (!parsed.ok) throw new FatalError(`${where}${MANIFEST_NAME}: ${parsed.reason}`);
  const listed = new Set(parsed.manifest.files.map((f) => f.key));
  const source = await makeSource({
    ...t,
    source: where,
    sourceEndpoint: t.endpoint,
    sourceAnonymous: false,
    checksums: null,
  });
  const all = await source.list((rel) => listed.has(rel) && t.filter(rel));
  const found = new Set(all.entries.map((e) => e.relPath));
  const missing = [...listed]
    .filter((k) => t.filter(k) && !found.has(k))
    .map((relPath) => ({ relPath, message: "in the manifest, not in the bucket" }));
  return {
    source,
    listing: { entries: all.entries, problems: [...all.problems, ...missing] },
    version: parsed.manifest.version,
  };
}
