// Object keys: the source-relative path, unchanged but normalised, always inside the prefix.
import { REPORT_NAME } from "@bgb/dataset-report/engine";
import { MANIFEST_NAME } from "@bgb/shared/manifest";

const MAX_KEY_BYTES = 1024;

/** Where a manifest is moved while a sync replaces the objects it lists (see manifest-guard.ts). */
export const PREVIOUS_MANIFEST_NAME = ".bgb-manifest.previous.json";

export type KeyCheck = { ok: true; rel: string } | { ok: false; why: string };

/**
 * Normalises a source-relative path and refuses what could escape or confuse the prefix. The
 * key's length depends on the prefix, which a source does not know: see splitLongKeys.
 */
export function checkRelPath(raw: string): KeyCheck {
  // NFC leaves printable ASCII as it is; most dataset paths are that (and this runs per file)
  const rel = ASCII.test(raw) ? raw : raw.normalize("NFC");
  if (rel === "" || rel.startsWith("/")) return { ok: false, why: "absolute or empty path" };
  if (BAD_SEGMENT.test(rel)) {
    return { ok: false, why: 'path has an empty, "." or ".." segment and would escape the prefix' };
  }
  if (CONTROL_OR_BACKSLASH.test(rel)) {
    return { ok: false, why: "path contains a control character or a backslash" };
  }
  if (rel === MANIFEST_NAME || rel === PREVIOUS_MANIFEST_NAME)
    return { ok: false, why: `${rel} is reserved for the dataset manifest` };
  if (rel === REPORT_NAME) return { ok: false, why: `${rel} is reserved for the dataset report` };
  return { ok: true, rel };
}

const ASCII = /^[\x20-\x7e]*$/;
/** a segment that is empty, "." or "..": "a//b", "./a", "a/..", "a/" */
const BAD_SEGMENT = /(?:^|\/)\.{0,2}(?:\/|$)/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL_OR_BACKSLASH = /[\u0000-\u001f\u007f\\]/;

/** S3 refuses keys over 1,024 bytes: counted with the real prefix, once, by the engine. */
export function splitLongKeys<T extends { relPath: string }>(
  entries: readonly T[],
  prefix: string,
): { kept: T[]; tooLong: { relPath: string; message: string }[] } {
  const kept: T[] = [];
  const tooLong: { relPath: string; message: string }[] = [];
  for (const e of entries) {
    const bytes = Buffer.byteLength(prefix + e.relPath, "utf8");
    if (bytes <= MAX_KEY_BYTES) kept.push(e);
    else
      tooLong.push({
        relPath: e.relPath,
        message: `refused: key ${JSON.stringify(prefix)} + path is ${bytes} bytes, S3 allows ${MAX_KEY_BYTES}; shorten the path or the prefix`,
      });
  }
  return { kept, tooLong };
}

export function checkPrefix(prefix: string): string | undefined {
  if (prefix === "") return undefined; // whole bucket
  if (!prefix.endsWith("/")) return `prefix "${prefix}" must end with "/" (e.g. "${prefix}/")`;
  if (prefix.startsWith("/")) return `prefix "${prefix}" must not start with "/"`;
  if (
    prefix
      .split("/")
      .slice(0, -1)
      .some((s) => s === "" || s === "." || s === "..")
  ) {
    return `prefix "${prefix}" has an empty, "." or ".." segment`;
  }
  return undefined;
}

/** Shows a name with its non-ASCII characters escaped: NFC and NFD forms look the same when printed. */
function visible(name: string): string {
  return JSON.stringify(name).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Source names that map to one key (e.g. NFC and NFD spellings side by side on ext4) would
 * overwrite each other and list the key twice in the manifest. Each such key is failed as a
 * whole, with every name that claims it; the other entries go on.
 */
export function splitKeyCollisions<T extends { relPath: string; sourcePath?: string }>(
  entries: readonly T[],
): { unique: T[]; collisions: { relPath: string; message: string }[] } {
  // Keys are nearly always distinct: find the repeated ones first, group only those.
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.relPath)) repeated.add(e.relPath);
    else seen.add(e.relPath);
  }
  seen.clear();
  if (repeated.size === 0) return { unique: [...entries], collisions: [] };
  const byKey = new Map<string, T[]>();
  for (const e of entries) {
    const list = byKey.get(e.relPath);
    if (list) list.push(e);
    else byKey.set(e.relPath, [e]);
  }
  const unique: T[] = [];
  const collisions: { relPath: string; message: string }[] = [];
  for (const [relPath, list] of byKey) {
    if (list.length === 1) {
      unique.push(list[0] as T);
      continue;
    }
    const names = list.map((e) => visible(e.sourcePath ?? e.relPath)).join(", ");
    collisions.push({
      relPath,
      message: `${list.length} source files map to this key (${names} differ only in Unicode normalization); rename one of them so each file has its own key`,
    });
  }
  return { unique, collisions };
}
