// status, verify, gc, --verify-remote and the lifecycle warning, against the real versitygw.
import { join } from "node:path";
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { generateTusz, startFaultProxy } from "@bgb/testkit";
import { beforeAll, expect, test } from "vitest";
import {
  bucketOnly,
  client,
  expectBucketMatches,
  listFiles,
  MiB,
  newBucket,
  openUploads,
  runCli,
  s3,
  syncArgs,
  targetArgs,
  tempDir,
} from "./support.ts";

let src: string;
const dir = tempDir;
beforeAll(async () => {
  src = dir("maint");
  await generateTusz({
    root: src,
    seed: 5,
    patients: 3,
    files: 6,
    sizes: { minBytes: 64 * 1024, maxBytes: 12 * MiB },
  });
});
const target = (bucket: string, state: string) => targetArgs("tuh", src, bucket, state);

test("verify catches an object that went missing behind the journal's back; --verify-remote puts it back", async () => {
  const bucket = await newBucket();
  const state = dir("state");
  expect(
    (await runCli("sync", syncArgs("tuh", src, bucket, state, ["--part-size", "5MiB"]))).code,
  ).toBe(0);
  const ok = await runCli("data-sync", ["verify", ...bucketOnly(target(bucket, state)), "--json"]);
  expect(ok.code).toBe(0);
  expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, problems: [], unverified: [] });

  const victim = listFiles(src).find((f) => f.endsWith(".edf")) as string;
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: `ds/${victim}` }));
  const bad = await runCli("data-sync", ["verify", ...bucketOnly(target(bucket, state))]);
  expect(bad.code).toBe(1);
  expect(bad.stdout).toContain(`${victim}: missing from the bucket`);
  expect(bad.stdout).toMatch(/NOT verified/);

  // The journal still vouches for it, so a plain sync trusts it; --verify-remote does not.
  const trusting = await runCli("sync", syncArgs("tuh", src, bucket, state));
  expect(trusting.summary).toMatchObject({ files_uploaded: 0, bytes_sent: 0 });
  const distrust = await runCli("sync", syncArgs("tuh", src, bucket, state, ["--verify-remote"]));
  expect(distrust.code).toBe(0);
  expect(distrust.summary?.files_uploaded).toBe(1);
  expect(
    distrust.events.filter((e) => e.event === "file_done" && e.outcome === "adopted").length,
  ).toBe((distrust.summary?.files_total as number) - 1);
  await expectBucketMatches(bucket, "ds/", src);
});

test("verify --deep re-reads the bytes: an object overwritten with same-size garbage fails", async () => {
  const bucket = await newBucket();
  const state = dir("state");
  expect((await runCli("sync", syncArgs("tuh", src, bucket, state))).code).toBe(0);
  const victim = listFiles(src).find((f) => f.endsWith(".csv")) as string;
  const size = (await import("node:fs")).statSync(join(src, victim)).size;
  await client.send(
    new PutObjectCommand({ Bucket: bucket, Key: `ds/${victim}`, Body: Buffer.alloc(size, 120) }),
  );
  const r = await runCli("data-sync", ["verify", ...bucketOnly(target(bucket, state)), "--deep"]);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(`${victim}: content SHA-256 differs from the manifest`);
});

test("status tells from the journal alone what a sync would do", async () => {
  const bucket = await newBucket();
  const state = dir("state");
  const before = await runCli("data-sync", ["status", ...target(bucket, state), "--json"]);
  expect(before.code).toBe(1);
  const b = JSON.parse(before.stdout);
  expect(b).toMatchObject({ files_synced: 0, complete: false, manifest_version: null });
  expect(b.files_pending).toBe(b.files_total);
  await runCli("sync", syncArgs("tuh", src, bucket, state));
  const after = await runCli("data-sync", ["status", ...target(bucket, state)]);
  expect(after.code).toBe(0);
  expect(after.stdout).toMatch(/(\d+)\/\1 files synced; 0 pending/);
  expect(after.stdout).toMatch(/manifest: dataset version [0-9a-f]{64}/);
});

