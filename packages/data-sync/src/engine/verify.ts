// `verify`: is the bucket what the manifest says? An object counts as matching only when its
// manifest SHA-256 is confirmed: by the server's full-object checksum, by the composite checksum
// this journal recorded for the same bytes, or (--deep) by reading it. Anything less is
// "unverified", never a match: a size that agrees proves nothing.
import { MANIFEST_NAME, type ManifestFile, parseManifest } from "@bgb/shared/manifest";
import pLimit from "p-limit";
import { FatalError } from "./errors.ts";
import type { JournalState } from "./journal/state.ts";
import { PREVIOUS_MANIFEST_NAME } from "./keys.ts";
import type { ObjectHead, ObjectStore } from "./store.ts";
import { StoreError } from "./store.ts";

export interface VerifyProblem {
  key: string;
  problem: string;
}

export interface VerifyResult {
  manifestKey: string;
  version: string;
  files: number;
  checked: number;
  /** objects whose manifest SHA-256 is confirmed */
  matched: number;
  /** objects that differ from the manifest, or are missing */
  problems: VerifyProblem[];
  /** objects whose SHA-256 could not be confirmed without reading them (--deep does) */
  unverified: VerifyProblem[];
}

type Verdict = { ok: true } | { ok: false; problem: string } | { unverified: string };

/** Pure: what the HEAD and this journal say about one manifest entry. */
export function judgeHead(
  f: ManifestFile,
  head: ObjectHead | undefined,
  journal: JournalState,
): Verdict {
  if (!head) return { ok: false, problem: "missing from the bucket" };
  if (head.size !== f.size)
    return { ok: false, problem: `size ${head.size}, manifest says ${f.size}` };
  const c = head.checksumSha256;
  if (c && !c.includes("-")) {
    const full = Buffer.from(f.sha256, "hex").toString("base64");
    return c === full
      ? { ok: true }
      : { ok: false, problem: "stored SHA-256 differs from the manifest" };
  }
  const done = journal.done.get(f.key);
  if (done && done.sha256 === f.sha256) {
    // This journal uploaded these bytes and recorded the checksum the server must hold for them.
    if (c === done.s3) return { ok: true };
    return {
      ok: false,
      problem: c
        ? "not the one this journal uploaded: its composite checksum differs from the parts sent"
        : "not the one this journal uploaded: the server holds no SHA-256 for it, the upload had one (replaced since?)",
    };
  }
  if (done) {
    // This journal last uploaded other bytes for the key: if the object holds those, the
    // manifest is stale; if not, someone else (another machine, endpoint or tool) wrote it since.
    if (c && c === done.s3)
      return {
        ok: false,
        problem:
          "holds the bytes this journal last uploaded, not the manifest's: the manifest is stale; run sync",
      };
    return {
      unverified:
        "this journal last uploaded other bytes for it (written since from another machine or endpoint?): run verify --deep",
    };
  }
  if (c)
    return {
      unverified: "multipart object and no journal here that knows its parts: run verify --deep",
    };
  const recorded = head.metadata["bgb-sha256"];
  if (recorded && recorded !== f.sha256)
    return { ok: false, problem: "recorded SHA-256 differs from the manifest" };
  return {
    unverified:
      "the server stores no SHA-256 for it and no journal here uploaded it: run verify --deep",
  };
}

export async function verifyBucket(
  store: ObjectStore,
  prefix: string,
  journal: JournalState,
  opts: { dataset: string; deep: boolean; concurrency: number; signal: AbortSignal },
): Promise<VerifyResult> {
  const manifestKey = prefix + MANIFEST_NAME;
  // As sync does: a bucket that cannot be used (refused name, denied, unreachable) is exit 3,
  // said once, before anything else is asked of it.
  try {
    await store.checkBucket({ signal: opts.signal });
  } catch (err) {
    if (err instanceof StoreError && err.kind === "aborted") throw err;
    throw new FatalError(err instanceof Error ? err.message : String(err));
  }
  let text: string;
  try {
    text = (await store.getObject(manifestKey, { signal: opts.signal })).toString("utf8");
  } catch (err) {
    if (err instanceof StoreError && err.kind === "not-found") {
      throw new FatalError(await noManifestReason(store, prefix, opts));
    }
    throw err;
  }
  const parsed = parseManifest(text);
  if (!parsed.ok) throw new FatalError(`s3://${store.bucket}/${manifestKey}: ${parsed.reason}`);
  const m = parsed.manifest;
  const problems: VerifyProblem[] = [];
  const unverified: VerifyProblem[] = [];
  let checked = 0;
  let matched = 0;
  const limit = pLimit(opts.concurrency);
  await Promise.all(
    m.files.map((f) =>
      limit(async () => {
        const key = prefix + f.key;
        const head = await store.headObject(key, { signal: opts.signal });
        checked++;
        let verdict = judgeHead(f, head, journal);
        if (opts.deep && head && head.size === f.size) {
          const got = await store.sha256OfObject(key, { signal: opts.signal });
          verdict =
            got === f.sha256
              ? { ok: true }
              : { ok: false, problem: "content SHA-256 differs from the manifest" };
        }
        if ("unverified" in verdict) unverified.push({ key: f.key, problem: verdict.unverified });
        else if (!verdict.ok) problems.push({ key: f.key, problem: verdict.problem });
        else matched++;
      }),
    ),
  );
  const byKey = (a: VerifyProblem, b: VerifyProblem) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  return {
    manifestKey,
    version: m.version,
    files: m.files.length,
    checked,
    matched,
    problems: problems.sort(byKey),
    unverified: unverified.sort(byKey),
  };
}

/** Why there is no manifest: never synced completely, or a sync replacing objects has not finished. */
async function noManifestReason(
  store: ObjectStore,
  prefix: string,
  opts: { dataset: string; signal: AbortSignal },
): Promise<string> {
  const where = `s3://${store.bucket}/${prefix}${MANIFEST_NAME}`;
  const previous = await store
    .headObject(prefix + PREVIOUS_MANIFEST_NAME, { signal: opts.signal })
    .catch(() => undefined);
  if (previous) {
    return `no manifest at ${where}: a sync began replacing objects of the dataset (the old manifest was moved aside to ${PREVIOUS_MANIFEST_NAME}) and has not finished; run pnpm sync ${opts.dataset} again`;
  }
  return `no manifest at ${where}: the dataset was never completely synced; run pnpm sync ${opts.dataset} first`;
}
