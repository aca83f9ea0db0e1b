// `verify`: is the bucket what the manifest says? HEAD + checksum per object; --deep re-reads bytes.
import { MANIFEST_NAME, parseManifest } from "@bgb/shared/manifest";
import pLimit from "p-limit";
import type { ObjectStore } from "../storage/store.ts";
import { StoreError } from "../storage/store.ts";
import { FatalError } from "./errors.ts";
import type { JournalState } from "./journal/state.ts";

export interface VerifyProblem {
  key: string;
  problem: string;
}

export interface VerifyResult {
  manifestKey: string;
  version: string;
  files: number;
  checked: number;
  /** objects whose content could only be confirmed by size (no usable checksum) */
  sizeOnly: number;
  problems: VerifyProblem[];
}

export async function verifyBucket(
  store: ObjectStore,
  prefix: string,
  journal: JournalState,
  opts: { deep: boolean; concurrency: number; signal: AbortSignal },
): Promise<VerifyResult> {
  const manifestKey = prefix + MANIFEST_NAME;
  let text: string;
  try {
    text = (await store.getObject(manifestKey, { signal: opts.signal })).toString("utf8");
  } catch (err) {
    if (err instanceof StoreError && err.kind === "not-found") {
      throw new FatalError(
        `no manifest at s3://${store.bucket}/${manifestKey}: the dataset was never completely synced; run pnpm sync first`,
      );
    }
    throw err instanceof StoreError && err.fatal ? new FatalError(err.message) : err;
  }
  const parsed = parseManifest(text);
  if (!parsed.ok) throw new FatalError(`s3://${store.bucket}/${manifestKey}: ${parsed.reason}`);
  const m = parsed.manifest;
  const problems: VerifyProblem[] = [];
  let sizeOnly = 0;
  let checked = 0;
  const limit = pLimit(opts.concurrency);
  await Promise.all(
    m.files.map((f) =>
      limit(async () => {
        const key = prefix + f.key;
        const head = await store.headObject(key, { signal: opts.signal });
        checked++;
        if (!head) return void problems.push({ key: f.key, problem: "missing from the bucket" });
        if (head.size !== f.size)
          return void problems.push({
            key: f.key,
            problem: `size ${head.size}, manifest says ${f.size}`,
          });
        const full = Buffer.from(f.sha256, "hex").toString("base64");
        if (opts.deep) {
          const got = await store.sha256OfObject(key, { signal: opts.signal });
          if (got !== f.sha256)
            problems.push({ key: f.key, problem: "content SHA-256 differs from the manifest" });
          return;
        }
        const c = head.checksumSha256;
        if (c && !c.includes("-")) {
          if (c !== full)
            problems.push({ key: f.key, problem: "stored SHA-256 differs from the manifest" });
          return;
        }
        if (head.metadata["bgb-sha256"]) {
          if (head.metadata["bgb-sha256"] !== f.sha256)
            problems.push({ key: f.key, problem: "recorded SHA-256 differs from the manifest" });
          return;
        }
        // Multipart objects carry a composite checksum: the journal knows which one goes with
        // the whole-file SHA-256 that it computed from the same bytes.
        const done = journal.done.get(f.key);
        if (c && done && done.sha256 === f.sha256) {
          if (done.s3 !== c)
            problems.push({
              key: f.key,
              problem: "composite checksum differs from the parts this journal sent",
            });
          return;
        }
        sizeOnly++;
      }),
    ),
  );
  return { manifestKey, version: m.version, files: m.files.length, checked, sizeOnly, problems };
}
