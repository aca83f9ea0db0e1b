// Dataset checks against a real S3 server (versitygw) through the real SDK: the manifest is read
// from <prefix>.bgb-manifest.json and its counts compared with datasets.yaml.
import { randomBytes } from "node:crypto";
import type { DatasetsConfig } from "@bgb/shared";
import { describe, expect, inject, test } from "vitest";
import { checkDatasets } from "../../src/preflight/checks/datasets.ts";
import { probeManifests } from "../../src/preflight/probes/manifests.ts";
import type { CheckResult } from "../../src/preflight/types.ts";
import { s3ObjectReader } from "../../src/storage/s3-object-reader.ts";
import { input } from "../helpers/facts.ts";
import { putManifest, tuhManifest } from "../helpers/temp-repo.ts";

const s3 = inject("s3");
const creds = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };

function datasetsAt(bucket: string, prefix: string, expected: Record<string, number> | null) {
  const base = input("full").datasets;
  const d: DatasetsConfig = structuredClone(base);
  d.datasets.tuh = {
    ...(d.datasets.tuh as NonNullable<DatasetsConfig["datasets"]["tuh"]>),
    bucket,
    prefix,
    endpoint_url: s3.endpoint,
    region: s3.region,
    expected_counts: expected,
  };
  return d;
}

async function check(datasets: DatasetsConfig): Promise<CheckResult> {
  const manifests = await probeManifests(["tuh"], datasets, {}, (e) =>
    s3ObjectReader(e, { credentials: creds }),
  );
  const i = input("full");
  i.datasets = datasets;
  i.facts.manifests = manifests;
  const [r] = checkDatasets(i);
  return r as CheckResult;
}

describe("dataset manifest in the bucket", () => {
  const bucket = `manifests-${randomBytes(3).toString("hex")}`;
  const manifest = tuhManifest();

  test("present with the expected counts: passes and reports the version", async () => {
    await putManifest(s3, bucket, "tuh/", JSON.stringify(manifest));
    const r = await check(datasetsAt(bucket, "tuh/", { train: 2, dev: 1, eval: 1 }));
    expect(r).toMatchObject({ check: "dataset:tuh", ok: true, fix: null });
    expect(r.message).toContain(`version ${manifest.version.slice(0, 12)}`);
    expect(r.message).toContain("counts match dev=1 eval=1 train=2");
  });

  test("counts that differ from expected_counts fail", async () => {
    const r = await check(datasetsAt(bucket, "tuh/", { train: 4667, dev: 1, eval: 1 }));
    expect(r.ok).toBe(false);
    expect(r.message).toBe(
      ".edf counts differ from configs/datasets.yaml (train: expected 4667, manifest has 2)",
    );
    expect(r.fix).toMatch(/pnpm sync tuh/);
  });

  test("no manifest under the configured prefix fails", async () => {
    const r = await check(datasetsAt(bucket, "tuh-v2/", { train: 2, dev: 1, eval: 1 }));
    expect(r.ok).toBe(false);
    expect(r.message).toBe(
      `no manifest at s3://${bucket}/tuh-v2/.bgb-manifest.json (${s3.endpoint}): the upload is missing, unfinished, or under another prefix`,
    );
    expect(r.fix).toMatch(/pnpm sync tuh .*; or correct bucket\/prefix/);
  });

  test("a bucket that does not exist fails", async () => {
    const r = await check(datasetsAt(`${bucket}-nope`, "tuh/", null));
    expect(r.ok).toBe(false);
    expect(r.message).toBe(`bucket ${bucket}-nope does not exist at ${s3.endpoint}`);
  });

  test("an edited manifest (version no longer matches its files) fails", async () => {
    const edited = { ...manifest, files: manifest.files.slice(1) };
    await putManifest(s3, bucket, "edited/", JSON.stringify(edited));
    const r = await check(datasetsAt(bucket, "edited/", null));
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/unusable: manifest version does not match its file list/);
  });

  test("wrong credentials are reported as such", async () => {
    const manifests = await probeManifests(["tuh"], datasetsAt(bucket, "tuh/", null), {}, (e) =>
      s3ObjectReader(e, { credentials: { accessKeyId: "nobody", secretAccessKey: "wrong" } }),
    );
    // the same reply (versitygw: 404 XAdminUserNotFound) that `pnpm sync` calls access denied
    // (data-sync test/bad-input.test.ts): one classification, @bgb/shared/s3
    expect(manifests.tuh).toMatchObject({
      state: "error",
      message: expect.stringMatching(/^access denied \(XAdminUserNotFound \(HTTP 404\)/),
    });
  });
});
