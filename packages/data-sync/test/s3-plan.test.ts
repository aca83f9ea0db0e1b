// Pure parts of issue 10: the s3:// URL, and the plan for server-side copies.
import { describe, expect, test } from "vitest";
import { emptyState } from "../src/engine/journal/state.ts";
import { MiB } from "../src/engine/part-size.ts";
import { makePlan } from "../src/engine/plan.ts";
import type { SourceEntry } from "../src/engine/source.ts";
import { listedEtag } from "../src/engine/source.ts";
import { parseS3Url } from "../src/source/s3-source.ts";

const entry = (relPath: string, size: number, sha?: string): SourceEntry => ({
  relPath,
  size,
  mtime: `"etag-${relPath}"@2026-01-01T00:00:00.000Z`,
  id: `s3://b/${relPath}`,
  ...(sha ? { expectedSha256: sha } : {}),
});

describe("s3:// URLs", () => {
  test("bucket and prefix, the prefix always ending in /", () => {
    expect(parseS3Url("s3://physionet-open/chbmit/1.0.0/")).toEqual({
      bucket: "physionet-open",
      prefix: "chbmit/1.0.0/",
    });
    expect(parseS3Url("s3://physionet-open/chbmit/1.0.0")).toMatchObject({
      prefix: "chbmit/1.0.0/",
    });
    expect(parseS3Url("s3://physionet-open")).toEqual({ bucket: "physionet-open", prefix: "" });
  });
  test("a bad bucket or prefix is one usage line", () => {
    expect(() => parseS3Url("s3://Bad_Bucket/x/")).toThrow(/valid bucket name/);
    expect(() => parseS3Url("s3://bucket//x/")).toThrow(
      /must not start with "\/" or contain "\/\/"/,
    );
  });
  test("the listed ETag travels in the change token", () => {
    expect(listedEtag(entry("a", 1))).toBe('"etag-a"');
  });
});

describe("plan for a server-side copy", () => {
  const entries = [entry("big.edf", 40 * MiB), entry("small.edf", 3 * MiB)];
  test("nothing passes through this machine below the copy threshold", () => {
    const p = makePlan(entries, emptyState(), {
      partSize: 16 * MiB,
      trustJournal: true,
      singleLimit: 5 * 1024 * MiB,
      serverSideCopy: true,
    });
    expect(p.items.map((i) => i.kind)).toEqual(["put", "put"]); // one CopyObject each
    expect(p.totals).toMatchObject({ bytesThroughMachine: 0, bytesToSend: 43 * MiB, requests: 2 });
  });
  test("above the threshold: parts, and the whole object read back", () => {
    const p = makePlan(entries, emptyState(), {
      partSize: 16 * MiB,
      trustJournal: true,
      singleLimit: 10 * MiB,
      serverSideCopy: true,
    });
    expect(p.items.map((i) => i.kind)).toEqual(["multipart", "put"]);
    // create + 3 part copies + complete + one GET to read it back; one CopyObject
    expect(p.totals).toMatchObject({ bytesThroughMachine: 40 * MiB, requests: 7 });
  });
  test("streamed or uploaded: every byte to send passes through", () => {
    const p = makePlan(entries, emptyState(), { partSize: 16 * MiB, trustJournal: true });
    expect(p.totals.bytesThroughMachine).toBe(p.totals.bytesToSend);
  });
  test("a file already in the bucket with its published SHA-256 is skipped whatever the source", () => {
    const sha = "a".repeat(64);
    const state = emptyState();
    // synced from https://... before: another change token, same content
    state.done.set("small.edf", {
      size: 3 * MiB,
      mtime: "W/x",
      id: "https://h/small.edf",
      sha256: sha,
      s3: "",
    });
    const p = makePlan([entry("small.edf", 3 * MiB, sha)], state, {
      partSize: 16 * MiB,
      trustJournal: true,
    });
    expect(p.items[0]).toMatchObject({
      kind: "skip",
      reason: "already in the bucket with its published SHA-256",
    });
    const other = makePlan([entry("small.edf", 3 * MiB, "b".repeat(64))], state, {
      partSize: 16 * MiB,
      trustJournal: true,
    });
    expect(other.items[0]?.kind).toBe("put");
  });
});
