// Resuming when the world moved: the upload is gone (NoSuchUpload), or the file changed.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  AbortMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
} from "@aws-sdk/client-s3";
import { expect, test } from "vitest";
import {
  client,
  expectBucketMatches,
  MiB,
  newBucket,
  openUploads,
  runCli,
  s3,
  syncArgs,
  tempDir,
} from "./support.ts";

const dir = tempDir;

/** A 40 MiB file whose sync is killed once some parts are in. */
async function killedMidUpload(bucket: string) {
  const src = dir("edge");
  const state = dir("state");
  writeFileSync(join(src, "big.edf"), Buffer.alloc(40 * MiB, 3));
  writeFileSync(join(src, "small.csv"), "a,b\n");
  const args = syncArgs("tuh", src, bucket, state, [
    "--include",
    "**",
    "--part-size",
    "5MiB",
    "--concurrency",
    "2",
  ]);
  await runCli("sync", [...args, "--bwlimit", "5MiB", "--progress-interval", "1"], {
    onLine: (l) => l.includes('"stats"') && JSON.parse(l).bytes_sent >= 10 * MiB,
  });
  expect(await openUploads(bucket, "ds/")).toBe(1);
  return { src, state, args };
}

test("an upload aborted behind the tool's back (NoSuchUpload) is restarted, and the run says so", async () => {
  const bucket = await newBucket();
  const { src, args } = await killedMidUpload(bucket);
  const ups = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  const up = ups.Uploads?.[0];
  await client.send(
    new AbortMultipartUploadCommand({ Bucket: bucket, Key: up?.Key, UploadId: up?.UploadId }),
  );
  const r = await runCli("sync", args);
  expect(r.code).toBe(0);
  expect(
    r.events.some((e) => e.event === "restart" && String(e.reason).includes("NoSuchUpload")),
  ).toBe(true);
  await expectBucketMatches(bucket, "ds/", src);
  expect(await openUploads(bucket, "ds/")).toBe(0);
});

test("a file changed between runs is not resumed from stale parts: its old upload is aborted", async () => {
  const bucket = await newBucket();
  const { src, state, args } = await killedMidUpload(bucket);
  writeFileSync(join(src, "big.edf"), Buffer.alloc(41 * MiB, 4));
  const r = await runCli("sync", args);
  expect(r.code).toBe(0);
  const start = r.events.find((e) => e.event === "file_start" && e.key === "big.edf");
  expect(start?.reason).toBe("changed since its upload started: restarting");
  await expectBucketMatches(bucket, "ds/", src);
  expect(await openUploads(bucket, "ds/")).toBe(0);
  // Nothing secret ever reaches the journal.
  const journalDir = join(state, "journals");
  const text = readdirSync(journalDir)
    .map((f) => readFileSync(join(journalDir, f), "utf8"))
    .join("");
  expect(text).not.toContain(s3.secretAccessKey);
  expect(text).not.toContain(s3.accessKeyId);
});

test("no manifest is written while a file of the dataset is missing", async () => {
  const bucket = await newBucket();
  const src = dir("partial");
  writeFileSync(join(src, "ok.edf"), "fine");
  const { symlinkSync } = await import("node:fs");
  symlinkSync(join(src, "nowhere"), join(src, "broken.edf"));
  const r = await runCli("sync", syncArgs("tuh", src, bucket, dir("state"), ["--include", "**"]));
  expect(r.code).toBe(1);
  expect(r.summary?.manifest_version).toBeNull();
  await expect(
    client.send(new HeadObjectCommand({ Bucket: bucket, Key: "ds/.bgb-manifest.json" })),
  ).rejects.toThrow();
});
