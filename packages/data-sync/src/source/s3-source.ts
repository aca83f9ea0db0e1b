// A dataset under an S3 prefix (e.g. PhysioNet's open bucket s3://physionet-open/chbmit/1.0.0/).
// ListObjectsV2 is the listing; size + ETag + Last-Modified are the identity; the dataset's
// checksum list (SHA256SUMS.txt, read from the prefix) gives the publisher's SHA-256 per file.
// Reads are Range GETs pinned to the listed ETag. When the destination is on the same endpoint,
// the engine copies server-side instead of reading (engine/copy-file.ts); `remote` says where.

import { setTimeout as sleep } from "node:timers/promises";
import { FatalError, UsageError } from "../engine/errors.ts";
import { checkRelPath } from "../engine/keys.ts";
import {
  changeToken,
  listedEtag,
  type OpenedFile,
  type S3Source,
  type SourceEntry,
  type SourceListing,
  type SourceProblem,
} from "../engine/source.ts";
import {
  type ListedObject,
  type ObjectStore,
  StoreError,
  type StoreErrorKind,
} from "../engine/store.ts";
import { parseChecksums } from "./http-source.ts";

/** Read failures worth another try: a reset or silence mid-body, a 5xx after retries. */
const RETRIED = new Set<StoreErrorKind>(["other", "timeout", "unreachable"]);
const READ_TRIES = 4;

/** `s3://bucket/prefix/` -> bucket and prefix ("" or ending in "/"). */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  const bucket = m?.[1] ?? "";
  if (!m || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new UsageError(
      `source ${url}: expected s3://<bucket>/<prefix>/ with a valid bucket name (e.g. s3://physionet-open/chbmit/1.0.0/)`,
    );
  }
  let prefix = m[2] ?? "";
  if (prefix !== "" && !prefix.endsWith("/")) prefix += "/";
  if (prefix.startsWith("/") || prefix.includes("//")) {
    throw new UsageError(`source ${url}: the prefix must not start with "/" or contain "//"`);
  }
  return { bucket, prefix };
}

export function s3Source(
  url: string,
  store: ObjectStore,
  checksums: string | null,
  anonymous: boolean,
): S3Source {
  const { bucket, prefix } = parseS3Url(url);
  const label = `s3://${bucket}/${prefix}`;
  const who = `${label} (${store.endpointLabel.replace(/^AWS S3 \((.*)\)$/, "AWS S3 $1")}${anonymous ? ", unsigned" : ""})`;
  const idOf = (key: string) => `s3://${bucket}/${key}`;

  /** A listing failure stops the run: nothing can be synced from a source we can't see. */
  function fatal(err: unknown, what: string): never {
    if (!(err instanceof StoreError)) throw err;
    if (err.kind === "aborted") throw err;
    const code = /\((E[A-Z_]+)\)/.exec(err.message)?.[1];
    const why =
      err.kind === "unreachable"
        ? `is unreachable${code ? ` (${code})` : ""}: check the network and source_endpoint_url (a dry run lists the source too)`
        : err.kind === "denied"
          ? `refused ${what} (AccessDenied)${anonymous ? ": the bucket does not allow unsigned requests; set source_anonymous: false and give credentials" : ": the credentials may not read it; for a public bucket set source_anonymous: true"}`
          : err.kind === "no-such-bucket" || err.kind === "not-found"
            ? `does not exist (${what}); check the source URL and source_endpoint_url`
            : `could not be listed: ${err.message}`;
    throw new FatalError(`source ${who} ${why}`);
  }

  async function list(filter: (rel: string) => boolean): Promise<SourceListing> {
    let objects: ListedObject[];
    try {
      objects = await store.listObjects(prefix);
    } catch (err) {
      fatal(err, "ListObjectsV2");
    }
    const problems: SourceProblem[] = [];
    let sums = new Map<string, string>();
    if (checksums) {
      const sumsObject = objects.find((o) => o.key === prefix + checksums);
      if (!sumsObject) {
        throw new FatalError(
          `source ${who}: ${checksums} is not there (datasets.yaml "checksums:"); check the source URL`,
        );
      }
      let text: string;
      try {
        text = (await store.getObject(prefix + checksums)).toString("utf8");
      } catch (err) {
        fatal(err, `GET ${checksums}`);
      }
      const parsed = parseChecksums(text, checksums);
      sums = parsed.sums;
      problems.push(...parsed.problems);
    }
    const entries: SourceEntry[] = [];
    const seen = new Set<string>();
    for (const o of objects) {
      if (o.key.endsWith("/")) continue; // a "folder" marker, not a file
      const raw = o.key.slice(prefix.length);
      seen.add(raw);
      if (!filter(raw)) continue;
      const key = checkRelPath(raw);
      if (!key.ok) {
        problems.push({ relPath: raw, message: `refused: ${key.why}` });
        continue;
      }
      const sha = sums.get(raw);
      entries.push({
        relPath: key.rel,
        ...(raw !== key.rel ? { sourcePath: raw } : {}),
        size: o.size,
        mtime: changeToken(o.etag, o.lastModified),
        id: idOf(o.key),
        ...(sha ? { expectedSha256: sha } : {}),
      });
    }
    // The publisher says the dataset has it; the bucket does not: the copy would be incomplete.
    for (const raw of sums.keys()) {
      if (!seen.has(raw) && filter(raw))
        problems.push({ relPath: raw, message: `listed in ${checksums} but not in ${label}` });
    }
    const byPath = (a: { relPath: string }, b: { relPath: string }) =>
      a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0;
    return { entries: entries.sort(byPath), problems: problems.sort(byPath) };
  }

  async function open(entry: SourceEntry): Promise<OpenedFile> {
    const key = prefix + (entry.sourcePath ?? entry.relPath);
    const etag = listedEtag(entry);
    return {
      async read(start, end, into) {
        // The SDK retries a request that fails before its answer; a connection lost in the
        // middle of a body is retried here (a few times, jittered), from the part's start.
        for (let attempt = 1; ; attempt++) {
          try {
            return await store.getRange(key, start, end, etag, into);
          } catch (err) {
            if (err instanceof StoreError && err.kind === "precondition-failed")
              throw new Error(`${idOf(key)} changed upstream since it was listed (new ETag)`);
            if (!(err instanceof StoreError) || !RETRIED.has(err.kind) || attempt >= READ_TRIES)
              throw err;
            await sleep(Math.random() * Math.min(5000, 200 * 2 ** attempt));
          }
        }
      },
      // Re-HEAD: an object replaced mid-transfer shows a new ETag or Last-Modified.
      async identity() {
        const head = await store.headObject(key);
        if (!head) throw new Error(`${idOf(key)} is gone from the source`);
        return {
          size: head.size,
          mtime: changeToken(head.etag ?? "", head.lastModified),
          id: idOf(key),
        };
      },
      close: async () => {},
    };
  }

  return { label, list, open, remote: { store, bucket, prefix, anonymous } };
}
