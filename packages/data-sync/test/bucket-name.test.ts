// Bucket names S3 refuses are refused here first, each with the rule it breaks.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { bucketNameProblem } from "../src/engine/bucket-name.ts";
import { newBucket, runCli, targetArgs, tempDir } from "./support.ts";

test.each([
  ["192.168.5.4", /IP address/],
  ["a..b", /two adjacent periods/],
  ["xn--bucket", /xn--/],
  ["my-bucket-s3alias", /-s3alias/],
  ["ab", /3 to 63/],
  ["My-Bucket", /lower-case/],
  ["-bucket", /begin and end/],
  ["a.-b", /period next to a hyphen/],
])("%s is refused", (name, why) => {
  expect(bucketNameProblem(name)).toMatch(why);
});

test.each(["bgb-data", "a.b.c", "123", "data-2026.v1"])("%s is valid", (name) => {
  expect(bucketNameProblem(name)).toBeUndefined();
});

test("--bucket a..b and --concurrency 0x10 exit 2 at parse time with one line naming the flag", async () => {
  const bucket = await newBucket();
  const src = tempDir("bn");
  writeFileSync(join(src, "a.edf"), "x"); // a source that would sync if the flag were taken
  const bad = await runCli("sync", targetArgs("tuh", src, "a..b", tempDir("st")));
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--bucket: "a\.\.b" .*two adjacent periods/);
  const ip = await runCli("sync", targetArgs("tuh", src, "192.168.5.4", tempDir("st")));
  expect(ip.code).toBe(2);
  expect(ip.stderr).toMatch(/--bucket: "192\.168\.5\.4" .*IP address/);
  const hex = await runCli("sync", [
    ...targetArgs("tuh", src, bucket, tempDir("st")),
    "--concurrency",
    "0x10",
  ]);
  expect(hex.code).toBe(2);
  expect(hex.stderr).toMatch(/--concurrency.*0x10.*whole number/);
  expect(hex.stderr.trim().split("\n")).toHaveLength(1);
});
