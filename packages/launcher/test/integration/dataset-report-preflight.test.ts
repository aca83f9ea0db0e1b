// The preflight reads the dataset report a sync wrote beside the manifest (real versitygw, real
// bin): the dataset summary comes before the cost line, and a smoke preset whose limit_files
// selects no file with a seizure fails before any GPU time is spent.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { buildReport, REPORT_NAME, readLocalDataset } from "@bgb/dataset-report/engine";
import { buildManifest, MANIFEST_NAME } from "@bgb/shared/manifest";
import { type DatasetSummary, generateTusz } from "@bgb/testkit";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { runBin } from "../helpers/run-bin.ts";
import { makeTempRepo, s3Client, type TempRepo } from "../helpers/temp-repo.ts";

const s3 = inject("s3");
let repo: TempRepo;
let tree: DatasetSummary<Record<string, number>>;
let dir: string;
beforeAll(async () => {
  repo = await makeTempRepo(s3, { manifest: false });
  dir = await mkdtemp(join(tmpdir(), "launch-report-"));
  // Seed 11: 2 train (both with a seizure), 1 dev, 1 eval: the temp repo's expected_counts.
  tree = await generateTusz({ root: join(dir, "tusz"), seed: 11, patients: 3, files: 4 });
  expect(tree.counts).toEqual({ train: 2, dev: 1, eval: 1 });
});
afterAll(async () => {
  repo.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** What `pnpm sync` leaves in the bucket: the manifest and the report with its version. */
async function publish(): Promise<void> {
  const files = tree.files.map((f) => ({
    key: f.path,
    size: f.size,
    sha256: createHash("sha256")
      .update(readFileSync(join(tree.root, f.path)))
      .digest("hex"),
  }));
  const manifest = buildManifest("tuh", "tusz", files);
  const report = buildReport(
    await readLocalDataset({ dataset: "tuh", layout: "tusz", root: tree.root }),
    manifest.version,
  );
  const put = (name: string, body: string) =>
    s3Client(s3).send(
      new PutObjectCommand({ Bucket: repo.bucket, Key: `tuh/${name}`, Body: body }),
    );
  await put(MANIFEST_NAME, JSON.stringify(manifest));
  await put(REPORT_NAME, JSON.stringify(report));
}

const dryRun = () => runBin(["smoke", "--dry-run"], { cwd: repo.root, env: repo.env });

test("the dataset summary is shown before the cost line; the seizure files of the limit are counted", async () => {
  await publish();
  const r = await dryRun();
  expect(r.code, r.stdout + r.stderr).toBe(0);
  const lines = r.stdout.split("\n");
  const seizures = tree.recordings.reduce((n, x) => n + x.seizures.length, 0);
  const at = lines.findIndex((l) => l.startsWith("  dataset  tuh: "));
  expect(lines[at]).toMatch(
    new RegExp(
      `^  dataset  tuh: 4 recordings \\(train 2 / dev 1 / eval 1\\), [\\d.]+ h, ${seizures} seizure events$`,
    ),
  );
  expect(lines[at + 1]).toMatch(/^ {2}estimate /);
  expect(r.stdout).toMatch(/ok {4}dataset-report:tuh +4 recordings, [\d.]+ h, \d+ seizure events/);
  expect(r.stdout).toMatch(
    /ok {4}limit-files:tuh +limit_files 50: 2 of the 2 train files it selects contain a seizure/,
  );
});

test("a smoke limit that selects no seizure fails the preflight (exit 2) with the fix", async () => {
  // Every train label file becomes background only: the report is rebuilt and re-published.
  for (const rec of tree.recordings.filter((x) => x.split === "train")) {
    const path = join(tree.root, rec.labels);
    writeFileSync(
      path,
      readFileSync(path, "utf8").replace(/,(seiz|fnsz|gnsz|cpsz|absz|tcsz),/g, ",bckg,"),
    );
  }
  await publish();
  const r = await dryRun();
  expect(r.code).toBe(2);
  expect(r.stdout).toMatch(
    /FAIL {2}limit-files:tuh +limit_files 50: none of the 2 train files it selects contains a seizure, so the run would train without one seizure window\n +fix: the train split of tuh has no seizure at all: check its labels \(pnpm data-sync report tuh\)/,
  );
  expect(r.stderr).toMatch(/preflight failed \(.*limit-files:tuh.*\): nothing launched/);
  expect(repo.standinCalls().some((c) => c.argv?.[0] === "run")).toBe(false);
});