test("gc keeps the upload a sync will resume and foreign uploads; --all aborts the foreign one", async () => {
  const bucket = await newBucket();
  const state = dir("state");
  const big = dir("big");
  const { writeFileSync } = await import("node:fs");
  writeFileSync(join(big, "big.edf"), Buffer.alloc(40 * MiB, 7));
  // A sync killed mid-multipart leaves an upload the journal will resume.
  let parts = 0;
  await runCli(
    "sync",
    syncArgs("tuh", big, bucket, state, [
      "--include",
      "**",
      "--part-size",
      "5MiB",
      "--concurrency",
      "1",
      "--bwlimit",
      "5MiB",
      "--progress-interval",
      "1",
    ]),
    {
      onLine: (l) => l.includes('"stats"') && JSON.parse(l).bytes_sent > 0 && ++parts > 0,
    },
  );
  const foreign = await client.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: "ds/other-tool.bin" }),
  );
  expect(await openUploads(bucket, "ds/")).toBe(2);
  const args = ["gc", "tuh", "--bucket", bucket, "--prefix", "ds/", "--state-dir", state];

  const dry = await runCli("data-sync", [...args, "--dry-run", "--json"]);
  expect(dry.code).toBe(0);
  const decisions = JSON.parse(dry.stdout).uploads as {
    key: string;
    action: string;
    reason: string;
  }[];
  expect(decisions.find((d) => d.key === "ds/big.edf")).toMatchObject({
    action: "keep",
    reason: "still being resumed by sync",
  });
  expect(decisions.find((d) => d.key === "ds/other-tool.bin")?.action).toBe("keep");

  const all = await runCli("data-sync", [...args, "--all"]);
  expect(all.code).toBe(0);
  expect(all.stdout).toContain("aborted: ds/other-tool.bin (--all: not started by this tool)");
  expect(await openUploads(bucket, "ds/")).toBe(1);
  // The kept upload is still good: the next sync resumes it and finishes.
  const resumed = await runCli(
    "sync",
    syncArgs("tuh", big, bucket, state, ["--include", "**", "--part-size", "5MiB"]),
  );
  expect(resumed.code).toBe(0);
  expect(resumed.events.some((e) => e.event === "file_done" && e.outcome === "resumed")).toBe(true);
  expect(await openUploads(bucket, "ds/")).toBe(0);
  await client
    .send(
      new AbortMultipartUploadCommand({
        Bucket: bucket,
        Key: "ds/other-tool.bin",
        UploadId: foreign.UploadId,
      }),
    )
    .catch(() => {});
});

test("a bucket without an AbortIncompleteMultipartUpload rule gets one warning per run, with the fix", async () => {
  const bucket = await newBucket();
  const proxy = await startFaultProxy({ upstream: s3.endpoint });
  // versitygw has no lifecycle API; the proxy answers as AWS does for a bucket without rules.
  // Bucket-level GETs in order: the bucket probe (lists one key), the listing a run without a
  // journal reads, then the lifecycle rules.
  proxy.setRules([
    {
      match: { method: "GET", op: "Other", nth: 3, times: 1 },
      action: { kind: "status", status: 404, code: "NoSuchLifecycleConfiguration" },
    },
  ]);
  try {
    const r = await runCli(
      "sync",
      syncArgs("tuh", src, bucket, dir("state"), ["--part-size", "5MiB"]),
      { endpoint: proxy.endpoint },
    );
    expect(r.code).toBe(0);
    const warnings = r.events.filter(
      (e) => e.event === "warning" && String(e.message).includes("AbortIncompleteMultipartUpload"),
    );
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.message)).toContain("put-bucket-lifecycle-configuration");
  } finally {
    await proxy.stop();
  }
});

test("an upload created just before a kill, whose id never reached the journal, is aborted by the next complete sync", async () => {
  const { appendFileSync, readdirSync } = await import("node:fs");
  const { encodeRecord } = await import("../src/engine/journal/records.ts");
  const bucket = await newBucket();
  const state = dir("state");
  expect((await runCli("sync", syncArgs("tuh", src, bucket, state))).code).toBe(0);
  // What a kill between "intent" and "mpu" leaves: the intent in the journal, the upload in S3.
  const key = listFiles(src).find((f) => f.endsWith(".edf")) as string;
  const journalDir = join(state, "journals");
  const journal = join(journalDir, readdirSync(journalDir)[0] as string);
  appendFileSync(
    journal,
    encodeRecord({ t: "intent", key, at: new Date(Date.now() - 1000).toISOString() }),
  );
  await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: `ds/${key}` }));
  expect(await openUploads(bucket, "ds/")).toBe(1);
  const r = await runCli("sync", syncArgs("tuh", src, bucket, state));
  expect(r.code).toBe(0);
  expect(
    r.events.some(
      (e) => e.event === "warning" && String(e.message).includes("aborted 1 unfinished upload"),
    ),
  ).toBe(true);
  expect(await openUploads(bucket, "ds/")).toBe(0);
  // Resolved: the run after that makes no listing at all.
  const quiet = await runCli("sync", syncArgs("tuh", src, bucket, state));
  expect(quiet.events.some((e) => e.event === "warning")).toBe(false);
});

test("gc refuses to run while a sync holds the journal (it could be creating uploads)", async () => {
  const bucket = await newBucket();
  const state = dir("state");
  let started: () => void = () => {};
  const planned = new Promise<void>((r) => {
    started = r;
  });
  const syncing = runCli("sync", syncArgs("tuh", src, bucket, state, ["--bwlimit", "2MiB"]), {
    onLine: (l) => {
      if (l.includes('"plan"')) started();
      return false;
    },
    killAfterMs: 20_000,
  });
  await planned;
  const gc = await runCli("data-sync", ["gc", ...bucketOnly(target(bucket, state))]);
  expect(gc.code).toBe(3);
  expect(gc.stderr).toMatch(/another sync \(pid \d+\) is using .*; wait for it or stop it/);
  await syncing;
});
