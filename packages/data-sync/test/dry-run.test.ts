// A dry run answers first: totals, requests and cost lead, files only with --verbose, the plan
// event under --json, and what can be checked without writing (one HEAD of the bucket) is.
import { join } from "node:path";
import { generateTusz } from "@bgb/testkit";
import { beforeAll, expect, test } from "vitest";
import { formatUsd } from "../src/cli/commands/sync.ts";
import { listFiles, newBucket, openUploads, runCli, s3, targetArgs, tempDir } from "./support.ts";

let src: string;
let files: number;
beforeAll(async () => {
  src = join(tempDir("dry"), "tusz");
  await generateTusz({ root: src, seed: 5, files: 6 });
  files = listFiles(src).length;
});
const args = (bucket: string, extra: string[] = []) => [
  ...targetArgs("tuh", src, bucket, tempDir("state")),
  "--dry-run",
  ...extra,
];

test("the totals come first and no line per file; the cost of a small dataset is not $0.00", async () => {
  const bucket = await newBucket();
  const r = await runCli("sync", args(bucket));
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split("\n");
  expect(lines[0]).toMatch(new RegExp(`^plan: ${files} files, .*${files} to upload`));
  expect(r.stdout).toMatch(/to send: .* in about \d+ requests/);
  const cost = /about \$([\d.]+)\/month/.exec(r.stdout);
  expect(Number(cost?.[1])).toBeGreaterThan(0);
  // no file is named: a 50,000-file dataset is a few lines, not 50,003
  expect(lines.length).toBeLessThan(8);
  expect(r.stdout).not.toMatch(/\.edf/);
  expect(await openUploads(bucket, "ds/")).toBe(0);
});

test("--json: a snake_case plan event, manifest_version null, no file list in the summary", async () => {
  const bucket = await newBucket();
  const r = await runCli("sync", args(bucket, ["--json"]));
  expect(r.code).toBe(0);
  expect(r.events.find((e) => e.event === "plan")).toMatchObject({
    files,
    to_upload: files,
    to_check: 0,
    to_adopt: 0,
    to_skip: 0,
    dry_run: true,
  });
  expect(r.summary).toMatchObject({ dry_run: true, manifest_version: null });
  const plan = r.summary?.plan as Record<string, unknown>;
  expect(plan).toMatchObject({ files, to_upload: files, bytes_through_machine: plan.bytes });
  expect(Object.keys(plan).filter((k) => /[A-Z]/.test(k))).toEqual([]);
  expect(plan.items).toBeUndefined();
  expect(Number(plan.usd_per_month)).toBeGreaterThan(0);
});

test("a dry run HEADs the bucket: a missing bucket or rejected credentials exit 3, nothing written", async () => {
  const gone = await runCli("sync", args("no-such-bucket-dry", ["--json"]));
  expect(gone.code).toBe(3);
  expect(gone.stdout + gone.stderr).toMatch(/no-such-bucket-dry/);
  const bucket = await newBucket();
  const denied = await runCli("sync", args(bucket), {
    env: { AWS_SECRET_ACCESS_KEY: "not-the-secret" },
  });
  expect(denied.code).toBe(3);
  expect(denied.stdout + denied.stderr).not.toMatch(/not-the-secret/);
  expect(await openUploads(bucket, "ds/")).toBe(0);
  void s3;
});

test("formatUsd keeps 2 significant digits below $1", () => {
  expect(formatUsd(0)).toBe("$0");
  expect(formatUsd(0.000312)).toBe("$0.00031");
  expect(formatUsd(0.042)).toBe("$0.042");
  expect(formatUsd(12.345)).toBe("$12.35");
});

test("--verbose lists every file after the totals; without it, none", async () => {
  const bucket = await newBucket();
  const r = await runCli("sync", args(bucket, ["--verbose"]));
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split("\n");
  expect(lines[0]).toMatch(/^plan: /);
  for (const f of listFiles(src)) expect(r.stdout).toContain(f);
  expect(lines.findIndex((l) => l.includes(".edf"))).toBeGreaterThan(2);
  const quiet = await runCli("sync", args(bucket));
  expect(quiet.code).toBe(0);
  expect(quiet.stdout).not.toContain(".edf");
  expect(quiet.stdout).toContain("(--verbose lists every file)");
});
