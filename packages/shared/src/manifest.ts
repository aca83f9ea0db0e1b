// The dataset manifest: written by data-sync once a dataset is complete, read by the launcher
// and by modal/app.py. Format and version rule: docs/contracts.md section 1.
import { createHash } from "node:crypto";

export const MANIFEST_NAME = ".bgb-manifest.json";
export const MANIFEST_FORMAT = 1;

export type DatasetLayout = "tusz" | "chbmit" | "flat";

export interface ManifestFile {
  key: string;
  size: number;
  sha256: string;
}

export interface DatasetManifest {
  format: typeof MANIFEST_FORMAT;
  dataset: string;
  version: string;
  created_at: string;
  files_total: number;
  bytes_total: number;
  counts: Record<string, number>;
  /** where the files came from, when that is a URL (https:// or s3://); not part of the version */
  source?: string;
  files: ManifestFile[];
}

/** Byte-wise UTF-8 order, the same order Python's sorted() on encoded keys gives. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/**
 * Sorted as compareKeys orders them. Below U+D800, UTF-16 order is UTF-8 byte order, so keys
 * with no character from U+D800 up sort as plain strings, with no two Buffers per comparison
 * (which were most of building a 100,000-file manifest).
 */
function sortByKey(files: readonly ManifestFile[]): ManifestFile[] {
  const plain = !files.some((f) => FROM_SURROGATES.test(f.key));
  return [...files].sort(
    plain
      ? (a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
      : (a, b) => compareKeys(a.key, b.key),
  );
}
const FROM_SURROGATES = /[\ud800-\uffff]/;

export function datasetVersion(sortedFiles: readonly ManifestFile[]): string {
  const h = createHash("sha256");
  for (const f of sortedFiles) h.update(`${f.sha256} ${f.size} ${f.key}\n`, "utf8");
  return h.digest("hex");
}

/** `.edf` files per split, the way the launcher and the GPU side count them. */
export function splitCounts(layout: DatasetLayout, keys: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) {
    if (!key.toLowerCase().endsWith(".edf")) continue;
    let split = "all";
    if (layout === "tusz") {
      const parts = key.split("/");
      if (parts[0] !== "edf" || parts.length < 3) continue;
      split = parts[1] as string;
    }
    counts[split] = (counts[split] ?? 0) + 1;
  }
  return counts;
}

export function buildManifest(
  dataset: string,
  layout: DatasetLayout,
  files: readonly ManifestFile[],
  now: Date = new Date(),
  source?: string,
): DatasetManifest {
  const sorted = sortByKey(files);
  return {
    format: MANIFEST_FORMAT,
    dataset,
    version: datasetVersion(sorted),
    created_at: now.toISOString(),
    files_total: sorted.length,
    bytes_total: sorted.reduce((n, f) => n + f.size, 0),
    counts: splitCounts(
      layout,
      sorted.map((f) => f.key),
    ),
    ...(source ? { source } : {}),
    files: sorted,
  };
}

export type ManifestCheck = { ok: true; manifest: DatasetManifest } | { ok: false; reason: string };

/** Parses a manifest and checks that its version matches its file list (no trust in the writer). */
export function parseManifest(text: string): ManifestCheck {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: "manifest is not valid JSON" };
  }
  const m = raw as Partial<DatasetManifest>;
  if (
    m === null ||
    typeof m !== "object" ||
    m.format !== MANIFEST_FORMAT ||
    !Array.isArray(m.files)
  ) {
    return { ok: false, reason: `manifest format is not ${MANIFEST_FORMAT}` };
  }
  for (const f of m.files) {
    if (
      typeof f?.key !== "string" ||
      !Number.isSafeInteger(f.size) ||
      !/^[0-9a-f]{64}$/.test(f.sha256)
    ) {
      return {
        ok: false,
        reason: `manifest entry ${JSON.stringify(f).slice(0, 120)} is malformed`,
      };
    }
  }
  if (datasetVersion(m.files) !== m.version) {
    return {
      ok: false,
      reason: "manifest version does not match its file list (damaged or edited)",
    };
  }
  return { ok: true, manifest: m as DatasetManifest };
}
