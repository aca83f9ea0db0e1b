// A new machine (or a wiped state directory) adopts what the bucket already holds: the manifest
// and one listing say what is there, local hashes decide, and no payload byte is sent again.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { type FaultProxy, generateTusz, startFaultProxy } from "@bgb/testkit";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  client,
  expectBucketMatches,
  listFiles,
  MiB,
  newBucket,
  runCli,
  s3,
  syncArgs,
  tempDir,
} from "./support.ts";

let src: string;
let files: number;
let proxy: FaultProxy;
beforeAll(async () => {
  src = tempDir("adopt");
  // sizes on both sides of the 5 MiB part size: single PUTs and multipart objects
  await generateTusz({
    root: src,
    seed: 21,
    patients: 2,
    files: 3,
    sizes: [1 * MiB, 7 * MiB, 2 * MiB, 9 * MiB, MiB / 2, 3 * MiB],
  });
  files = listFiles(src).length;
  proxy = await startFaultProxy({ upstream: s3.endpoint });
});
afterAll(async () => {
  await proxy.stop();
});

const run = (bucket: string, st: string, extra: string[] = []) =>
  runCli("sync", syncArgs("tuh", src, bucket, st, ["--part-size", "5MiB", ...extra]), {
    endpoint: proxy.endpoint,
  });
const payloadBytes = () => Object.values(proxy.stats.bytesReceived).reduce((a, b) => a + b, 0);
const ev = (r: { events: Record<string, unknown>[] }, name: string) =>
  r.events.find((e) => e.event === name);

test("state directory deleted: the next sync adopts every object (0 payload bytes) and its dry run says so", async () => {
  const bucket = await newBucket();
  const first = await run(bucket, tempDir("state"));
  expect(first.code).toBe(0);
  const version = first.summary?.manifest_version;
  expect(typeof version).toBe("string");
  const sizes = first.events.filter((e) => e.event === "file_done").map((e) => Number(e.size));
  const small = sizes.filter((s) => s <= 5 * MiB).length;
  expect(small).toBeGreaterThan(0);
  expect(small).toBeLessThan(files); // both kinds are present

  // A fresh state directory: what a second laptop or a wiped ~/.local/state sees.
  const fresh = tempDir("state");
  proxy.resetStats();
  const dry = await run(bucket, fresh, ["--dry-run"]);
  expect(dry.code).toBe(0);
  expect(ev(dry, "plan")).toMatchObject({
    event: "plan",
    files,
    to_upload: 0,
    to_check: files,
    to_adopt: small,
    dry_run: true,
  });
  expect(dry.summary?.manifest_version).toBeNull();
  expect(payloadBytes()).toBe(0);

  proxy.resetStats();
  const again = await run(bucket, fresh);
  expect(again.code).toBe(0);
  expect(again.summary).toMatchObject({
    files_adopted: files,
    files_uploaded: 0,
    bytes_sent: 0,
    manifest_version: version,
  });
  // Nothing went into the bucket: no file, no part, not even the manifest again.
  expect(payloadBytes()).toBe(0);
  expect(proxy.stats.requests.PutObject + proxy.stats.requests.UploadPart).toBe(0);
  // No HEAD per file: the manifest vouches for single-PUT objects. What remains: the bucket,
  // the manifest, the dataset report, and one per multipart object (its composite checksum
  // needs the part size it was sent with).
  expect(proxy.stats.requests.HeadObject).toBeLessThanOrEqual(3 + files - small);
  expect(proxy.stats.requests.HeadObject).toBeLessThan(files);
  expect(ev(again, "manifest")).toMatchObject({ written: false, version });
  await expectBucketMatches(bucket, "ds/", src);

  // The adopted run journaled everything: the run after it has nothing to do at all.
  proxy.resetStats();
  const third = await run(bucket, fresh);
  expect(third.summary).toMatchObject({ files_skipped: files, files_adopted: 0 });
  expect(payloadBytes()).toBe(0);
});

test("no journal, no manifest, one file changed and one missing: the listing and stored checksums adopt the rest, the two are sent", async () => {
  const bucket = await newBucket();
  expect((await run(bucket, tempDir("state"))).code).toBe(0);
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: "ds/.bgb-manifest.json" }));
  const [gone, changed] = listFiles(src).filter((f) => f.endsWith(".edf"));
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: `ds/${gone}` }));
  const path = join(src, changed as string);
  const bytes = readFileSync(path);
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1); // same size
  writeFileSync(path, bytes);

  const fresh = tempDir("state");
  const dry = await run(bucket, fresh, ["--dry-run"]);
  expect(ev(dry, "plan")).toMatchObject({ to_upload: 1, to_check: files - 1, to_adopt: 0 });

  proxy.resetStats();
  const r = await run(bucket, fresh);
  expect(r.code).toBe(0);
  expect(r.summary).toMatchObject({ files_adopted: files - 2, files_uploaded: 2 });
  expect(payloadBytes()).toBeLessThan(20 * MiB); // the two files and the manifest only
  await expectBucketMatches(bucket, "ds/", src);
  rmSync(fresh, { recursive: true, force: true });
});
