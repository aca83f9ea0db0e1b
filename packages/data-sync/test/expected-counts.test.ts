// The manifest guard against partial downloads: per-split .edf counts found vs expected.
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { generateTusz } from "@bgb/testkit";
import { beforeAll, describe, expect, test } from "vitest";
import { countsMismatch } from "../src/engine/expected-counts.ts";
import {
  client,
  expectBucketMatches,
  listFiles,
  newBucket,
  repoDatasets,
  runCli,
  syncArgs,
  targetArgs,
  tempDir,
} from "./support.ts";

const keys = [
  "edf/train/a/1.edf",
  "edf/train/a/1.csv_bi",
  "edf/train/b/2.edf",
  "edf/dev/c/3.edf",
  "DOCS/readme.txt",
];

test("counts that match expected_counts (or none configured) pass", () => {
  expect(countsMismatch("tusz", keys, { train: 2, dev: 1 })).toBeUndefined();
  expect(countsMismatch("tusz", keys, null)).toBeUndefined();
});

test("a partial TUSZ download names each split that differs, found vs expected", () => {
  expect(countsMismatch("tusz", keys, { train: 4667, dev: 1, eval: 865 })).toBe(
    "eval: expected 865, found 0; train: expected 4667, found 2",
  );
});

test("a split the config does not expect counts too; flat layouts count all", () => {
  expect(countsMismatch("tusz", keys, { train: 2 })).toBe("dev: expected 0, found 1");
  expect(countsMismatch("chbmit", keys, { all: 686 })).toBe("all: expected 686, found 3");
});

// Through the CLI against versitygw: a partial tree is uploaded, but no manifest is written
// (exit 1, one line with the counts and the fix) unless --allow-partial.
describe("sync against datasets.yaml's expected_counts", () => {
  let tree: string;
  let counts: Record<string, number>;
  beforeAll(async () => {
    tree = tempDir("partial");
    counts = (await generateTusz({ root: tree, seed: 15, files: 6 })).counts as Record<
      string,
      number
    >;
  });

  const manifestIn = async (bucket: string) =>
    (await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "ds/.bgb-manifest" })))
      .KeyCount ?? 0;

  test("a partial tree: files uploaded, manifest refused naming each split, exit 1", async () => {
    const bucket = await newBucket();
    const r = await runCli("sync", [
      ...targetArgs("tuh", tree, bucket, tempDir("st")),
      "--config",
      repoDatasets,
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const found = `train: expected 4667, found ${counts.train ?? 0}`;
    const line = r.stdout.split("\n").find((l) => l.startsWith("manifest not written"));
    expect(line).toContain(found);
    expect(line).toContain(`dev: expected 1832, found ${counts.dev ?? 0}`);
    expect(line).toContain("--allow-partial");
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(await manifestIn(bucket)).toBe(0);
    // the files themselves are there: finishing the download needs no re-upload
    expect(listFiles(tree).length).toBeGreaterThan(0);

    const json = await runCli("sync", [
      ...syncArgs("tuh", tree, bucket, tempDir("st2")),
      "--config",
      repoDatasets,
    ]);
    expect(json.code).toBe(1);
    expect(json.summary).toMatchObject({ manifest_version: null, exit_code: 1 });
    expect(json.summary?.manifest_refused).toContain(found);
    expect(json.summary?.files_adopted).toBe(listFiles(tree).length); // nothing uploaded twice
  });

  test("a partial tree and a missing bucket: exit 3 naming the bucket, no partial-download warning", async () => {
    const bucket = `t-missing-${Date.now().toString(36)}`;
    const r = await runCli("sync", [
      ...syncArgs("tuh", tree, bucket, tempDir("st")),
      "--config",
      repoDatasets,
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.events.filter((e) => e.event === "warning")).toEqual([]);
    expect(r.events.find((e) => e.event === "error")?.message).toContain(bucket);
  });

  test("--allow-partial writes the manifest anyway, with a warning", async () => {
    const bucket = await newBucket();
    const r = await runCli("sync", [
      ...syncArgs("tuh", tree, bucket, tempDir("st"), ["--allow-partial"]),
      "--config",
      repoDatasets,
    ]);
    expect(r.code).toBe(0);
    expect(r.summary?.manifest_version).toEqual(expect.any(String));
    expect(r.summary?.manifest_refused).toBeNull();
    const warning = r.events.find((e) => e.event === "warning");
    expect(warning?.message).toMatch(/expected 4667, found .*--allow-partial/);
    expect(await manifestIn(bucket)).toBe(1);
    await expectBucketMatches(bucket, "ds/", tree);
  });
});
