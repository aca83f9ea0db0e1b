// `data-sync report <dataset>` and the `.bgb-report.json` a complete sync writes beside the
// manifest, against the real versitygw.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { type DatasetSummary, generateTusz } from "@bgb/testkit";
import { beforeAll, expect, test } from "vitest";
import { client, newBucket, pkgDir, repoDatasets, runCli, syncArgs, tempDir } from "./support.ts";

let tree: DatasetSummary<Record<string, number>>;
let config: string;
beforeAll(async () => {
  tree = await generateTusz({
    root: join(tempDir("report"), "tusz"),
    seed: 4,
    patients: 5,
    files: 10,
  });
  // The repo's datasets.yaml with this tree's counts as tuh's expected_counts.
  const repo = readFileSync(join(pkgDir, "..", "..", "configs", "datasets.yaml"), "utf8");
  const counts = `expected_counts: { train: ${tree.counts.train}, dev: ${tree.counts.dev}, eval: ${tree.counts.eval} }`;
  config = join(tempDir("report-config"), "datasets.yaml");
  writeFileSync(config, repo.replace(/expected_counts: \{ train: 4667[^}]*\}/, counts));
});

test("report prints the figures per split and exits 0 on a sound tree; --json is one document", async () => {
  const r = await runCli("data-sync", ["report", "tuh", "--source", tree.root, "--config", config]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const lines = r.stdout.trimEnd().split("\n");
  expect(lines[0]).toBe("dataset tuh (tusz)");
  expect(
    lines
      .find((l) => l.startsWith("recordings"))
      ?.split(/\s+/)
      .at(-1),
  ).toBe("10");
  expect(lines.at(-1)).toBe("no errors, 0 warnings");
  const j = await runCli("data-sync", [
    "report",
    "tuh",
    "--source",
    tree.root,
    "--config",
    config,
    "--json",
  ]);
  expect(j.code).toBe(0);
  const doc = JSON.parse(j.stdout);
  expect(doc.totals.recordings).toBe(10);
  expect(doc.totals.seizure_events).toBe(
    tree.recordings.reduce((n, x) => n + x.seizures.length, 0),
  );
});

test("a missing label file makes the report exit 1 naming the EDF; the repo's counts are checked", async () => {
  const broken = join(tempDir("report-broken"), "tusz");
  const t = await generateTusz({ root: broken, seed: 4, patients: 5, files: 10 });
  const victim = t.recordings[2];
  rmSync(join(broken, victim?.labels as string));
  const r = await runCli("data-sync", [
    "report",
    "tuh",
    "--source",
    broken,
    "--config",
    repoDatasets,
  ]);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(
    `error missing-label: no label file ${victim?.labels} [${victim?.edf}]`,
  );
  expect(r.stdout).toMatch(/error count-mismatch: .*train has \d+, expected 4667/);
});

test("a complete sync writes .bgb-report.json with the manifest's version; a re-run keeps it", async () => {
  const bucket = await newBucket();
  const state = tempDir("report-state");
  const args = syncArgs("tuh", tree.root, bucket, state, ["--config", config]);
  const first = await runCli("sync", args);
  expect(first.code).toBe(0);
  expect(first.summary?.report).toEqual({
    key: "ds/.bgb-report.json",
    state: "written",
    errors: 0,
    warnings: 0,
  });
  const get = async (key: string) => {
    const o = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse(await (o.Body as NonNullable<typeof o.Body>).transformToString());
  };
  const manifest = await get("ds/.bgb-manifest.json");
  const report = await get("ds/.bgb-report.json");
  expect(report).toMatchObject({
    format: 1,
    dataset: "tuh",
    dataset_version: manifest.version,
    errors: 0,
  });
  expect(report.totals.recordings).toBe(10);
  const etag = (
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "ds/.bgb-report.json" }))
  ).ETag;

  const again = await runCli(
    "sync",
    args.filter((a) => a !== "--json"),
  );
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(
    /\nreport: 10 recordings, [\d.]+ h, \d+ seizure events; 0 errors, 0 warnings \(ds\/\.bgb-report\.json; details: pnpm data-sync report tuh\)\n/,
  );
  const after = (
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "ds/.bgb-report.json" }))
  ).ETag;
  expect(after).toBe(etag);

  // The synced copy, read back from the bucket: the same figures, the manifest's version.
  const fromBucket = await runCli("data-sync", [
    "report",
    "tuh",
    "--from-bucket",
    "--bucket",
    bucket,
    "--prefix",
    "ds/",
    "--config",
    config,
    "--json",
  ]);
  expect(fromBucket.stderr).toBe("");
  expect(fromBucket.code).toBe(0);
  const remote = JSON.parse(fromBucket.stdout);
  expect(remote.dataset_version).toBe(manifest.version);
  expect(remote.totals).toEqual(report.totals);
  expect(remote.recordings).toEqual(report.recordings);
});

test("--from-bucket without a manifest in the bucket: exit 3 and what to do", async () => {
  const bucket = await newBucket();
  const r = await runCli("data-sync", [
    "report",
    "tuh",
    "--from-bucket",
    "--bucket",
    bucket,
    "--prefix",
    "ds/",
  ]);
  expect(r.code).toBe(3);
  expect(r.stderr).toBe(
    `error: no manifest at s3://${bucket}/ds/.bgb-manifest.json: run pnpm sync tuh first\n`,
  );
});

test("a source file named .bgb-report.json is refused (the key is the report's)", async () => {
  const { checkRelPath } = await import("../src/engine/keys.ts");
  expect(checkRelPath(".bgb-report.json")).toEqual({
    ok: false,
    why: ".bgb-report.json is reserved for the dataset report",
  });
});
