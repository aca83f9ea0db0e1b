// What the bucket already holds under the prefix, read once when there is no journal to vouch
// for anything (a new machine, a wiped state directory): the manifest (GET) and one listing.
// The planner uses it to adopt instead of re-sending, without a HEAD per file.
import { MANIFEST_NAME, parseManifest } from "@bgb/shared/manifest";
import { type ObjectStore, StoreError } from "./store.ts";

export interface RemoteObject {
  size: number;
  /** its ETag has the "-N" of a multipart upload: its stored checksum is a composite */
  multipart: boolean;
  /** hex SHA-256 the bucket's manifest records for this key (only when its size agrees) */
  manifestSha256?: string;
}

export interface RemoteIndex {
  /** version of the manifest that was read, if there was a readable one */
  manifestVersion?: string;
  /** why a manifest object was present but not used (unreadable, another format) */
  manifestProblem?: string;
  /** keys relative to the prefix */
  objects: Map<string, RemoteObject>;
}

export async function readRemoteIndex(
  store: ObjectStore,
  prefix: string,
  signal: AbortSignal,
): Promise<RemoteIndex> {
  const objects = new Map<string, RemoteObject>();
  for (const o of await store.listObjects(prefix, { signal }))
    objects.set(o.key.slice(prefix.length), { size: o.size, multipart: /-\d+"?$/.test(o.etag) });
  if (!objects.has(MANIFEST_NAME)) return { objects };
  let text: string;
  try {
    text = (await store.getObject(prefix + MANIFEST_NAME, { signal })).toString("utf8");
  } catch (err) {
    if (err instanceof StoreError && err.kind === "not-found") return { objects };
    throw err;
  }
  const parsed = parseManifest(text);
  if (!parsed.ok) return { objects, manifestProblem: parsed.reason };
  for (const f of parsed.manifest.files) {
    const o = objects.get(f.key);
    // The listing says what is there now; the manifest what it was when written.
    if (o && o.size === f.size) o.manifestSha256 = f.sha256;
  }
  return { objects, manifestVersion: parsed.manifest.version };
}
