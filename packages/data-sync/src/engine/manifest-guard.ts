// The bucket must never present a manifest whose objects a running (or killed, or failed) sync
// has begun to replace: before the first object the current manifest lists is overwritten, the
// manifest is moved aside to PREVIOUS_MANIFEST_NAME; a new one is written when every file is in.
import { MANIFEST_NAME, parseManifest } from "@bgb/shared/manifest";
import type { EmitFn } from "./events.ts";
import { sha256b64 } from "./hashing.ts";
import type { OpenJournal } from "./journal/journal.ts";
import { PREVIOUS_MANIFEST_NAME } from "./keys.ts";
import { type ObjectStore, StoreError } from "./store.ts";

export type BeforeReplace = (relPath: string) => Promise<void>;

export function manifestGuard(
  store: ObjectStore,
  prefix: string,
  journal: OpenJournal,
  emit: EmitFn,
  signal: AbortSignal,
): BeforeReplace {
  const key = prefix + MANIFEST_NAME;
  const previous = prefix + PREVIOUS_MANIFEST_NAME;
  // Read once, on the first replacement: a run that only adds files or skips makes no request.
  let current: Promise<{ body: Buffer; keys: Set<string> | "all"; version: string } | undefined>;
  let moved: Promise<void> | undefined;

  async function load() {
    let body: Buffer;
    try {
      body = await store.getObject(key, { signal });
    } catch (err) {
      if (err instanceof StoreError && err.kind === "not-found") return undefined;
      throw err;
    }
    const parsed = parseManifest(body.toString("utf8"));
    // An unreadable manifest protects everything: it is not ours to judge, only to move.
    if (!parsed.ok) return { body, keys: "all" as const, version: "unreadable" };
    const m = parsed.manifest;
    return { body, keys: new Set(m.files.map((f) => f.key)), version: m.version };
  }

  async function moveAside(body: Buffer, version: string) {
    await store.putObject(
      previous,
      body,
      sha256b64(body),
      { contentType: "application/json" },
      {
        signal,
      },
    );
    await store.deleteObject(key, { signal });
    journal.append({ t: "superseded", key, previous });
    emit({
      event: "warning",
      message: `objects of dataset version ${version.slice(0, 12)} are being replaced: its manifest was moved to ${previous} until this sync completes and writes a new one`,
    });
  }

  return async (relPath) => {
    current ??= load();
    const m = await current;
    if (!m || (m.keys !== "all" && !m.keys.has(relPath))) return;
    moved ??= moveAside(m.body, m.version);
    await moved;
  };
}
