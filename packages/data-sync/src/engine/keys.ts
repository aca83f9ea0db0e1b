// Object keys: the source-relative path, unchanged but normalised, always inside the prefix.
import { MANIFEST_NAME } from "@bgb/shared/manifest";

const MAX_KEY_BYTES = 1024;

export type KeyCheck = { ok: true; rel: string } | { ok: false; why: string };

/** Normalises a source-relative path and refuses what could escape or confuse the prefix. */
export function checkRelPath(raw: string, prefix: string): KeyCheck {
  const rel = raw.normalize("NFC");
  const segments = rel.split("/");
  if (rel === "" || rel.startsWith("/")) return { ok: false, why: "absolute or empty path" };
  if (segments.some((s) => s === "" || s === "." || s === "..")) {
    return { ok: false, why: 'path has an empty, "." or ".." segment and would escape the prefix' };
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(rel)) {
    return { ok: false, why: "path contains a control character or a backslash" };
  }
  if (rel === MANIFEST_NAME)
    return { ok: false, why: `${MANIFEST_NAME} is reserved for the dataset manifest` };
  if (Buffer.byteLength(prefix + rel, "utf8") > MAX_KEY_BYTES) {
    return { ok: false, why: `key is longer than ${MAX_KEY_BYTES} bytes` };
  }
  return { ok: true, rel };
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
