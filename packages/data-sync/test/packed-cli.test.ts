// The CLIs as a user installs them: the packed tarball, installed by npm into an empty folder
// outside this checkout, runs --help, a dry run and a real sync against the local versitygw.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { generateTusz } from "@bgb/testkit";
import { cleanEnv, type InstalledPackage, packAndInstall } from "@bgb/testkit/pack-install";
import { beforeAll, expect, test } from "vitest";
import {
  bucketOnly,
  datasetsWithoutCounts,
  expectBucketMatches,
  newBucket,
  pkgDir,
  s3,
  tempDir,
} from "./support.ts";

let pkg: InstalledPackage;
let work: string;

beforeAll(async () => {
  work = tempDir("packed");
  pkg = await packAndInstall(pkgDir, work);
  await generateTusz({
    root: join(work, "tusz"),
    seed: 3,
    files: 6,
    sizes: { minBytes: 16 * 1024, maxBytes: 256 * 1024 },
  });
});

/** Runs an installed bin from the install folder, credentials only in the environment. */
function bin(name: string, args: string[]) {
  const r = spawnSync(pkg.bin(name), args, {
    cwd: pkg.appDir,
    encoding: "utf8",
    env: cleanEnv({
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      AWS_REGION: s3.region,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined,
      INIT_CWD: undefined,
    }),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("the tarball holds the built bins and needs nothing from the workspace", () => {
  expect(pkg.manifest.bin).toEqual({
    "bgb-sync": "./dist/sync.js",
    "bgb-data-sync": "./dist/data-sync.js",
  });
  expect(Object.keys(pkg.manifest.dependencies ?? {}).filter((d) => d.startsWith("@bgb/"))).toEqual(
    [],
  );
  expect(pkg.manifest.engines?.node).toBe(">=20.15.0");
});

test("bgb-sync and bgb-data-sync --help", () => {
  const sync = bin("bgb-sync", ["--help"]);
  expect(sync.code).toBe(0);
  expect(sync.stdout).toMatch(/^Usage: sync \[options\] <dataset>/);
  const ds = bin("bgb-data-sync", ["--help"]);
  expect(ds.code).toBe(0);
  expect(ds.stdout).toMatch(/verify/);
  expect(ds.stderr).toBe("");
});

test("a dry run, then the sync, then verify: the bucket holds the tree", async () => {
  const bucket = await newBucket();
  const target = [
    "tuh",
    "--config",
    datasetsWithoutCounts(), // the generated tree is not tuh's expected_counts
    "--source",
    join(work, "tusz"),
    "--bucket",
    bucket,
    "--prefix",
    "ds/",
    "--state-dir",
    join(work, "state"),
  ];
  const dry = bin("bgb-sync", [...target, "--dry-run"]);
  expect(dry.stderr).toBe("");
  expect(dry.code).toBe(0);
  expect(dry.stdout).toMatch(/plan: \d+ files, .* to upload/);

  const sync = bin("bgb-sync", [...target, "--json"]);
  expect(sync.code).toBe(0);
  const summary = JSON.parse(sync.stdout.trim().split("\n").at(-1) as string);
  expect(summary).toMatchObject({ event: "summary", files_failed: 0, exit_code: 0 });
  await expectBucketMatches(bucket, "ds/", join(work, "tusz"));

  const verify = bin("bgb-data-sync", ["verify", ...bucketOnly(target)]);
  expect(verify.code).toBe(0);
});
